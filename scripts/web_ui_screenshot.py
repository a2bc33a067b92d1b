"""Check in the real Temporal Web UI that a run's summary names its entry method, and save a screenshot.

It starts an engine with the embedded dev server and its Web UI (``TemporalEngine(ui_port=...)``),
runs ``OrderWorkflow.process`` with the business id ``order-42`` and a search attribute, opens the
run's page in headless Chromium, checks that the rendered page shows ``OrderWorkflow.process`` (the
summary temporal-runtime gives every run), and saves the page as ``docs/images/web-ui-run-summary.png``.

It installs nothing. It needs:

- Chromium: ``apt-get install chromium`` (Debian; ``chromium-browser`` on Ubuntu), or set ``CHROMIUM``
  to the browser's path. Chromium's own ``--headless --dump-dom`` and ``--screenshot`` do the work,
  so no Python browser library is needed;
- this repository's environment (``./dev sync``), for the Temporal CLI of ``temporal-runtime[local]``.

Usage::

    .venv/bin/python scripts/web_ui_screenshot.py [--out docs/images/web-ui-run-summary.png]

Exit code 0 when the page shows the summary, 1 (with the text Chromium saw) when it does not.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pydantic import BaseModel

from temporal_runtime import SearchAttribute, TemporalEngine, Workflow
from temporal_runtime_engine import free_port

# The workflow sandbox re-imports this module: no file-system calls at import time.
DEFAULT_OUT = Path(__file__).parent.parent / "docs" / "images" / "web-ui-run-summary.png"
EXPECTED = "OrderWorkflow.process"

CustomerId = SearchAttribute.keyword("CustomerId")


class Order(BaseModel):
    order_id: str
    total: float


class OrderWorkflow(Workflow):
    async def process(self, order: Order) -> str:
        return f"{order.order_id} processed ({order.total:.2f})"


def _chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        found = candidate and shutil.which(candidate)
        if found:
            return found
    sys.exit("Chromium not found: apt-get install chromium (or set CHROMIUM=/path/to/chromium)")


def _browse(chromium: str, url: str, *action: str) -> str:
    """Run headless Chromium on ``url`` with ``action`` (``--dump-dom`` or ``--screenshot=...``)."""
    with tempfile.TemporaryDirectory(prefix="web-ui-chromium-") as profile:
        argv = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            "--window-size=1400,900",
            "--virtual-time-budget=20000",  # let the single-page app fetch the run and render it
            *action,
            url,
        ]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            sys.exit(f"Chromium failed ({done.returncode}): {done.stderr[-2000:]}")
        return done.stdout


async def main(out: Path) -> int:
    chromium = _chromium()
    async with TemporalEngine(ui_port=free_port(), task_queue="web-ui-screenshot") as engine:
        handle = await engine.start_workflow(
            OrderWorkflow.process,
            Order(order_id="order-42", total=99.5),
            id="order-42",
            search_attributes=[CustomerId.value("c-1")],
        )
        print(await handle.result())
        assert engine.ui_url is not None
        # the run's page, on its "User Metadata" tab, where the Web UI shows the summary
        run_page = f"{engine.ui_url}/namespaces/{engine.namespace}/workflows/{handle.id}/{handle.run_id}"
        url = f"{run_page}/user-metadata"
        print(f"opening {url}")
        dom = await asyncio.to_thread(_browse, chromium, url, "--dump-dom")
        if EXPECTED not in dom:
            print(f"The Web UI page does not show {EXPECTED!r}; it rendered:\n{dom[:4000]}")
            return 1
        out.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(_browse, chromium, url, f"--screenshot={out}")
        print(f"the run's page shows {EXPECTED!r}; screenshot saved to {out}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Check the run summary in the Temporal Web UI.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to save the PNG")
    sys.exit(asyncio.run(main(parser.parse_args().out)))

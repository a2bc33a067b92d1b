"""Every Python code block in docs/*.md and README.md runs (#15), or is marked illustrative with a reason.

Each page runs in a process of its own (``_run_page.py``: the blocks in order, in one namespace, as a
reader pastes them, then the ``test_*`` functions they define), so that pages defining the same names
do not collide in the process-wide registries. The processes are forked from a server that imported
the SDK once (multiprocessing's forkserver), which keeps a page at about a second plus what its blocks
do; two pages run at a time. Blocks that connect to ``localhost:7233`` reach the session's dev
server instead; an engine without ``url=`` starts its embedded server, as the page shows. A failing
block fails its page's test with the page's ``file:line`` and the traceback.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.context import ForkServerContext
from pathlib import Path

import pytest

from tests.docs._blocks import ROOT, python_blocks

RUNNER = Path(__file__).resolve().parent / "_run_page.py"
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
PAGES_WITH_CODE = [page for page in PAGES if python_blocks(page)]
TIMEOUT = 180  # per page; about 30 s for all of them on an idle 2-core machine
PARALLEL = 2


@pytest.fixture(scope="module")
def page_runs(
    temporal_address: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[Path, Future[tuple[int, str]]]]:
    """Every page's run, started at once, a few at a time: a page mostly waits (for a server to start,
    a workflow to finish), so they overlap well."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.docs._run_page"])  # imports temporal_runtime once
    output = tmp_path_factory.mktemp("docs-pages")
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        yield {
            page: pool.submit(_run_forked, context, page, temporal_address, output / f"{index}.txt")
            for index, page in enumerate(PAGES_WITH_CODE)
        }


def _run_forked(context: ForkServerContext, page: Path, address: str, output: Path) -> tuple[int, str]:
    from tests.docs._run_page import run_page

    process = context.Process(target=run_page, args=(page, address, output))
    process.start()
    process.join(TIMEOUT)
    if process.exitcode is None:
        process.kill()
        process.join()
        return -1, f"{page.name}'s blocks did not finish within {TIMEOUT} s:\n{output.read_text()}"
    return process.exitcode, output.read_text(encoding="utf-8")


def _run(page: Path) -> subprocess.CompletedProcess[str]:
    """The runner as a person runs it: ``python tests/docs/_run_page.py PAGE``."""
    command = [sys.executable, str(RUNNER), str(page)]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT, check=False)


@pytest.mark.integration
@pytest.mark.parametrize(
    "page", PAGES_WITH_CODE, ids=[p.relative_to(ROOT).as_posix() for p in PAGES_WITH_CODE]
)
def test_the_pages_code_blocks_run(page: Path, page_runs: dict[Path, Future[tuple[int, str]]]) -> None:
    status, output = page_runs[page].result()
    assert status == 0, output[-6000:]
    assert f"ran {sum(b.skip is None for b in python_blocks(page))} blocks" in output


def test_a_failing_block_is_named_by_file_and_line(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Page\n\n```python\nanswer = 42\n```\n\nText.\n\n```python\nassert answer == 41\n```\n")
    result = _run(page)
    assert result.returncode == 1
    assert f"FAILED {page}:9: this block raised" in result.stderr
    assert 'page.md", line 10' in result.stderr  # the traceback points into the page


def test_blocks_share_a_namespace_and_an_event_loop_and_their_tests_run(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n```python\nimport asyncio\n\nqueue: asyncio.Queue[int] = asyncio.Queue()\n"
        "task = asyncio.ensure_future(queue.put(1))\n```\n\n"
        "```py\nawait task\nassert await queue.get() == 1\n\n\nasync def test_it() -> None:\n"
        "    assert queue.empty()\n\n\n"
        "def test_not_run(other_fixture: int) -> None:\n    raise AssertionError\n```\n"
    )
    result = _run(page)
    assert result.returncode == 0, result.stderr
    assert "ran 2 blocks of page.md, and 1 test functions they define" in result.stdout
    assert "passed test_it" in result.stdout


def test_illustrative_blocks_are_skipped_only_when_marked_on_the_line_before(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n<!-- illustrative: needs a cluster -->\n```python\nraise SystemExit(3)\n```\n\n"
        "<!-- illustrative: not directly before the fence -->\n\n```python\nx = 1\n```\n\n"
        '- in a list:\n\n  ```python\n  y = x + 1\n  ```\n\n```python\n--8<-- "examples/quickstart.py"\n```\n'
    )
    blocks = python_blocks(page)
    assert [b.skip for b in blocks] == [
        "illustrative: needs a cluster",
        None,
        None,
        "included from examples/quickstart.py (run by tests/examples)",
    ]
    assert blocks[2].code == "y = x + 1\n"
    result = _run(page)
    assert result.returncode == 0, result.stderr
    assert f"skipped {page}:4: illustrative: needs a cluster" in result.stdout


def test_a_page_is_importable_as_the_module_it_tells_the_reader_to_write(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\nPut this in `shop/orders.py`:\n\n<!-- module: shop.orders -->\n"
        "```python\nTOTAL = 3\n```\n\n"
        "```python\nfrom shop.orders import TOTAL\n\nassert TOTAL == 3\n```\n"
    )
    result = _run(page)
    assert result.returncode == 0, result.stderr

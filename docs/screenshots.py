"""Render the built documentation site in headless Chromium and save screenshots (#15), to look at.

    python docs/screenshots.py [--no-build]

Builds the site (``./dev nox -s docs``, unless ``--no-build``), serves ``site/`` on a free loopback
port, and saves the home page, two guides, the migration page (tabs), the errors page and one API
reference page as PNGs in ``docs/screenshots/`` (gitignored; the images are not committed). Needs
Chromium: ``apt-get install -y chromium`` (Debian) or ``CHROMIUM=/path/to/chromium``. Not part of CI.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
OUT = ROOT / "docs" / "screenshots"
PAGES = {
    "home": "",
    "guide-messages": "messages/",
    "guide-failures": "failures/",  # a collapsed example admonition
    "migration": "migration/",  # tabs
    "api-engine": "reference/engine/",
    "errors": "errors/",
}


def chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    sys.exit("Chromium not found: apt-get install -y chromium (or set CHROMIUM=/path/to/chromium)")


def screenshot(browser: str, url: str, target: Path, width: int = 1280, height: int = 1800) -> None:
    with tempfile.TemporaryDirectory(prefix="docs-chromium-") as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={target}",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    browser = chromium()
    if "--no-build" not in sys.argv:
        subprocess.run([str(ROOT / "dev"), "nox", "-s", "docs"], check=True, cwd=ROOT)
    if not (SITE / "index.html").is_file():
        sys.exit(f"no built site in {SITE}: run ./dev nox -s docs")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    OUT.mkdir(exist_ok=True)
    try:
        for name, path in PAGES.items():
            target = OUT / f"{name}.png"
            screenshot(browser, f"http://127.0.0.1:{server.server_port}/{path}", target)
            print(target.relative_to(ROOT))
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()

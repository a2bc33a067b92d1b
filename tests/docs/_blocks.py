"""The Python code blocks of a Markdown page, as a reader sees them (#15).

A block is a fenced block whose info string is ``python`` (or ``py``), at any indentation (inside a list
or an admonition it is dedented by its fence's indentation). It is skipped, with a reason, when:

- the line directly before its opening fence is ``<!-- illustrative: <reason> -->`` (a fragment, or code
  that needs a cluster, a key or a process that runs until stopped), or
- it only includes files with pymdownx.snippets (``--8<-- "examples/order_saga.py"``): those are the
  examples, which ``tests/examples`` runs.

Every other block is run by ``_run_page.py``, in order, in one namespace per page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")
_ILLUSTRATIVE = re.compile(r"^\s*<!--\s*illustrative:\s*(?P<reason>.*?)\s*-->\s*$")
_SNIPPET = re.compile(r"""^--8<--\s+["'](?P<path>[^"']+)["']$""")
_MODULE = re.compile(r"^\s*<!--\s*module:\s*(?P<name>[A-Za-z_][\w.]*)\s*-->\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """One Python code block: its page, the line of its first code line (1-based), its code (dedented)
    and, if it is not run, why."""

    path: Path
    line: int
    code: str
    skip: str | None

    @property
    def where(self) -> str:
        """``docs/page.md:LINE`` (the opening fence's line), as an editor opens it."""
        try:
            shown = self.path.relative_to(ROOT)
        except ValueError:
            shown = self.path
        return f"{shown.as_posix()}:{self.line - 1}"


def python_blocks(path: Path) -> list[Block]:
    """The page's Python code blocks, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _OPEN.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        language = opening["info"].split()[0] if opening["info"].split() else ""
        end = index + 1
        while end < len(lines) and not _closes(lines[end], indent, fence):
            end += 1
        if language in ("python", "py"):
            body = [line.removeprefix(indent) for line in lines[index + 1 : end]]
            code = "\n".join(body) + "\n"
            mark = _ILLUSTRATIVE.match(lines[index - 1]) if index > 0 else None
            skip = f"illustrative: {mark['reason']}" if mark else _included(body)
            blocks.append(Block(path=path, line=index + 2, code=code, skip=skip))
        index = end + 1
    return blocks


def module_names(path: Path) -> list[str]:
    """Names under which the page's namespace is importable (``<!-- module: orders -->``): a page that
    tells the reader to put its blocks in ``orders.py`` and then ``from orders import ...``."""
    return _MODULE.findall(path.read_text(encoding="utf-8"))


def _closes(line: str, indent: str, fence: str) -> bool:
    stripped = line.removeprefix(indent) if line.startswith(indent) else None
    return (
        stripped is not None
        and stripped.rstrip() == fence[0] * len(stripped.rstrip()) != ""
        and (len(stripped.rstrip()) >= len(fence))
    )


def _included(body: list[str]) -> str | None:
    """The skip reason of a block made only of snippet includes of example files, else None."""
    code = [line.strip() for line in body if line.strip()]
    matches = [_SNIPPET.match(line) for line in code]
    if not code or not all(matches):
        return None
    paths = [m["path"] for m in matches if m is not None]
    missing = [p for p in paths if not (ROOT / p).is_file()]
    if missing:
        return None  # left to run, so that it fails and names the page's line
    return "included from " + ", ".join(paths) + " (run by tests/examples)"

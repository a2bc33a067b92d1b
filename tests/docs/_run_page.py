"""Run a Markdown page's Python code blocks as a reader would (#15): ``python _run_page.py PAGE [ADDRESS]``.

The blocks run in order in one namespace, a fresh ``__main__`` module (so ``if __name__ == "__main__":``
runs, and the workflow sandbox treats the page's workflows as a script's). A block may ``await`` at top
level; such a block runs on the page's one event loop, so later blocks see what earlier ones started.
With ADDRESS, the string literals ``"localhost:7233"`` and ``"temporal:7233"`` are replaced by it (the
test session's dev server); an engine without ``url=`` starts its embedded server, as the page says.

Temporal's workflow sandbox imports a script's workflows again from ``__main__.__file__``, a Python file:
the page's namespace has one, written from the page's blocks at their lines, with only their definitions
(imports, classes, functions, assignments without ``await`` that build no engine, tester or app; no
calls, loops, ``async with``, asserts).

A ``test_*`` function a block defines is called after the block, as pytest would (``temporal_engine``
is an engine on ADDRESS, or on an embedded server without it, ``temporal_time_skipping_engine`` one on
a time-skipping server); a test that takes other fixtures, or is parametrized, is only defined.

The first failing block stops the page: its ``PAGE:LINE`` and traceback (whose lines are the page's) go to
stderr and the exit status is 1. Skipped blocks are listed on stdout with their reason.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import os
import re
import sys
import tempfile
import time
import traceback
import types
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: the repository's root

from temporal_runtime import TemporalEngine
from tests.docs._blocks import ROOT, Block, module_names, python_blocks

_ADDRESS = re.compile(r"""(?<=["'])(?:localhost|temporal):7233(?=["'])""")


_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.If)
_ASSIGNMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign)
# Assignments that build what runs workflows, not what they are made of: never in a workflow module.
_RUNNERS = {"TemporalEngine", "from_env", "WorkflowTester", "ActivityTester", "FastAPI", "client"}


def _awaits(node: ast.AST) -> bool:
    return isinstance(node, ast.Await) or (isinstance(node, ast.comprehension) and bool(node.is_async))


def _builds_a_runner(statement: ast.stmt) -> bool:
    for node in ast.walk(statement):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name in _RUNNERS:
                return True
    return False


def definitions_only(source: str, aliases: list[str], dropped: set[str] | None = None) -> str:
    """``source`` with every top-level statement that is not a definition blanked out (line numbers
    kept), the imports of the page's own aliases too (the page is one file in the sandbox), and the
    definitions decorated by, and assignments reading, a name that was blanked out (``@app.post`` of
    a dropped ``app``).
    ``dropped`` collects those names across the page's blocks."""
    dropped = set() if dropped is None else dropped
    lines = source.splitlines()
    tree: ast.Module = compile(
        source, "<block>", "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    )
    for statement in tree.body:
        keep = isinstance(statement, _DEFINITIONS) or (
            isinstance(statement, _ASSIGNMENTS)
            and not any(_awaits(n) for n in ast.walk(statement))
            and not _builds_a_runner(statement)
        )
        if isinstance(statement, ast.ImportFrom) and statement.module in aliases:
            keep = False
        if isinstance(statement, ast.Import) and any(a.name in aliases for a in statement.names):
            keep = False
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and any(
            isinstance(n, ast.Name) and n.id in dropped for d in statement.decorator_list for n in ast.walk(d)
        ):
            keep = False
        if isinstance(statement, _ASSIGNMENTS) and any(
            isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in dropped
            for n in ast.walk(statement)
        ):
            keep = False  # `same = engine.get_handle_for(...)` of a dropped `engine`
        if not keep:
            dropped.update(_assigned_names(statement))
            first = min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", []))]) - 1
            end = statement.end_lineno or statement.lineno
            lines[first:end] = [""] * (end - first)
    return "\n".join(lines) + "\n"


def _assigned_names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
    return {n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)}


def _sandbox_source(blocks: list[Block], aliases: list[str], address: str | None) -> str:
    """The page as one Python file: each runnable block's definitions at the block's lines."""
    # Line 1 is the page's title, never code: the page's aliases (`import orders`) name this module.
    lines = [
        "; ".join(f"{name} = __import__('sys').modules[__name__]" for name in aliases if "." not in name)
    ]
    dropped: set[str] = set()
    for block in blocks:
        if block.skip is not None:
            continue
        try:
            code = definitions_only(_code(block.code, address), aliases, dropped)
        except SyntaxError:
            continue  # the block fails when it runs, naming its line
        lines.extend([""] * (block.line - 1 - len(lines)))
        lines.extend(code.splitlines())
    return "\n".join(lines) + "\n"


def run_page(page: Path, address: str | None, output: Path) -> None:
    """Run the page in this (forked) process with stdout and stderr, Temporal's core logs included, in
    ``output``; exit with ``main``'s status."""
    with output.open("w", encoding="utf-8") as out:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        status = main(page, address)
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(status)  # engines a page left running end with the process, as a script's do


def main(page: Path, address: str | None) -> int:
    aliases = module_names(page)
    namespace = types.ModuleType("__main__")
    script = Path(tempfile.mkdtemp(prefix="docs-page-")) / f"{page.stem.replace('-', '_')}_page.py"
    namespace.__file__ = str(script)
    sys.modules["__main__"] = namespace
    for name in aliases:
        _alias(name, namespace)
    sys.path.insert(0, str(ROOT))
    loop = asyncio.new_event_loop()
    ran = tests = 0
    blocks = python_blocks(page)
    for position, block in enumerate(blocks):
        if block.skip is not None:
            print(f"skipped {block.where}: {block.skip}")
            continue
        code = _code(block.code, address)
        # What the sandbox imports again: the definitions of the blocks up to this one.
        script.write_text(_sandbox_source(blocks[: position + 1], aliases, address), encoding="utf-8")
        asyncio.set_event_loop(loop)  # again: a block's asyncio.run() unsets it when it ends
        started = time.monotonic()
        try:
            compiled = compile(
                "\n" * (block.line - 1) + code,
                str(block.path),
                "exec",
                flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                dont_inherit=True,
            )
            result = eval(compiled, namespace.__dict__)
            if asyncio.iscoroutine(result):
                loop.run_until_complete(result)
            for test in _tests_of(block, namespace):
                tests += loop.run_until_complete(_run_test(test, address))
        except BaseException:
            print(f"FAILED {block.where}: this block raised\n{traceback.format_exc()}", file=sys.stderr)
            return 1
        ran += 1
        if (took := time.monotonic() - started) > 1:
            print(f"slow {block.where}: {took:.1f} s")
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    print(f"ran {ran} blocks of {page.name}, and {tests} test functions they define")
    return 0


def _alias(name: str, namespace: types.ModuleType) -> None:
    """Make ``namespace`` importable as ``name`` (``myapp.activities``: ``myapp`` becomes a package)."""
    parent_name, _, child = name.rpartition(".")
    if parent_name:
        parent = sys.modules.get(parent_name)
        if parent is None:
            parent = types.ModuleType(parent_name)
            parent.__path__ = []
            _alias(parent_name, parent)
        setattr(parent, child, namespace)
    sys.modules[name] = namespace


def _tests_of(block: Block, namespace: types.ModuleType) -> list[Callable[..., object]]:
    """The ``test_*`` functions the block defines: a reader runs them with pytest."""
    tests: list[Callable[..., object]] = []
    for name, value in list(vars(namespace).items()):
        code = getattr(value, "__code__", None)
        if name.startswith("test_") and inspect.isfunction(value) and code is not None:
            first = code.co_firstlineno
            if code.co_filename == str(block.path) and block.line <= first < block.line + block.code.count(
                "\n"
            ):
                tests.append(value)
    return tests


async def _run_test(test: Callable[..., object], address: str | None) -> int:
    """Call a test as pytest would, with the plugin's two engine fixtures by name (a parametrized test, or
    one needing another fixture, is only defined)."""
    marks: list[Any] = getattr(test, "pytestmark", [])
    if any(mark.name == "parametrize" for mark in marks):
        return 0
    parameters = list(inspect.signature(test).parameters)
    if any(p not in ("temporal_engine", "temporal_time_skipping_engine") for p in parameters):
        return 0
    async with contextlib.AsyncExitStack() as stack:
        kwargs: dict[str, object] = {}
        queue = f"docs-{test.__name__}-{uuid.uuid4().hex[:8]}"
        for parameter in parameters:
            if parameter == "temporal_engine":
                engine = TemporalEngine(url=address, task_queue=queue, headless=True)
            else:
                engine = TemporalEngine(time_skipping=True, task_queue=queue)
            kwargs[parameter] = await stack.enter_async_context(engine)
        result = test(**kwargs)
        if inspect.isawaitable(result):
            await result
    print(f"passed {test.__name__}")
    return 1


def _code(code: str, address: str | None) -> str:
    return code if address is None else _ADDRESS.sub(address, code)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve(), sys.argv[2] if len(sys.argv) > 2 else None))

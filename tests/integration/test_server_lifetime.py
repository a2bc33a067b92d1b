"""The embedded dev server never outlives the process that started it, and ``engine.serve()``
stops the engine cleanly on SIGTERM and SIGINT.

Each test runs a small program in a subprocess that starts ``TemporalEngine()`` (embedded,
headless), finds the ``temporal server start-dev`` child it spawned (through /proc, so the test
does not rely on the engine's own bookkeeping), signals the program and checks the server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes through /proc"),
]

ROOT = Path(__file__).resolve().parents[2]

_PROGRAM = """
import asyncio, sys
from temporal_runtime import TemporalEngine

if sys.argv[1] == "watchdog":
    from temporal_runtime_engine import _server_process
    _server_process.USE_PDEATHSIG = False  # the fallback used where PR_SET_PDEATHSIG does not exist


async def main() -> None:
    engine = TemporalEngine(task_queue="lifetime", headless=True, start_worker=False)
    if sys.argv[2] == "serve":
        task = asyncio.create_task(engine.serve())
        while not engine.started:
            await asyncio.sleep(0.05)
        print("ready", flush=True)
        await task
        print("served", engine.started, flush=True)
    else:
        async with engine:
            print("ready", flush=True)
            await asyncio.Event().wait()


asyncio.run(main())
"""


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # state, ppid, ...


def _gone(pid: int) -> bool:
    fields = _stat(pid)
    return fields is None or fields[0] in ("Z", "X")  # a zombie has stopped; init reaps it


def _server_child(parent: int) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == parent:
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"start-dev" in cmdline:
                return int(entry.name)
    raise AssertionError(f"process {parent} has no `temporal server start-dev` child")


def _start(tmp_path: Path, tie: str, style: str) -> subprocess.Popen[str]:
    program = tmp_path / "program.py"
    program.write_text(textwrap.dedent(_PROGRAM))
    process = subprocess.Popen(
        [sys.executable, str(program), tie, style],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until the engine has started (or the program died)
    assert line.strip() == "ready", f"the program did not start: {line!r}, exit {process.poll()}"
    return process


def _wait_gone(pid: int, seconds: float) -> float:
    started = time.monotonic()
    while not _gone(pid):
        if time.monotonic() - started > seconds:
            os.kill(pid, signal.SIGKILL)  # do not leak it into the rest of the session
            raise AssertionError(f"the server (pid {pid}) still runs {seconds}s after its parent ended")
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.mark.parametrize("tie", ["pdeathsig", "watchdog"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_the_server_dies_with_the_process_that_started_it(tmp_path: Path, tie: str, sig: int) -> None:
    program = _start(tmp_path, tie, "async-with")
    server = _server_child(program.pid)
    program.send_signal(sig)
    program.wait(timeout=10)
    assert program.returncode == -sig  # the program itself did nothing on the signal
    assert _wait_gone(server, 10) < 10


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_the_engine_and_its_server_on_sigterm_and_sigint(tmp_path: Path, sig: int) -> None:
    program = _start(tmp_path, "pdeathsig", "serve")
    server = _server_child(program.pid)
    program.send_signal(sig)
    out, _ = program.communicate(timeout=30)
    assert program.returncode == 0
    assert out.strip() == "served False"  # serve() returned after stopping the engine
    assert _gone(server)  # stopped (and reaped) by the engine itself, before the program ended

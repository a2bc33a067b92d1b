"""A child server process whose life is tied to this process, with its output sent to logging.

:class:`ServerProcess` starts the embedded ``temporal server start-dev`` (and could start any
server binary) so that:

- it never outlives this process. On Linux the child asks the kernel, before it runs the binary,
  for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``; the "parent" is the thread that
  spawned it, which for the engine is the event loop's thread). Elsewhere, or where ``prctl`` is
  not available, a tiny watchdog process (``python -c``) holds one end of a pipe whose other end
  only this process has: when this process dies, however it dies, the pipe closes and the watchdog
  terminates the server.
- it runs in its own session (process group), so a terminal's Ctrl-C reaches only this process,
  which stops its worker gracefully *before* it stops the server.
- its stdout (the CLI's banner) and stderr (its JSON log lines) never reach this process's
  stdout: a daemon thread forwards each line to the ``temporal_runtime.server`` logger (at the
  line's own level once it serves, at DEBUG while it starts and stops) and keeps the last lines
  for error messages.
"""

from __future__ import annotations

import asyncio
import collections
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import IO, Any, Final, TypedDict, cast

__all__ = ["SERVER_LOGGER", "ServerProcess"]

SERVER_LOGGER: Final = "temporal_runtime.server"

log = logging.getLogger(SERVER_LOGGER)

_PR_SET_PDEATHSIG: Final = 1
_TAIL_LINES: Final = 20
_LEVELS: Final = {
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARN": logging.WARNING,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "DPANIC": logging.CRITICAL,
    "PANIC": logging.CRITICAL,
    "FATAL": logging.CRITICAL,
}

# The watchdog: blocks on its stdin until EOF. EOF after the word "stopped" means the server was
# stopped normally; plain EOF means the process that spawned it is gone, so it stops the server:
# SIGTERM, then SIGKILL after 5 seconds (TerminateProcess on Windows).
_WATCHDOG: Final = r"""
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
pid = int(sys.argv[1])
if sys.stdin.buffer.read().endswith(b"stopped"):
    sys.exit(0)
try:
    os.kill(pid, signal.SIGTERM)
except OSError:
    sys.exit(0)
if os.name == "nt":
    sys.exit(0)
for _ in range(50):
    time.sleep(0.1)
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(0)
try:
    os.kill(pid, signal.SIGKILL)
except OSError:
    pass
"""


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]  # type: ignore[attr-defined]
    prctl.restype = ctypes.c_int  # type: ignore[attr-defined]
    return prctl


_prctl = _load_prctl()

USE_PDEATHSIG: bool = _prctl is not None
"""Whether new servers are tied to this process by ``PR_SET_PDEATHSIG`` (else by the watchdog)."""


class _PopenOptions(TypedDict, total=False):
    """What ``subprocess.Popen`` gets besides the command and the streams (never ``text``: the
    server's output is read as bytes)."""

    creationflags: int
    start_new_session: bool
    preexec_fn: Callable[[], None]


def _die_with_parent(prctl: Callable[..., int], parent: int) -> Callable[[], None]:
    """The ``preexec_fn`` for Linux: runs in the child between fork and exec."""

    def preexec() -> None:
        if prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if os.getppid() != parent:  # the parent died before prctl took effect: follow it now
            os._exit(1)

    return preexec


class ServerProcess:
    """A running server process tied to this one; see the module's docstring.

    ``quiet=False`` lets the child write to this process's stdout (its stderr is still logged).
    """

    def __init__(self, argv: Sequence[str], *, name: str, quiet: bool = True) -> None:
        self.name = name
        self._muted = True  # until mark_serving(): start-up noise ("Frontend is not healthy yet")
        self._tail: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        popen_options: _PopenOptions = {}
        if sys.platform == "win32":
            popen_options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        else:
            popen_options["start_new_session"] = True
        tie_by_pdeathsig = USE_PDEATHSIG and _prctl is not None
        if tie_by_pdeathsig and _prctl is not None:
            popen_options["preexec_fn"] = _die_with_parent(_prctl, os.getpid())
        self._process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if quiet else None,
            stderr=subprocess.STDOUT if quiet else subprocess.PIPE,
            **popen_options,
        )
        self.pid: int = self._process.pid
        """The server's process id."""
        try:
            self._watchdog = None if tie_by_pdeathsig else self._start_watchdog(popen_options)
            stream = self._process.stdout if quiet else self._process.stderr
            assert stream is not None
            self._reader = threading.Thread(
                target=self._forward, args=(stream,), name=f"temporal-runtime {name} output", daemon=True
            )
            self._reader.start()
        except BaseException:
            # The server is running but nothing would ever stop it: stop it before giving up.
            self._process.kill()
            self._process.wait()
            raise

    def _start_watchdog(self, popen_options: _PopenOptions) -> subprocess.Popen[bytes]:
        options = popen_options.copy()
        options.pop("preexec_fn", None)
        return subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _WATCHDOG, str(self.pid)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **options,
        )

    def _forward(self, stream: IO[bytes]) -> None:
        with stream:
            for raw in stream:
                line = raw.decode("utf-8", "replace").rstrip()
                if not line:
                    continue
                self._tail.append(line)
                level, message = _parse(line)
                # While starting, the server logs the probes of a client that came too early at
                # ERROR, and once asked to stop, what the stop interrupts ("context canceled"):
                # both expected, so DEBUG (they stay in last_output() for error messages).
                log.log(logging.DEBUG if self._muted else level, "%s: %s", self.name, message)

    def mark_serving(self) -> None:
        """The server is up: from now on its lines are logged at their own level."""
        self._muted = False

    @property
    def returncode(self) -> int | None:
        """The exit code once the process has exited (negative: killed by that signal), else None."""
        return self._process.poll()

    def last_output(self) -> str:
        """The last lines the process wrote (stdout and stderr), indented, or ``(none)``."""
        if self._process.poll() is not None:
            self._reader.join(timeout=1)  # it exited: let the reader take the final lines
        return "\n".join(f"    {line}" for line in self._tail) or "    (none)"

    async def stop(self, timeout: float = 10) -> None:
        """Stop the process and release the watchdog: SIGTERM, then SIGKILL after ``timeout``
        seconds; ``timeout=0`` kills it at once (for a server with nothing to save)."""
        if self._process.poll() is None:
            self._muted = True
            if timeout > 0:
                self._process.terminate()
                try:
                    await asyncio.to_thread(self._process.wait, timeout)
                except subprocess.TimeoutExpired:
                    log.warning("%s (pid %d) did not stop in %ss; killing it", self.name, self.pid, timeout)
            if self._process.poll() is None:
                self._process.kill()
                await asyncio.to_thread(self._process.wait)
        await asyncio.to_thread(self._release_watchdog)
        await asyncio.to_thread(self._reader.join, 1)

    def _release_watchdog(self) -> None:
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is None or watchdog.stdin is None:
            return
        try:
            watchdog.stdin.write(b"stopped")
            watchdog.stdin.close()
        except OSError:
            pass
        try:
            watchdog.wait(timeout=5)
        except subprocess.TimeoutExpired:
            watchdog.kill()

    def __repr__(self) -> str:
        return f"<ServerProcess {self.name} pid={self.pid} returncode={self.returncode}>"


def _parse(line: str) -> tuple[int, str]:
    """The logging level and message of one output line: the CLI's JSON log lines keep their level
    (and their fields, after the message); anything else (the banner) is DEBUG."""
    if not line.startswith("{"):
        return logging.DEBUG, line
    try:
        entry = json.loads(line)
    except ValueError:
        return logging.DEBUG, line
    if not isinstance(entry, dict):
        return logging.DEBUG, line
    fields = dict(cast("dict[str, Any]", entry))  # a JSON object: str keys
    fields.pop("time", None)
    level = _LEVELS.get(str(fields.pop("level", "")).upper(), logging.INFO)
    message = str(fields.pop("msg", ""))
    if fields:
        message += " " + " ".join(f"{key}={value}" for key, value in fields.items())
    return level, message

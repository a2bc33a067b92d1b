"""``python -m temporal_runtime ...`` as a child process of a test, its stderr read line by line."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Self

ROOT = Path(__file__).resolve().parents[2]


def cli_env(extra: Mapping[str, str] = {}) -> dict[str, str]:
    """This process's environment without its Temporal client settings (``TEMPORAL_*``, but not
    ``TEMPORAL_RUNTIME_*``), plus ``extra``: what a test sets is all the CLI reads."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TEMPORAL_") or k.startswith("TEMPORAL_RUNTIME_")
    }
    env["TEMPORAL_CONFIG_FILE"] = str(ROOT / "tests" / "integration" / "no-such-temporal.toml")
    return {**env, **extra}


class CliProcess:
    """``temporal-runtime ARGS`` running in ``ROOT``; killed after its ``with`` block if still running."""

    def __init__(self, *args: str, env: Mapping[str, str] = {}) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "temporal_runtime", *args],
            cwd=ROOT,
            env=cli_env(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self._lines)

    async def wait_for(self, text: str, timeout: float = 30) -> str:
        """The first stderr line containing ``text``, once it is there; fails if the process exits
        first or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while True:
            found = next((line for line in list(self._lines) if text in line), None)
            if found is not None:
                return found
            if self.process.poll() is not None:
                self._reader.join(5)
                found = next((line for line in self._lines if text in line), None)
                if found is not None:
                    return found
                raise AssertionError(f"exited with {self.process.returncode} before {text!r}:\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} within {timeout} s:\n{self.output}")
            await asyncio.sleep(0.05)

    async def stop(self, signum: signal.Signals = signal.SIGTERM, timeout: float = 30) -> int:
        """Send ``signum`` and return the exit code once the process has ended."""
        self.process.send_signal(signum)
        return await self.wait_exit(timeout)

    async def wait_exit(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while (code := self.process.poll()) is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"still running after {timeout} s:\n{self.output}")
            await asyncio.sleep(0.05)
        self._reader.join(5)
        return code

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._reader.join(5)

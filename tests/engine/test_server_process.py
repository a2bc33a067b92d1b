"""``ServerProcess``: a child whose output goes to logging (never to stdout) and that is stopped,
killed if need be, on request. (Its tie to this process's life is tested end to end in
tests/integration/test_server_lifetime.py.)"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

import pytest

from temporal_runtime_engine._server_process import SERVER_LOGGER, ServerProcess, _parse  # pyright: ignore[reportPrivateUsage]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses /bin/sh")

_PRINTS = (
    "echo 'Temporal CLI 1.0 (banner)'; "
    'echo \'{"time":"t","level":"ERROR","msg":"disk full","component":"db"}\' >&2; '
    "sleep 0.3; "
    'echo \'{"level":"WARN","msg":"late"}\' >&2; '
    "exec sleep 30"
)


def test_json_lines_keep_their_level_and_fields_and_other_lines_are_debug() -> None:
    assert _parse('{"time":"t","level":"WARN","msg":"slow","service":"history"}') == (
        logging.WARNING,
        "slow service=history",
    )
    assert _parse('{"level":"error","msg":"boom"}') == (logging.ERROR, "boom")
    assert _parse("Temporal Server:      localhost:7233") == (
        logging.DEBUG,
        "Temporal Server:      localhost:7233",
    )
    assert _parse("{not json") == (logging.DEBUG, "{not json")


async def test_output_goes_to_logging_not_stdout(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    with caplog.at_level(logging.DEBUG, logger=SERVER_LOGGER):
        process = ServerProcess(["/bin/sh", "-c", _PRINTS], name="fake server")
        await asyncio.sleep(0.15)
        process.mark_serving()  # what it logs from now on keeps its level
        await asyncio.sleep(0.5)
        await process.stop()
    assert process.returncode is not None
    logged = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == SERVER_LOGGER]
    assert (logging.DEBUG, "fake server: Temporal CLI 1.0 (banner)") in logged
    assert (logging.DEBUG, "fake server: disk full component=db") in logged  # while starting: DEBUG
    assert (logging.WARNING, "fake server: late") in logged
    assert capfd.readouterr().out == ""
    assert "disk full" in process.last_output()


async def test_stop_kills_a_process_that_ignores_sigterm() -> None:
    process = ServerProcess(["/bin/sh", "-c", "trap '' TERM; exec sleep 30"], name="stubborn")
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await process.stop(timeout=0.5)
    assert time.monotonic() - started < 5
    assert process.returncode == -9

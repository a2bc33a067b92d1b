"""The time-skipping test server gets the same start-up budget as the dev server.

temporalio gives it 5 s by default, which a busy CI machine has missed (the test server did not
listen in time and a docs page failed). The engine waits 30 s, as it does for the dev server, and
a caller may set the budget. Both are shown with wrappers around the real binary: one that starts
it late, one that never starts it.
"""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

from temporal_runtime import LocalServerError, TemporalEngine
from temporal_runtime_engine import find_test_server_binary
from temporal_runtime_engine._embedded_server import launch_time_skipping_server

pytestmark = pytest.mark.integration


def _wrapper(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "temporal-test-server"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


async def test_a_test_server_slower_than_temporalio_s_five_seconds_still_starts(tmp_path: Path) -> None:
    real = find_test_server_binary()
    late = _wrapper(tmp_path, f'sleep 6\nexec "{real}" "$@"')
    async with TemporalEngine(time_skipping=True, server_binary=late, start_worker=False) as engine:
        assert engine.started
        await engine.temporal_client.workflow_service.get_system_info(GetSystemInfoRequest())  # it answers


async def test_a_test_server_that_never_serves_fails_within_the_given_budget(tmp_path: Path) -> None:
    never = _wrapper(tmp_path, "exec sleep 60")
    with pytest.raises(LocalServerError, match=r"time-skipping test server .*did not start within 1s"):
        await launch_time_skipping_server(never, startup_timeout=timedelta(seconds=1))

"""The design document's code runs against the project with only its import lines changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def test_design_document_code_runs(temporal_address: str) -> None:
    script = Path(__file__).with_name("design_usage.py")
    env = {**os.environ, "TEMPORAL_ADDRESS": temporal_address}
    proc = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for line in ("OK usage 4", "OK usage 5", "OK advanced", "OK testing", "ALL OK"):
        assert line in proc.stdout

"""The kit's errors print as ``temporal_runtime.testing.X`` even where only the kit is imported."""

import subprocess
import sys

CODE = """
import pickle, sys, traceback
from temporal_runtime_testing import WorkflowTester  # the kit itself, not the facade
from temporal_runtime_core import MissingFakeError, ReplayError, WorkflowTesterError
assert "temporal_runtime.testing" not in sys.modules
for cls in (MissingFakeError, ReplayError, WorkflowTesterError):
    print(cls.__module__)
error = MissingFakeError("no fake for 'charge'", activity_name="charge")
print(traceback.format_exception_only(error)[-1].strip())
copy = pickle.loads(pickle.dumps(error))
print(type(copy) is MissingFakeError, copy.activity_name)
"""


def test_kit_errors_carry_the_public_name_without_the_facade() -> None:
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [
        "temporal_runtime.testing",
        "temporal_runtime.testing",
        "temporal_runtime.testing",
        "temporal_runtime.testing.MissingFakeError: no fake for 'charge'",
        "True charge",
    ]

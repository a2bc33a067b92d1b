"""temporal-runtime's testing kit (``temporal_runtime.testing``).

Three levels of workflow tests, none of which downloads anything:

* a real local Temporal dev server per test session (pytest fixtures ``temporal_server`` and
  ``temporal_engine``, from the ``temporal-runtime[testing]`` extra's pytest plugin);
* Temporal's time-skipping test server (fixture ``temporal_time_skipping_engine``);
* no server at all: :class:`WorkflowTester` runs a workflow method in-process with fake activities
  and a virtual clock; :class:`ActivityTester` runs one activity with heartbeats and cancellation.

:func:`save_history` and :func:`assert_replays` check that changed workflow code still replays the
histories of runs recorded earlier (determinism).
"""

from temporal_runtime_core import MissingFakeError, ReplayError, ReplayFailure, WorkflowTesterError

from ._activity_tester import ActivityTester
from ._replay import assert_replays, fetch_history, load_history, save_history
from ._servers import TemporalTestServer, start_dev_server
from ._workflow_tester import ActivityCallRecord, WorkflowTester, WorkflowTesterHandle

__all__ = [
    "ActivityCallRecord",
    "ActivityTester",
    "MissingFakeError",
    "ReplayError",
    "ReplayFailure",
    "TemporalTestServer",
    "WorkflowTester",
    "WorkflowTesterError",
    "WorkflowTesterHandle",
    "assert_replays",
    "fetch_history",
    "load_history",
    "save_history",
    "start_dev_server",
]

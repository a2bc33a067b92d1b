"""temporal-runtime's testing kit (``temporal_runtime.testing``).

Three levels of workflow tests, none of which downloads anything:

* a real local Temporal dev server per test session (pytest fixtures ``temporal_server`` and
  ``temporal_engine``, from this distribution's pytest plugin);
* Temporal's time-skipping test server (fixture ``temporal_time_skipping_engine``);
* no server at all: :class:`WorkflowTester` runs a workflow method in-process with fake activities
  and a virtual clock; :class:`ActivityTester` runs one activity with heartbeats and cancellation.

:func:`save_history` and :func:`assert_replays` check that changed workflow code still replays the
histories of runs recorded earlier (determinism). :func:`select_registries` gives an engine a test
builds itself the registries the engine fixtures use: only the definitions of the given modules.

The names are imported on first use (PEP 562): pytest imports this package for its plugin in every
test session, and a session that uses no part of the kit should not pay for temporalio and pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from temporal_runtime_core import ReplayFailure

    from ._activity_tester import ActivityTester
    from ._errors import ContinuedAsNewError, MissingFakeError, ReplayError, WorkflowTesterError
    from ._fake_activities import ActivityCallRecord
    from ._fake_children import ChildStartRecord
    from ._pytest_plugin import select_registries
    from ._replay import assert_replays, fetch_history, load_history, save_history
    from ._run_settings import ContinueAsNewCall
    from ._servers import TemporalTestServer, start_dev_server
    from ._tester_handle import WorkflowTesterHandle
    from ._workflow_tester import WorkflowTester

__all__ = [
    "ActivityCallRecord",
    "ActivityTester",
    "ChildStartRecord",
    "ContinueAsNewCall",
    "ContinuedAsNewError",
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
    "select_registries",
    "start_dev_server",
]

# public name -> the module that defines it (relative modules are this package's)
_SOURCES: dict[str, str] = {
    "ActivityCallRecord": "._fake_activities",
    "ActivityTester": "._activity_tester",
    "ChildStartRecord": "._fake_children",
    "ContinueAsNewCall": "._run_settings",
    "ContinuedAsNewError": "._errors",
    "MissingFakeError": "._errors",
    "ReplayError": "._errors",
    "ReplayFailure": "temporal_runtime_core",
    "TemporalTestServer": "._servers",
    "WorkflowTester": "._workflow_tester",
    "WorkflowTesterError": "._errors",
    "WorkflowTesterHandle": "._tester_handle",
    "assert_replays": "._replay",
    "fetch_history": "._replay",
    "load_history": "._replay",
    "save_history": "._replay",
    "select_registries": "._pytest_plugin",
    "start_dev_server": "._servers",
}


def _load(name: str) -> object:
    """The public attribute ``name``, imported from its module on first access (then cached)."""
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}", name=name, obj=__name__)
    value: object = getattr(importlib.import_module(source, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if not TYPE_CHECKING:
    # Hidden from type checkers, which see the imports above: a misspelt name stays an error.
    __getattr__ = _load

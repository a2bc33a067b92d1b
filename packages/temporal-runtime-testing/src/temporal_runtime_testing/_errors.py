"""The kit's errors under the name users import them by.

``MissingFakeError``, ``WorkflowTesterError`` and ``ReplayError`` are defined with every other error
in :mod:`temporal_runtime_core._errors` (one tree). Every module of the kit that raises them imports
them from here, so they print as ``temporal_runtime.testing.MissingFakeError`` whether or not the
user's code ever imported ``temporal_runtime.testing``. Only when that module can be imported, so
that pickling an error by reference still finds its class.
"""

from __future__ import annotations

import importlib.util
from typing import Final

from temporal_runtime_core import ContinuedAsNewError, MissingFakeError, ReplayError, WorkflowTesterError

__all__ = ["PUBLIC_MODULE", "ContinuedAsNewError", "MissingFakeError", "ReplayError", "WorkflowTesterError"]

PUBLIC_MODULE: Final = "temporal_runtime.testing"

if importlib.util.find_spec("temporal_runtime") is not None:
    for _error in (ContinuedAsNewError, MissingFakeError, ReplayError, WorkflowTesterError):
        _error.__module__ = PUBLIC_MODULE
    del _error

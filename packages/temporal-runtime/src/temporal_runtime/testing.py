"""The testing kit: ``from temporal_runtime.testing import WorkflowTester, ...``.

See :mod:`temporal_runtime_engine.testing` (and docs/testing.md).
"""

from temporal_runtime_engine.testing import *  # noqa: F403
from temporal_runtime_engine.testing import __all__ as __all__

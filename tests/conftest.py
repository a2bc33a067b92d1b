"""Suite-wide settings for temporal-runtime's own pytest plugin (registered by its entry point).

The plugin provides ``temporal_server`` (one dev server per session), ``temporal_engine`` (one
engine per test, serving the test module's own workflows and activities) and
``temporal_time_skipping_engine``. ``temporal_address`` and ``engine`` are the names this suite
used before the plugin existed.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from temporal_runtime import TemporalEngine
from temporal_runtime.testing import TemporalTestServer


@pytest.fixture(scope="session")
def temporal_server_options() -> Mapping[str, object]:
    # "test" is the namespace the design document's integration-test example uses.
    return {"extra_namespaces": ["test"]}


@pytest.fixture(scope="session")
def temporal_address(temporal_server: TemporalTestServer) -> str:
    """``host:port`` of the session's local Temporal dev server."""
    return temporal_server.address


@pytest.fixture
def engine(temporal_engine: TemporalEngine) -> TemporalEngine:
    """A started engine with a worker on a task queue unique to the test."""
    return temporal_engine

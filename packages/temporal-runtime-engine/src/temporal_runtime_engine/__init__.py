"""temporal-runtime engine layer: ``TemporalEngine``, payload conversion and the local server."""

from ._activity_context import ActivityInfo, activity_info, heartbeat, is_cancelled
from ._converter import DtoJsonPayloadConverter, RuntimePayloadConverter, data_converter
from ._engine import TemporalEngine
from ._local_server import (
    SERVER_BINARY_ENV,
    TEST_SERVER_BINARY_ENV,
    find_server_binary,
    find_test_server_binary,
    free_port,
)
from ._sandbox import sandbox_errors_explained, sandboxed_runner

__all__ = [
    "ActivityInfo",
    "SERVER_BINARY_ENV",
    "TEST_SERVER_BINARY_ENV",
    "DtoJsonPayloadConverter",
    "RuntimePayloadConverter",
    "TemporalEngine",
    "activity_info",
    "data_converter",
    "find_server_binary",
    "find_test_server_binary",
    "free_port",
    "heartbeat",
    "is_cancelled",
    "sandbox_errors_explained",
    "sandboxed_runner",
]

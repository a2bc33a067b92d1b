"""temporal-runtime engine layer: ``TemporalEngine``, payload conversion and the local server."""

from ._converter import DtoJsonPayloadConverter, RuntimePayloadConverter, data_converter
from ._engine import TemporalEngine
from ._local_server import (
    SERVER_BINARY_ENV,
    TEST_SERVER_BINARY_ENV,
    find_server_binary,
    find_test_server_binary,
    free_port,
)

__all__ = [
    "SERVER_BINARY_ENV",
    "TEST_SERVER_BINARY_ENV",
    "DtoJsonPayloadConverter",
    "RuntimePayloadConverter",
    "TemporalEngine",
    "data_converter",
    "find_server_binary",
    "find_test_server_binary",
    "free_port",
]

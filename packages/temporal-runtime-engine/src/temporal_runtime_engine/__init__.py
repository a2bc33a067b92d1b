"""temporal-runtime engine layer: ``TemporalEngine``, payload conversion (``RuntimePlugin``) and the
embedded servers."""

from ._activities import thread_runner
from ._activity_context import ActivityInfo, activity_info, heartbeat, is_cancelled
from ._activity_log_context import (  # --- observability (#14) ---
    ActivityLogger,
    activity_logger,
    install_activity_log_context,
)
from ._aes_gcm_codec import AesGcmCodec  # --- encryption (#14) ---
from ._codec_server import CodecServer  # --- encryption (#14) ---
from ._converter import DtoJsonPayloadConverter, RuntimePayloadConverter, data_converter
from ._core_logging import engine_runtime
from ._embedded_server import EmbeddedServer, launch_dev_server
from ._engine import TemporalEngine
from ._local_server import (
    SERVER_BINARY_ENV,
    TEST_SERVER_BINARY_ENV,
    find_server_binary,
    find_test_server_binary,
    free_port,
)
from ._payload_limit import DEFAULT_PAYLOAD_SIZE_LIMIT, PayloadLimitCodec  # --- payload limit (#14) ---
from ._plugin import RuntimePlugin
from ._sandbox import sandbox_errors_explained
from ._serving import stop_signals

__all__ = [
    "DEFAULT_PAYLOAD_SIZE_LIMIT",
    "ActivityInfo",
    "ActivityLogger",  # --- observability (#14) ---
    "AesGcmCodec",  # --- encryption (#14) ---
    "SERVER_BINARY_ENV",
    "TEST_SERVER_BINARY_ENV",
    "CodecServer",  # --- encryption (#14) ---
    "DtoJsonPayloadConverter",
    "EmbeddedServer",
    "PayloadLimitCodec",
    "RuntimePayloadConverter",
    "RuntimePlugin",
    "TemporalEngine",
    "activity_info",
    "activity_logger",  # --- observability (#14) ---
    "install_activity_log_context",  # --- observability (#14) ---
    "data_converter",
    "engine_runtime",
    "find_server_binary",
    "find_test_server_binary",
    "free_port",
    "heartbeat",
    "is_cancelled",
    "launch_dev_server",
    "sandbox_errors_explained",
    "stop_signals",
    "thread_runner",
]

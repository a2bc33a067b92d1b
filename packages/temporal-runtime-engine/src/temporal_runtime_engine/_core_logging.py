"""The temporalio ``Runtime`` the engine's clients and workers run on: the Rust core's logs go to
Python logging.

temporalio's default ``Runtime`` writes the core's log lines to stderr itself, with ANSI colours.
The engine instead runs on a Runtime of its own, created on first use (one per process, shared by
every engine and by the testing kit's servers), that forwards those lines, uncoloured, to the
``temporal_runtime.core`` logger. The core emits WARN and above (DEBUG or INFO too when that
logger is enabled for them when the Runtime is created); temporalio's other components ERROR.

It is never made the process default (``Runtime.set_default``): temporalio code of your own, and
a default Runtime you set, are untouched. To run an engine on your own Runtime (for metrics, say),
pass ``TemporalEngine(runtime=...)``; ``TemporalEngine(metrics_port=...)`` runs the engine on a Runtime
of its own that forwards the core's logs the same way and serves metrics (:func:`new_engine_runtime`).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Final

import temporalio.runtime

__all__ = ["CORE_LOGGER", "engine_runtime", "new_engine_runtime"]

CORE_LOGGER: Final = "temporal_runtime.core"

_lock = threading.Lock()
_runtime: tuple[int, temporalio.runtime.Runtime] | None = None


def engine_runtime() -> temporalio.runtime.Runtime:
    """The engine's Runtime for this process (a new one after a fork: Runtimes do not survive one)."""
    global _runtime
    with _lock:
        if _runtime is None or _runtime[0] != os.getpid():
            _runtime = (os.getpid(), _new_runtime(logging.getLogger(CORE_LOGGER)))
        return _runtime[1]


def new_engine_runtime(
    metrics: temporalio.runtime.PrometheusConfig | None = None,
) -> temporalio.runtime.Runtime:
    """A new Runtime like :func:`engine_runtime`'s, with ``metrics`` (its Prometheus endpoint is served
    from here until the Runtime is garbage-collected)."""
    return _new_runtime(logging.getLogger(CORE_LOGGER), metrics)


class _CoreRecord(logging.Filter):
    """Writes a forwarded core record as ``[target] message key=value ...`` (no fields: no ``{}``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        entry: Any = getattr(record, "temporal_log", None)
        if entry is not None and not getattr(record, "_temporal_runtime_formatted", False):
            fields: dict[str, Any] = dict(getattr(entry, "fields", None) or {})
            extra = "".join(f" {key}={value}" for key, value in fields.items())
            record.msg = f"[{entry.target}] {record.msg}{extra}"
            record._temporal_runtime_formatted = True
        return True


def _new_runtime(
    logger: logging.Logger, metrics: temporalio.runtime.PrometheusConfig | None = None
) -> temporalio.runtime.Runtime:
    if not any(isinstance(f, _CoreRecord) for f in logger.filters):
        logger.addFilter(_CoreRecord())
    if logger.isEnabledFor(logging.DEBUG):
        core_level = "DEBUG"
    elif logger.isEnabledFor(logging.INFO):
        core_level = "INFO"
    else:
        core_level = "WARN"
    logging_config = temporalio.runtime.LoggingConfig(
        filter=temporalio.runtime.TelemetryFilter(core_level=core_level, other_level="ERROR"),
        forwarding=temporalio.runtime.LogForwardingConfig(
            logger=logger,
            append_target_to_name=False,
            prepend_target_on_message=False,
            append_log_fields_to_message=False,
        ),
    )
    telemetry = temporalio.runtime.TelemetryConfig(logging=logging_config, metrics=metrics)
    return temporalio.runtime.Runtime(telemetry=telemetry)

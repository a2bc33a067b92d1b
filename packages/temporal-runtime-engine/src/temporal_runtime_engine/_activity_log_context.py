"""Log records made while an activity runs carry the activity's identity as attributes.

Fields (flat attributes of the ``LogRecord``, so ``%(workflow_id)s`` in a format string and any
JSON formatter that dumps a record's extras show them): ``workflow_id``, ``run_id``,
``workflow_type``, ``activity_name``, ``activity_id``, ``attempt``, ``task_queue``, ``namespace``
(the ``workflow_*`` and ``run_id`` are None for an activity started outside a workflow).

Two ways in:

- :func:`activity_logger` returns a ``logging.LoggerAdapter`` that adds the fields to each record
  made inside an activity (outside one it adds nothing), so ``log = activity_logger(__name__)`` can
  live at module level;
- :func:`install_activity_log_context` (called when an engine starts) wraps the process's log record
  factory, so records from *any* logger made while an activity runs (a library's, a plain
  ``logging.getLogger(__name__)``) carry them too. They never replace an attribute the record
  already has, and ``extra={"workflow_id": ...}`` still wins over them (logging would refuse an
  extra naming an attribute the factory set, but the factory's are kept out of its check).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, MutableMapping
from typing import Any

import temporalio.activity

__all__ = ["ActivityLogger", "activity_log_fields", "activity_logger", "install_activity_log_context"]

_lock = threading.Lock()


def activity_log_fields() -> dict[str, Any] | None:
    """The fields of the activity running in this context, or None outside an activity."""
    if not temporalio.activity.in_activity():
        return None
    info = temporalio.activity.info()
    return {
        "workflow_id": info.workflow_id,
        "run_id": info.workflow_run_id,
        "workflow_type": info.workflow_type,
        "activity_name": info.activity_type,
        "activity_id": info.activity_id,
        "attempt": info.attempt,
        "task_queue": info.task_queue,
        "namespace": info.namespace,
    }


class ActivityLogger(logging.LoggerAdapter[logging.Logger]):
    """A :class:`logging.LoggerAdapter` whose records made inside an activity carry its fields
    (the call's ``extra`` wins on a clash)."""

    def __init__(self, logger: logging.Logger) -> None:
        super().__init__(logger, {})

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        fields = activity_log_fields()
        if fields is not None:
            kwargs["extra"] = {**fields, **(kwargs.get("extra") or {})}
        return msg, kwargs


def activity_logger(name: str | None = None) -> ActivityLogger:
    """A logger for activity code: ``log = activity_logger(__name__)``; ``log.info("charged %s", ref)``
    inside an activity makes a record carrying ``workflow_id``, ``run_id``, ``activity_name``, ...
    (default logger: ``temporal_runtime.activity``)."""
    return ActivityLogger(logging.getLogger(name or "temporal_runtime.activity"))


class _RecordAttributes(dict[str, Any]):
    """A record's ``__dict__`` whose ``in`` does not see the activity fields the factory added: logging
    refuses an ``extra=`` key that is already ``in`` the record's ``__dict__``, and ``extra=`` should
    win (``extra={"workflow_id": ...}`` must not start raising ``KeyError`` inside activities)."""

    def __init__(self, attributes: dict[str, Any], added: frozenset[str]) -> None:
        super().__init__(attributes)
        self.added = added

    def __contains__(self, key: object) -> bool:
        return key not in self.added and super().__contains__(key)


class _Factory:
    """The wrapping record factory; ``previous`` is the one it replaced."""

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        fields = activity_log_fields()
        if fields is not None:
            added = {key: value for key, value in fields.items() if key not in record.__dict__}
            record.__dict__ = _RecordAttributes({**record.__dict__, **added}, frozenset(added))
        return record


def install_activity_log_context() -> None:
    """Wrap the log record factory (once per process; idempotent) so that records made while an
    activity runs carry its fields. A factory set later that calls the previous one keeps them."""
    with _lock:
        current = logging.getLogRecordFactory()
        if not isinstance(current, _Factory):
            logging.setLogRecordFactory(_Factory(current))

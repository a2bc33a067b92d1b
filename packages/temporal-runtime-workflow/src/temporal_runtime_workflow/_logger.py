"""``self.logger``: a replay-safe logger whose records carry the run's identity.

Temporal re-runs workflow code from the start whenever a worker has to rebuild a run's state (after
a restart, or when the run was evicted from the worker's cache). A plain ``logging`` call would
then log every line again; this adapter is silent while the run replays recorded history, so each
line is logged once, when the code first reaches it.

Each record gets ``workflow_id``, ``run_id``, ``workflow_type``, ``workflow_method`` (the entry
method; also as ``method``, its first name), ``namespace``, ``task_queue`` and ``attempt`` as
attributes (the ``extra`` of the call wins on a clash), so a JSON formatter or ``%(workflow_id)s``
in a format string shows them; records from activity code carry the same names where they apply
(the engine's ``_activity_log_context``). The records go to the logger named after the workflow
class's module, so the logging configuration of the user's package applies.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._runtime import WorkflowRuntime

__all__ = ["WorkflowLogger"]


class WorkflowLogger(logging.LoggerAdapter[logging.Logger]):
    """A :class:`logging.LoggerAdapter` for workflow code: silent during replay, with run fields."""

    def __init__(self, logger: logging.Logger, runtime: WorkflowRuntime) -> None:
        super().__init__(logger, {})
        self._runtime = runtime

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        info = self._runtime.info()
        fields = {
            "workflow_id": info.workflow_id,
            "run_id": info.run_id,
            "workflow_type": info.workflow_type,
            "workflow_method": info.method,
            "method": info.method,
            "namespace": info.namespace,
            "task_queue": info.task_queue,
            "attempt": info.attempt,
        }
        kwargs["extra"] = {**fields, **(kwargs.get("extra") or {})}
        return msg, kwargs

    def isEnabledFor(self, level: int) -> bool:  # logging's name
        if self._runtime.is_replaying():
            return False
        return self.logger.isEnabledFor(level)

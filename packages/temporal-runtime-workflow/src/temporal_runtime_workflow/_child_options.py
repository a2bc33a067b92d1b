"""The options of a child workflow start: ``ChildOptionsDict`` (keywords a type checker checks) and
their conversion to temporalio's ``start_child_workflow`` keywords.

``start_child``, ``execute_child``, ``start_child_by_name`` and the child proxy (``self.child(...)``)
all take these keywords, so a misspelled option is a type error and every start form offers the
same options. ``None`` leaves an option unset (Temporal's default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypedDict, cast

import temporalio.common
import temporalio.workflow

from temporal_runtime_core import (
    Duration,
    IdReusePolicy,
    InvalidOptionError,
    ParentClosePolicy,
    SearchAttributeValue,
)

from ._convert import AnyIdReusePolicy, AnyRetryPolicy, optional_timedelta, to_temporal_retry_policy
from ._search_attribute_convert import check_search_attribute_values

__all__ = ["AnyParentClosePolicy", "ChildOptions", "ChildOptionsDict", "child_options"]

type AnyParentClosePolicy = ParentClosePolicy | temporalio.workflow.ParentClosePolicy
"""Our :class:`ParentClosePolicy`, or temporalio's."""


class ChildOptionsDict(TypedDict, total=False):
    """Keyword options of a child workflow start; every key is optional."""

    id: str | None
    """The child's workflow id (default: ``"{parent id}/{child type}.{method}-{n}"``, the n-th child
    this run started: deterministic, so replay finds the same child)."""
    task_queue: str | None
    """The task queue to start the child on (default: the parent's)."""
    execution_timeout: Duration | None
    """Limit on the child's whole execution, retries and continue-as-new included."""
    run_timeout: Duration | None
    """Limit on one run of the child."""
    task_timeout: Duration | None
    """Limit on one workflow task of the child (default 10 s)."""
    retry_policy: AnyRetryPolicy | None
    """Retry of the whole child workflow (default: none)."""
    id_reuse_policy: AnyIdReusePolicy | None
    """Whether the id of a closed run may be used again (default: allow)."""
    parent_close_policy: AnyParentClosePolicy | None
    """What happens to the child when the parent closes (default: ``TERMINATE``)."""
    memo: Mapping[str, object] | None
    """Non-indexed values shown with the child run."""
    # --- search attributes and summary (#13) ---
    search_attributes: Sequence[SearchAttributeValue[Any]] | None
    """Indexed values of the child run, typed by key (children do not inherit the parent's)."""
    summary: str | None
    """Shown in the Web UI after the child's entry method: ``"Payment.charge: <summary>"``."""


@dataclass(frozen=True, slots=True)
class ChildOptions:
    """Validated child options (durations as timedelta, policies as temporalio's)."""

    id: str | None = None
    task_queue: str | None = None
    execution_timeout: timedelta | None = None
    run_timeout: timedelta | None = None
    task_timeout: timedelta | None = None
    retry_policy: temporalio.common.RetryPolicy | None = None
    id_reuse_policy: temporalio.common.WorkflowIDReusePolicy = (
        temporalio.common.WorkflowIDReusePolicy.ALLOW_DUPLICATE
    )
    parent_close_policy: temporalio.workflow.ParentClosePolicy = (
        temporalio.workflow.ParentClosePolicy.TERMINATE
    )
    memo: Mapping[str, Any] | None = None
    search_attributes: tuple[SearchAttributeValue[Any], ...] = ()
    summary: str | None = None

    def to_temporal(self) -> dict[str, Any]:
        """Keyword arguments for ``temporalio.workflow.start_child_workflow`` (without ``id``)."""
        kwargs: dict[str, Any] = {
            "task_queue": self.task_queue,
            "execution_timeout": self.execution_timeout,
            "run_timeout": self.run_timeout,
            "task_timeout": self.task_timeout,
            "retry_policy": self.retry_policy,
            "id_reuse_policy": self.id_reuse_policy,
            "parent_close_policy": self.parent_close_policy,
        }
        if self.memo is not None:
            kwargs["memo"] = dict(self.memo)
        return kwargs


_KNOWN = frozenset(ChildOptionsDict.__annotations__)


def child_options(options: Mapping[str, Any], where: str) -> ChildOptions:
    """Check and convert ``options`` (a :class:`ChildOptionsDict`); :class:`InvalidOptionError`
    names the option and ``where`` (e.g. ``start_child(Payment.charge)``)."""
    unknown = sorted(set(options) - _KNOWN)
    if unknown:
        raise InvalidOptionError(
            f"{where}: unknown child option(s) {', '.join(map(repr, unknown))}; child options are "
            f"{', '.join(sorted(_KNOWN))}"
        )
    try:
        child_id = options.get("id")
        if child_id is not None and (not isinstance(child_id, str) or not child_id):
            raise InvalidOptionError(f"id must be a non-empty string, got {child_id!r}")
        queue = options.get("task_queue")
        if queue is not None and (not isinstance(queue, str) or not queue):
            raise InvalidOptionError(f"task_queue must be a non-empty string, got {queue!r}")
        memo = options.get("memo")
        if memo is not None and not isinstance(memo, Mapping):
            raise InvalidOptionError(f"memo must be a mapping, got {type(memo).__name__}")
        return ChildOptions(
            id=child_id,
            task_queue=queue,
            execution_timeout=optional_timedelta(options.get("execution_timeout"), "execution_timeout"),
            run_timeout=optional_timedelta(options.get("run_timeout"), "run_timeout"),
            task_timeout=optional_timedelta(options.get("task_timeout"), "task_timeout"),
            retry_policy=to_temporal_retry_policy(options.get("retry_policy")),
            id_reuse_policy=_reuse(options.get("id_reuse_policy")),
            parent_close_policy=_parent_close(options.get("parent_close_policy")),
            memo=None if memo is None else dict(cast(Mapping[str, Any], memo)),
            search_attributes=_search_attributes(options.get("search_attributes")),
            summary=_summary(options.get("summary")),
        )
    except InvalidOptionError as exc:
        raise InvalidOptionError(f"{where}: {exc}") from None


def _reuse(value: object) -> temporalio.common.WorkflowIDReusePolicy:
    if value is None:
        return temporalio.common.WorkflowIDReusePolicy.ALLOW_DUPLICATE
    if isinstance(value, temporalio.common.WorkflowIDReusePolicy):
        return value
    if isinstance(value, IdReusePolicy):
        return temporalio.common.WorkflowIDReusePolicy[value.value]
    raise InvalidOptionError(f"id_reuse_policy must be an IdReusePolicy, got {value!r}")


def _parent_close(value: object) -> temporalio.workflow.ParentClosePolicy:
    if value is None:
        return temporalio.workflow.ParentClosePolicy.TERMINATE
    if isinstance(value, temporalio.workflow.ParentClosePolicy):
        return value
    if isinstance(value, ParentClosePolicy):
        return temporalio.workflow.ParentClosePolicy[value.value]
    raise InvalidOptionError(
        "parent_close_policy must be a ParentClosePolicy (TERMINATE, ABANDON or REQUEST_CANCEL), "
        f"got {value!r}"
    )


# --- search attributes and summary (#13) ---


def _search_attributes(value: object) -> tuple[SearchAttributeValue[Any], ...]:
    return () if value is None else check_search_attribute_values(value, "search_attributes")


def _summary(value: object) -> str | None:
    if value is not None and (not isinstance(value, str) or not value):
        raise InvalidOptionError(f"summary must be a non-empty string, got {value!r}")
    return value

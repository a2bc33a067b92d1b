"""Per-call start options for workflows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, cast

import temporalio.api.common.v1
import temporalio.common

from temporal_runtime_core import (
    Duration,
    IdConflictPolicy,
    IdReusePolicy,
    InvalidOptionError,
    SearchAttributeValue,
)
from temporal_runtime_workflow import (
    AnyIdConflictPolicy,
    AnyIdReusePolicy,
    AnyRetryPolicy,
    check_search_attribute_values,
    message_target,
    optional_timedelta,
    run_summary,
    to_temporal_pairs,
    to_temporal_retry_policy,
)

__all__ = ["METHOD_MEMO_KEY", "AnyIdConflictPolicy", "AnyIdReusePolicy", "StartOptions"]

METHOD_MEMO_KEY = "temporal_runtime.method"
"""Memo key holding the entry method a run executes."""


def _conflict(value: AnyIdConflictPolicy | None) -> temporalio.common.WorkflowIDConflictPolicy:
    if value is None:
        return temporalio.common.WorkflowIDConflictPolicy.UNSPECIFIED
    if isinstance(value, temporalio.common.WorkflowIDConflictPolicy):
        return value
    if isinstance(value, IdConflictPolicy):  # pyright: ignore[reportUnnecessaryIsInstance]
        return temporalio.common.WorkflowIDConflictPolicy[value.value]
    raise InvalidOptionError(f"id_conflict_policy must be an IdConflictPolicy, got {value!r}")


def _reuse(value: AnyIdReusePolicy | None) -> temporalio.common.WorkflowIDReusePolicy:
    if value is None:
        return temporalio.common.WorkflowIDReusePolicy.ALLOW_DUPLICATE
    if isinstance(value, temporalio.common.WorkflowIDReusePolicy):
        return value
    if isinstance(value, IdReusePolicy):  # pyright: ignore[reportUnnecessaryIsInstance]
        return temporalio.common.WorkflowIDReusePolicy[value.value]
    raise InvalidOptionError(f"id_reuse_policy must be an IdReusePolicy, got {value!r}")


@dataclass(frozen=True, slots=True)
class StartOptions:
    """How to start a workflow run. Every field is optional; durations accept seconds or timedelta."""

    id: str | None = None
    id_conflict_policy: AnyIdConflictPolicy | None = None
    id_reuse_policy: AnyIdReusePolicy | None = None
    execution_timeout: Duration | None = None
    run_timeout: Duration | None = None
    task_timeout: Duration | None = None
    retry_policy: AnyRetryPolicy | None = None
    memo: Mapping[str, Any] | None = None
    start_delay: Duration | None = None
    task_queue: str | None = None
    search_attributes: Sequence[SearchAttributeValue[Any]] | None = None
    """Typed values (``[CustomerId.value("c-1")]``); the method attribute is added at start."""
    summary: str | None = None
    """Shown after the entry method in the run's summary: ``"OrderWorkflow.process: <summary>"``."""
    start_signal: str | Callable[..., Any] | None = None
    """Signal-with-start: a signal handler (or its name) delivered with the start."""
    start_signal_args: Sequence[Any] | None = None
    """The arguments of ``start_signal``."""
    extra: Mapping[str, Any] = field(default_factory=dict[str, Any])
    # to_temporal() results by method: options are immutable and usually reused for many calls.
    _converted: dict[str | None, dict[str, Any]] = field(
        default_factory=dict[str | None, dict[str, Any]], init=False, repr=False, compare=False
    )
    # start_kwargs() results by (workflow, method), with the memo payload they were built with.
    _starts: dict[tuple[str, str], tuple[temporalio.api.common.v1.Payload | None, dict[str, Any]]] = field(
        default_factory=dict[tuple[str, str], tuple[temporalio.api.common.v1.Payload | None, dict[str, Any]]],
        init=False,
        repr=False,
        compare=False,
    )

    def __post_init__(self) -> None:
        # Copy the mappings, so that later changes to the caller's dicts cannot reach a start that
        # is already configured (and the conversions cached above stay true).
        for name in ("memo", "extra"):
            value = getattr(self, name)
            if value is not None:
                if not isinstance(value, Mapping):
                    raise InvalidOptionError(f"{name} must be a mapping, got {type(value).__name__}")
                object.__setattr__(self, name, dict(cast(Mapping[str, Any], value)))
        # --- search attributes and summary (#13) ---
        if self.search_attributes is not None:
            checked = check_search_attribute_values(self.search_attributes, "search_attributes")
            object.__setattr__(self, "search_attributes", checked)
        if self.summary is not None and (not isinstance(self.summary, str) or not self.summary):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(f"summary must be a non-empty string, got {self.summary!r}")
        # --- signal-with-start (#13) ---
        if self.start_signal is not None:
            message_target("signal", self.start_signal)  # a signal handler or a name, else UnknownMethodError
        if self.start_signal_args is not None:
            if self.start_signal is None:
                raise InvalidOptionError(
                    "start_signal_args= without start_signal=: name the signal to send with the start, "
                    "e.g. start_signal=OrderWorkflow.approve, start_signal_args=[approval]"
                )
            given = self.start_signal_args
            if isinstance(given, str | bytes) or not isinstance(given, Sequence):  # pyright: ignore[reportUnnecessaryIsInstance]
                raise InvalidOptionError(
                    f"start_signal_args must be a list of the signal's arguments, e.g. [approval], got "
                    f"{self.start_signal_args!r}"
                )
            object.__setattr__(self, "start_signal_args", tuple(given))

    def merge(self, **changes: Any) -> StartOptions:
        """A copy with ``changes`` applied (None values leave the current setting)."""
        settable = {f.name for f in fields(self) if f.init}
        unknown = set(changes) - settable
        if unknown:
            raise InvalidOptionError(
                f"Unknown start option(s): {', '.join(sorted(unknown))}; valid options are "
                f"{', '.join(sorted(settable - {'extra'}))}"
            )
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_temporal(self, method: str | None = None) -> dict[str, Any]:
        """Keyword arguments for ``temporalio.client.Client.start_workflow`` (except id/task queue).

        ``method`` is recorded in the memo under :data:`METHOD_MEMO_KEY`, so later calls by workflow
        id alone (``engine.get_result(id)``) can decode the result into the method's return type.
        The result is computed once per method; callers must not modify it.
        """
        converted = self._converted.get(method)
        if converted is None:
            converted = self._converted[method] = self._convert(method)
        return converted

    def start_kwargs(
        self, workflow: str, method: str, memo_payload: temporalio.api.common.v1.Payload | None
    ) -> dict[str, Any]:
        """:meth:`to_temporal` for a start of ``workflow.method`` by the client: the method's memo
        value pre-encoded as ``memo_payload`` (when the client gives one) and the run's summary
        naming its entry method (unless ``extra=`` sets ``static_summary``). Computed once per
        workflow, method and memo payload; callers must not modify it."""
        cached = self._starts.get((workflow, method))
        if cached is not None and cached[0] is memo_payload:
            return cached[1]
        kwargs = self.to_temporal(method)
        if memo_payload is not None:
            kwargs = {**kwargs, "memo": {**kwargs["memo"], METHOD_MEMO_KEY: memo_payload}}
        if "static_summary" not in kwargs:  # the run's summary names its entry method (#13)
            kwargs = {**kwargs, "static_summary": run_summary(workflow, method, self.summary)}
        self._starts[workflow, method] = (memo_payload, kwargs)
        return kwargs

    def _convert(self, method: str | None) -> dict[str, Any]:
        if self.id is not None and (not isinstance(self.id, str) or not self.id):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(f"workflow id must be a non-empty string, got {self.id!r}")
        kwargs: dict[str, Any] = {
            "id_conflict_policy": _conflict(self.id_conflict_policy),
            "id_reuse_policy": _reuse(self.id_reuse_policy),
            "execution_timeout": optional_timedelta(self.execution_timeout, "execution_timeout"),
            "run_timeout": optional_timedelta(self.run_timeout, "run_timeout"),
            "task_timeout": optional_timedelta(self.task_timeout, "task_timeout"),
            "retry_policy": to_temporal_retry_policy(self.retry_policy),
            "memo": {**(self.memo or {}), **({METHOD_MEMO_KEY: method} if method else {})} or None,
            "start_delay": optional_timedelta(self.start_delay, "start_delay"),
            "search_attributes": (
                temporalio.common.TypedSearchAttributes(to_temporal_pairs(self.search_attributes))
                if self.search_attributes
                else None
            ),
        }
        kwargs.update(self.extra)
        return kwargs

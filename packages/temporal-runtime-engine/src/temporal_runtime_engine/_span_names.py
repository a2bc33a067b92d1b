"""Span names that carry the entry method: ``RunWorkflow:OrderWorkflow.process``, not ``...:OrderWorkflow``.

temporalio's ``TracingInterceptor`` names a workflow's spans after its Temporal workflow type, which
for a temporal-runtime workflow is the class (``OrderWorkflow``): the entry method travels inside
the input envelope ``{"method": "process", "kwargs": {...}}``. The spans stay temporalio's own;
only their names change, in two parts:

- :class:`MethodNamingTracer` wraps the tracer ``TracingInterceptor`` is given and renames a span
  called ``<Kind>:<type>`` to ``<Kind>:<type>.<method>`` when :data:`_STARTING` says that run of
  ``<type>`` executes ``<method>`` (any other span keeps its name);
- :class:`EntryMethodNames` (listed before the tracing interceptor: client calls and workflow inbound
  calls reach it first) sets :data:`_STARTING` around a client's start and a run's execution, and
  :class:`ChildEntryMethodNames` (listed after it: a workflow's outbound calls reach the inner
  interceptors first) around starting a child.

The workflow spans are made outside the sandbox by an extern function called synchronously from the
workflow's task, so the context variable set there (by code from this module, which the sandbox
lets through) is the one the tracer reads.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

import opentelemetry.context
import opentelemetry.trace
import opentelemetry.util.types
import pydantic_core
import temporalio.api.common.v1
import temporalio.client
import temporalio.common
import temporalio.worker
import temporalio.workflow

__all__ = ["ChildEntryMethodNames", "EntryMethodNames", "MethodNamingTracer", "entry_method"]

_STARTING: Final[ContextVar[tuple[str, str] | None]] = ContextVar(
    "temporal_runtime_span_method", default=None
)
"""(workflow type, entry method) of the run being started or executed in this context."""

_RENAMED: Final = (
    "StartWorkflow",
    "SignalWithStartWorkflow",
    "StartUpdateWithStartWorkflow",
    "RunWorkflow",
    "CompleteWorkflow",
    "StartChildWorkflow",
)


def entry_method(args: Sequence[Any]) -> str | None:
    """The entry method of a temporal-runtime envelope (a dict, or the raw JSON payload a run gets)."""
    if len(args) != 1:
        return None
    value = args[0]
    if isinstance(value, temporalio.common.RawValue):  # what the adapter's run gets
        value = value.payload
    if isinstance(value, temporalio.api.common.v1.Payload):
        if value.metadata.get("encoding") != b"json/plain":
            return None
        try:
            value = pydantic_core.from_json(value.data)
        except ValueError:
            return None
    method = value.get("method") if isinstance(value, dict) else None  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    return method if isinstance(method, str) and method else None


@contextmanager
def _starting(workflow_type: str, args: Sequence[Any]) -> Generator[None]:
    method = entry_method(args)
    token = _STARTING.set((workflow_type, method)) if method is not None else None
    try:
        yield
    finally:
        if token is not None:
            _STARTING.reset(token)


def _renamed(name: str) -> str:
    starting = _STARTING.get()
    if starting is None:
        return name
    workflow_type, method = starting
    kind, _, of = name.partition(":")
    return f"{name}.{method}" if of == workflow_type and kind in _RENAMED else name


class MethodNamingTracer(opentelemetry.trace.Tracer):
    """``tracer`` with workflow span names completed by the entry method (see the module docstring)."""

    def __init__(self, tracer: opentelemetry.trace.Tracer) -> None:
        self._tracer = tracer

    def start_span(
        self,
        name: str,
        context: opentelemetry.context.Context | None = None,
        kind: opentelemetry.trace.SpanKind = opentelemetry.trace.SpanKind.INTERNAL,
        attributes: opentelemetry.util.types.Attributes = None,
        links: opentelemetry.trace._Links = None,  # pyright: ignore[reportPrivateUsage]
        start_time: int | None = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
    ) -> opentelemetry.trace.Span:
        return self._tracer.start_span(
            _renamed(name),
            context,
            kind,
            attributes,
            links,
            start_time,
            record_exception,
            set_status_on_exception,
        )

    # opentelemetry declares it with a private decorator (a context manager usable as a decorator
    # too); TracingInterceptor only uses it in `with`.
    @contextmanager
    def start_as_current_span(  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        self,
        name: str,
        context: opentelemetry.context.Context | None = None,
        kind: opentelemetry.trace.SpanKind = opentelemetry.trace.SpanKind.INTERNAL,
        attributes: opentelemetry.util.types.Attributes = None,
        links: opentelemetry.trace._Links = None,  # pyright: ignore[reportPrivateUsage]
        start_time: int | None = None,
        record_exception: bool = True,
        set_status_on_exception: bool = True,
        end_on_exit: bool = True,
    ) -> Generator[opentelemetry.trace.Span]:
        with self._tracer.start_as_current_span(
            _renamed(name),
            context,
            kind,
            attributes,
            links,
            start_time,
            record_exception,
            set_status_on_exception,
            end_on_exit,
        ) as span:
            yield span


class EntryMethodNames(temporalio.client.Interceptor, temporalio.worker.Interceptor):
    """Records the entry method of a run a client starts, and of a run a worker executes."""

    def intercept_client(
        self, next: temporalio.client.OutboundInterceptor
    ) -> temporalio.client.OutboundInterceptor:
        return _ClientStarts(next)

    def workflow_interceptor_class(
        self, input: temporalio.worker.WorkflowInterceptorClassInput
    ) -> type[temporalio.worker.WorkflowInboundInterceptor]:
        return _RunExecutes


class ChildEntryMethodNames(temporalio.worker.Interceptor):
    """Records the entry method of a child a workflow starts."""

    def workflow_interceptor_class(
        self, input: temporalio.worker.WorkflowInterceptorClassInput
    ) -> type[temporalio.worker.WorkflowInboundInterceptor]:
        return _ChildStartsInbound


class _ClientStarts(temporalio.client.OutboundInterceptor):
    async def start_workflow(
        self, input: temporalio.client.StartWorkflowInput
    ) -> temporalio.client.WorkflowHandle[Any, Any]:
        with _starting(input.workflow, input.args):
            return await self.next.start_workflow(input)

    async def start_update_with_start_workflow(
        self, input: temporalio.client.StartWorkflowUpdateWithStartInput
    ) -> temporalio.client.WorkflowUpdateHandle[Any]:
        start = input.start_workflow_input
        with _starting(start.workflow, start.args):
            return await self.next.start_update_with_start_workflow(input)


class _RunExecutes(temporalio.worker.WorkflowInboundInterceptor):
    async def execute_workflow(self, input: temporalio.worker.ExecuteWorkflowInput) -> Any:
        with _starting(temporalio.workflow.info().workflow_type, input.args):
            return await self.next.execute_workflow(input)


class _ChildStartsInbound(temporalio.worker.WorkflowInboundInterceptor):
    def init(self, outbound: temporalio.worker.WorkflowOutboundInterceptor) -> None:
        self.next.init(_ChildStarts(outbound))


class _ChildStarts(temporalio.worker.WorkflowOutboundInterceptor):
    async def start_child_workflow(
        self, input: temporalio.worker.StartChildWorkflowInput
    ) -> temporalio.workflow.ChildWorkflowHandle[Any, Any]:
        with _starting(input.workflow, input.args):
            return await self.next.start_child_workflow(input)

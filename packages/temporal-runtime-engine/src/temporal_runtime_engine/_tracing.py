"""``TemporalEngine(tracing=True)``: temporalio's OpenTelemetry ``TracingInterceptor`` on the engine's
client and workers, so one trace runs from the client call through the workflow, its activities and
its children.

The spans are temporalio's (``temporalio.contrib.opentelemetry.TracingInterceptor``: workflow spans
are zero-length markers, activity spans last as long as the attempt); the names of the workflow
spans also carry the entry method (``RunWorkflow:OrderWorkflow.process``, see ``_span_names``).
The trace context travels in Temporal headers, so a worker in another process continues the trace
when it traces too. OpenTelemetry is optional: it is imported here, when an engine asks for tracing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import temporalio.client
import temporalio.worker

from temporal_runtime_core import EngineError

if TYPE_CHECKING:
    import opentelemetry.trace

__all__ = ["OTEL_EXTRA", "TRACER_NAME", "tracing_interceptors"]

OTEL_EXTRA: Final = "pip install 'temporal-runtime[otel]'"
TRACER_NAME: Final = "temporal_runtime"


def tracing_interceptors(
    tracer_provider: opentelemetry.trace.TracerProvider | None,
) -> list[temporalio.client.Interceptor | temporalio.worker.Interceptor]:
    """The interceptors tracing needs, in order, with spans from ``tracer_provider`` (None: the
    global provider, looked up when each span starts, so one set later is used)."""
    try:
        import opentelemetry.trace
        from temporalio.contrib.opentelemetry import TracingInterceptor

        from ._span_names import ChildEntryMethodNames, EntryMethodNames, MethodNamingTracer
    except ImportError as exc:
        raise EngineError(
            f"TemporalEngine(tracing=True) needs OpenTelemetry ({exc.name or exc}), which is not installed. "
            f"Install the extra: {OTEL_EXTRA} (or pip install opentelemetry-api opentelemetry-sdk)"
        ) from None
    provider = tracer_provider if tracer_provider is not None else opentelemetry.trace.get_tracer_provider()
    tracer = MethodNamingTracer(provider.get_tracer(TRACER_NAME))
    return [EntryMethodNames(), TracingInterceptor(tracer), ChildEntryMethodNames()]

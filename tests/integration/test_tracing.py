"""``TemporalEngine(tracing=True, tracer_provider=...)`` and ``interceptors=[...]`` on the real dev
server (sandbox on): one trace from the client's start through the workflow, its activities and
a child, with span names carrying ``Workflow.method`` and the activity name."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
import temporalio.client
import temporalio.worker
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import BaseModel

from temporal_runtime import TemporalEngine, Workflow, activity_def
from temporal_runtime.testing import select_registries

pytestmark = pytest.mark.integration


class TrOrder(BaseModel):
    order_id: str
    cents: int


@activity_def("tr_charge_card", Args=TrOrder, Result=str)
async def charge_card(order: TrOrder) -> str:
    return f"charged {order.cents} for {order.order_id}"


@activity_def("tr_send_receipt", Args=TrOrder, Result=str)
async def send_receipt(order: TrOrder) -> str:
    return f"receipt for {order.order_id}"


class TrShipping(Workflow):
    async def ship(self, order: TrOrder) -> str:
        return f"shipped {order.order_id}"


class TrOrderWorkflow(Workflow):
    async def process(self, order: TrOrder) -> str:
        charged = await self.exec(charge_card, order, timeout=10)
        shipped = await self.child(TrShipping).ship(order)
        receipt = await self.exec(send_receipt, order, timeout=10)
        return f"{charged}; {shipped}; {receipt}"


def _engine(address: str, **options: Any) -> TemporalEngine:
    workflows, activities = select_registries([sys.modules[__name__]])
    return TemporalEngine(
        address,
        task_queue=f"tr-{uuid.uuid4().hex[:8]}",
        workflow_registry=workflows,
        activity_registry=activities,
        **options,
    )


def _by_name(spans: Sequence[ReadableSpan]) -> dict[str, ReadableSpan]:
    return {span.name: span for span in spans}


def _ancestors(span: ReadableSpan, spans: Sequence[ReadableSpan]) -> list[str]:
    by_id = {s.context.span_id: s for s in spans if s.context is not None}
    names: list[str] = []
    parent = span.parent
    while parent is not None and parent.span_id in by_id:
        ancestor = by_id[parent.span_id]
        names.append(ancestor.name)
        parent = ancestor.parent
    return names


async def test_one_trace_covers_the_start_the_run_its_activities_and_a_child(temporal_address: str) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()  # not the global provider: nothing else in the session is traced
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    async with _engine(temporal_address, tracing=True, tracer_provider=provider) as engine:
        assert engine.tracing
        result = await TrOrderWorkflow.client(engine).process(TrOrder(order_id="o-1", cents=250))
    assert result == "charged 250 for o-1; shipped o-1; receipt for o-1"

    spans = exporter.get_finished_spans()
    names = _by_name(spans)
    expected = [
        "StartWorkflow:TrOrderWorkflow.process",
        "RunWorkflow:TrOrderWorkflow.process",
        "StartActivity:tr_charge_card",
        "RunActivity:tr_charge_card",
        "StartChildWorkflow:TrShipping.ship",
        "RunWorkflow:TrShipping.ship",
        "CompleteWorkflow:TrShipping.ship",
        "StartActivity:tr_send_receipt",
        "RunActivity:tr_send_receipt",
        "CompleteWorkflow:TrOrderWorkflow.process",
    ]
    assert set(expected) <= set(names), sorted(names)
    assert len({span.context.trace_id for span in spans if span.context is not None}) == 1
    # Parent links. temporalio's TracingInterceptor makes the workflow spans zero-length markers
    # (a span open across replays is not replay-safe), so what a run does hangs from the span the
    # run was started under: the client's StartWorkflow, or the parent's StartChildWorkflow.
    start = "StartWorkflow:TrOrderWorkflow.process"
    assert _ancestors(names["RunWorkflow:TrOrderWorkflow.process"], spans) == [start]
    assert _ancestors(names["CompleteWorkflow:TrOrderWorkflow.process"], spans) == [start]
    assert _ancestors(names["RunActivity:tr_charge_card"], spans) == ["StartActivity:tr_charge_card", start]
    assert _ancestors(names["RunActivity:tr_send_receipt"], spans) == ["StartActivity:tr_send_receipt", start]
    child_start = "StartChildWorkflow:TrShipping.ship"
    assert _ancestors(names["RunWorkflow:TrShipping.ship"], spans) == [child_start, start]
    assert _ancestors(names["CompleteWorkflow:TrShipping.ship"], spans) == [child_start, start]
    assert names[start].parent is None  # the root: nothing was current at the client call


async def test_the_trace_continues_the_callers_current_span(temporal_address: str) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    async with _engine(temporal_address, tracing=True, tracer_provider=provider) as engine:
        with provider.get_tracer("tests").start_as_current_span("POST /orders") as request:
            await TrShipping.client(engine).ship(TrOrder(order_id="o-2", cents=1))
    spans = exporter.get_finished_spans()
    run = _by_name(spans)["RunWorkflow:TrShipping.ship"]
    assert _ancestors(run, spans) == ["StartWorkflow:TrShipping.ship", "POST /orders"]
    assert run.context is not None
    assert run.context.trace_id == request.get_span_context().trace_id


class _Calls(temporalio.client.Interceptor, temporalio.worker.Interceptor):
    """Records what reaches it on the client (starts) and on the worker (workflows, activities)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def intercept_client(
        self, next: temporalio.client.OutboundInterceptor
    ) -> temporalio.client.OutboundInterceptor:
        calls = self.calls

        class Client(temporalio.client.OutboundInterceptor):
            async def start_workflow(
                self, input: temporalio.client.StartWorkflowInput
            ) -> temporalio.client.WorkflowHandle[Any, Any]:
                calls.append(f"client start {input.workflow}")
                return await self.next.start_workflow(input)

        return Client(next)

    def workflow_interceptor_class(
        self, input: temporalio.worker.WorkflowInterceptorClassInput
    ) -> type[temporalio.worker.WorkflowInboundInterceptor] | None:
        self.calls.append("worker workflows")  # asked once, when the worker is built
        return None

    def intercept_activity(
        self, next: temporalio.worker.ActivityInboundInterceptor
    ) -> temporalio.worker.ActivityInboundInterceptor:
        calls = self.calls

        class Activity(temporalio.worker.ActivityInboundInterceptor):
            async def execute_activity(self, input: temporalio.worker.ExecuteActivityInput) -> Any:
                calls.append("worker activity")
                return await self.next.execute_activity(input)

        return Activity(next)


async def test_interceptors_reach_the_client_and_the_worker_once_each(temporal_address: str) -> None:
    mine = _Calls()
    async with _engine(temporal_address, interceptors=[mine]) as engine:
        assert not engine.tracing
        await TrOrderWorkflow.client(engine).process(TrOrder(order_id="o-3", cents=5))
    # once each: the worker takes the client's interceptors, and SimplePlugin does not add them twice
    assert mine.calls == [
        "worker workflows",
        "client start TrOrderWorkflow",
        "worker activity",
        "worker activity",
    ]

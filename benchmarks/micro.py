"""Micro-benchmarks without a server: codec, client proxy, adapter dispatch and sandbox cost.

Run by ``run.py`` as ``python -m benchmarks.micro --pairs P --out FILE``. Each figure is measured
for variant (a) raw temporalio and (b) temporal-runtime in alternation, ``P`` times.

- codec: encode + decode of a nested pydantic model through each variant's payload converter
  (temporalio's ``pydantic_data_converter`` against temporal-runtime's ``data_converter()``).
- client: one workflow call on the caller's side, through a stub temporalio client that does the
  payload work a real one does (encode arguments and memo, decode the result) and no I/O:
  ``client.execute_workflow(RawOrderWorkflow.run, order, id=..., task_queue=...)`` against
  ``await OrderWorkflow.client(engine).process(order)``.
- dispatch: one workflow call on the worker's side, from the decoded input payload through the
  workflow instance to ``workflow.execute_activity`` (stubbed, returning the decoded result) and
  the encoded result payload: the raw ``@workflow.defn`` class against temporal-runtime's adapter.
- sandbox: creating one workflow instance in temporalio's sandbox (what a worker does for every
  workflow run), each variant with its worker's sandbox restrictions.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
import uuid
from collections.abc import Awaitable, Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from unittest import mock

import temporalio.api.common.v1
import temporalio.client
import temporalio.converter
import temporalio.workflow
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesResponse
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from benchmarks._common import progress, write_json
from benchmarks.models import Invoice, Order, Receipt, sample_invoice
from benchmarks.raw_temporalio import RawOrderWorkflow
from benchmarks.with_runtime import OrderWorkflow
from temporal_runtime import METHOD_SEARCH_ATTRIBUTE, Workflow, default_activity_registry
from temporal_runtime_client import WorkflowClient, WorkflowProxy
from temporal_runtime_engine import (
    RuntimePlugin,  # gives the runner TemporalEngine's worker uses
    data_converter,
)
from temporal_runtime_workflow import definition_of

__all__ = ["MicroSettings", "main", "run_micro"]

_ORDER = Order(order_id="A-000001", customer="ada@example.com", amount_cents=4200)
_RECEIPT = Receipt(order_id="A-000001", status="paid", amount_cents=4200)


@dataclass(frozen=True)
class MicroSettings:
    pairs: int = 3
    codec_ops: int = 1000
    call_ops: int = 1000
    sandbox_ops: int = 20
    batches: int = 15
    passthrough: tuple[str, ...] = ()


def _paired(
    run_a: Callable[[int], float], run_b: Callable[[int], float], ops: int, rounds: int
) -> tuple[float, float]:
    """CPU seconds per operation of (a) and (b): batches of ``ops`` operations, a and b taking turns
    (a b, b a, a b, ...) so that both meet the same conditions, and the best batch of each (GC off).

    The minimum, as ``timeit`` recommends: other processes on the machine only ever add time.
    """
    run_a(max(1, ops // 10))  # warm-up
    run_b(max(1, ops // 10))
    best_a = best_b = float("inf")
    gc.collect()
    gc.disable()
    try:
        for i in range(rounds):
            if i % 2:
                best_b = min(best_b, run_b(ops) / ops)
                best_a = min(best_a, run_a(ops) / ops)
            else:
                best_a = min(best_a, run_a(ops) / ops)
                best_b = min(best_b, run_b(ops) / ops)
    finally:
        gc.enable()
    return best_a, best_b


# --- codec ------------------------------------------------------------------------------------


def _codec_batch(converter: temporalio.converter.PayloadConverter, value: Invoice) -> Callable[[int], float]:
    def batch(ops: int) -> float:
        t0 = time.thread_time()
        for _ in range(ops):
            payloads = converter.to_payloads([value])
            converter.from_payloads(payloads, [Invoice])
        return time.thread_time() - t0

    return batch


def _check_codec(converter: temporalio.converter.PayloadConverter, value: Invoice) -> None:
    [decoded] = converter.from_payloads(converter.to_payloads([value]), [Invoice])
    if decoded != value:
        raise RuntimeError(f"codec round trip changed the value: {decoded!r}")


# --- client side: a temporalio client stand-in that converts payloads but does no I/O --------------


class _StubHandle:
    def __init__(self, client: _StubClient, workflow_id: str, result_type: type | None, payload: Any) -> None:
        self._client = client
        self.id = workflow_id
        self.run_id: str | None = "run"
        self.result_run_id: str | None = "run"
        self._result_type = result_type

    async def result(self) -> Any:
        hints = None if self._result_type is None else [self._result_type]
        return (await self._client.data_converter.decode([self._client.result_payload], hints))[0]


class _StubOperator:
    """The namespace has the method search attribute (as the embedded server registers it)."""

    async def list_search_attributes(self, request: object) -> ListSearchAttributesResponse:
        keyword = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
        return ListSearchAttributesResponse(custom_attributes={METHOD_SEARCH_ATTRIBUTE.name: keyword})


class _StubClient:
    """Does the payload work of ``Client.start_workflow``/``WorkflowHandle.result`` and nothing else:
    ``DataConverter.encode`` of the argument and of each memo value, ``decode`` of the result."""

    namespace = "default"

    def __init__(self, data_converter: temporalio.converter.DataConverter) -> None:
        self.data_converter = data_converter
        self.operator_service = _StubOperator()
        [self.result_payload] = data_converter.payload_converter.to_payloads([_RECEIPT])

    async def start_workflow(
        self,
        workflow: Any,
        arg: Any,
        *,
        id: str,
        task_queue: str,
        result_type: type | None = None,
        memo: dict[str, Any] | None = None,
        **options: Any,
    ) -> _StubHandle:
        # As Client.start_workflow: resolve the name (and the result type of a run method).
        _, hinted = temporalio.workflow._Definition.get_name_and_result_type(workflow)
        payloads = await self.data_converter.encode([arg])
        if memo:  # temporalio encodes each memo value that is not a Payload already
            for value in memo.values():
                if not isinstance(value, temporalio.api.common.v1.Payload):
                    await self.data_converter.encode([value])
        return _StubHandle(self, id, result_type or hinted, payloads)

    async def execute_workflow(self, workflow: Any, arg: Any, *, id: str, task_queue: str) -> Any:
        handle = await self.start_workflow(workflow, arg, id=id, task_queue=task_queue)
        return await handle.result()


class _ProxyFactory:
    """What ``TemporalEngine.workflow_client`` does, over a ``WorkflowClient`` on the stub."""

    def __init__(self, client: WorkflowClient) -> None:
        self._client = client

    def workflow_client[W: Workflow](self, workflow_class: type[W]) -> W:
        return cast(W, WorkflowProxy(lambda: self._client, workflow_class))


def _async_batch(
    loop: asyncio.AbstractEventLoop, call: Callable[[], Awaitable[Any]]
) -> Callable[[int], float]:
    async def many(ops: int) -> float:
        t0 = time.thread_time()
        for _ in range(ops):
            await call()
        return time.thread_time() - t0

    def batch(ops: int) -> float:
        return loop.run_until_complete(many(ops))

    return batch


def _client_calls() -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[Any]]]:
    raw_client = _StubClient(pydantic_data_converter)
    task_queue = "bench"

    async def raw_call() -> Receipt:
        result: Receipt = await raw_client.execute_workflow(
            RawOrderWorkflow.run, _ORDER, id=f"order-{uuid.uuid4().hex}", task_queue=task_queue
        )
        return result

    runtime_client = WorkflowClient(cast(temporalio.client.Client, _StubClient(data_converter())), task_queue)
    proxy = OrderWorkflow.client(_ProxyFactory(runtime_client))

    async def runtime_call() -> Receipt:
        return await proxy.process(_ORDER)

    return raw_call, runtime_call


# --- worker side: from the decoded input payload to execute_activity and the result payload -------


@dataclass
class _FakeInfo:
    task_queue: str = "bench"
    workflow_id: str = "bench-workflow"


def _in_workflow() -> bool:  # a plain function: a Mock would cost microseconds per call
    return True


async def _fake_execute_activity(activity: Any, arg: Any, **options: Any) -> Receipt:
    return _RECEIPT


@contextmanager
def _fake_workflow_context() -> Generator[None]:
    """Make ``temporalio.workflow`` calls work outside a worker: activities return at once."""
    with (
        mock.patch.object(temporalio.workflow, "in_workflow", _in_workflow),
        mock.patch.object(temporalio.workflow, "info", _FakeInfo),
        mock.patch.object(temporalio.workflow, "execute_activity", _fake_execute_activity),
    ):
        yield


def _dispatch_calls() -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[Any]]]:
    raw_conv = pydantic_data_converter.payload_converter
    raw_input = raw_conv.to_payloads([_ORDER])

    raw_arg_types = temporalio.workflow._Definition.must_from_class(RawOrderWorkflow).arg_types

    async def raw_call() -> list[temporalio.api.common.v1.Payload]:
        [order] = raw_conv.from_payloads(raw_input, raw_arg_types)  # run(self, order: Order)
        result = await RawOrderWorkflow().run(order)
        return raw_conv.to_payloads([result])

    rt_conv = data_converter().payload_converter
    rt_input = rt_conv.to_payloads([{"method": "process", "kwargs": {"order": _ORDER}}])
    adapter = cast(Any, definition_of(OrderWorkflow).adapter_class)
    # The worker decodes the input into the type hint of the adapter's run method, as here.
    run_arg_types = temporalio.workflow._Definition.must_from_class(adapter).arg_types

    async def runtime_call() -> list[temporalio.api.common.v1.Payload]:
        [payload] = rt_conv.from_payloads(rt_input, run_arg_types)
        result = await adapter().run(payload)
        return rt_conv.to_payloads([result])

    return raw_call, runtime_call


# --- sandbox --------------------------------------------------------------------------------------


def _sandbox_batch(
    loop: asyncio.AbstractEventLoop, runner: SandboxedWorkflowRunner, workflow_class: type
) -> Callable[[int], float]:
    defn = temporalio.workflow._Definition.must_from_class(workflow_class)

    async def many(ops: int) -> float:
        # SandboxedWorkflowRunner.prepare_workflow creates (and drops) one sandboxed workflow
        # instance, exactly as the worker does for each run: a fresh sandbox re-imports the
        # workflow's module. Called unbound: (b)'s ModuleValidatingRunner overrides it to validate
        # a module once at worker start, which is not the per-run cost measured here.
        t0 = time.thread_time()
        for _ in range(ops):
            SandboxedWorkflowRunner.prepare_workflow(runner, defn)
        return time.thread_time() - t0

    def batch(ops: int) -> float:
        return loop.run_until_complete(many(ops))

    return batch


def _sandbox_runners(passthrough: tuple[str, ...]) -> tuple[SandboxedWorkflowRunner, SandboxedWorkflowRunner]:
    """(a) temporalio's default runner; (b) the runner ``TemporalEngine``'s worker gets from its plugin."""
    plugin = RuntimePlugin([definition_of(OrderWorkflow)], list(default_activity_registry), passthrough)
    runtime = plugin.sandboxed(None)
    assert isinstance(runtime, SandboxedWorkflowRunner)
    return SandboxedWorkflowRunner(), runtime


# --- driver ---------------------------------------------------------------------------------------


def run_micro(settings: MicroSettings) -> dict[str, Any]:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    invoice = sample_invoice()
    raw_conv = pydantic_data_converter.payload_converter
    rt_conv = data_converter().payload_converter
    for conv in (raw_conv, rt_conv):
        _check_codec(conv, invoice)
    raw_client_call, rt_client_call = _client_calls()
    raw_dispatch_call, rt_dispatch_call = _dispatch_calls()
    for call in (raw_client_call, rt_client_call):
        if loop.run_until_complete(call()) != _RECEIPT:
            raise RuntimeError("client stub returned a wrong result")
    with _fake_workflow_context():
        for call in (raw_dispatch_call, rt_dispatch_call):
            [payload] = loop.run_until_complete(call())
            if raw_conv.from_payloads([payload], [Receipt]) != [_RECEIPT]:
                raise RuntimeError("dispatch returned a wrong result")
    raw_runner, rt_runner = _sandbox_runners(settings.passthrough)
    raw_sandbox = _sandbox_batch(loop, raw_runner, RawOrderWorkflow)
    rt_sandbox = _sandbox_batch(loop, rt_runner, definition_of(OrderWorkflow).adapter_class)

    s = settings
    out: dict[str, dict[str, list[float]]] = {
        key: {"raw": [], "runtime": []}
        for key in (
            "codec_ops_per_s",
            "client_us_per_call",
            "dispatch_us_per_call",
            "sandbox_ms_per_instance",
        )
    }
    for pair in range(1, s.pairs + 1):
        codec = _paired(
            _codec_batch(raw_conv, invoice), _codec_batch(rt_conv, invoice), s.codec_ops, s.batches
        )
        client = _paired(
            _async_batch(loop, raw_client_call), _async_batch(loop, rt_client_call), s.call_ops, s.batches
        )
        with _fake_workflow_context():
            dispatch = _paired(
                _async_batch(loop, raw_dispatch_call),
                _async_batch(loop, rt_dispatch_call),
                s.call_ops,
                s.batches,
            )
        sandbox = _paired(raw_sandbox, rt_sandbox, s.sandbox_ops, s.batches)
        for i, variant in enumerate(("raw", "runtime")):
            out["codec_ops_per_s"][variant].append(1 / codec[i])
            out["client_us_per_call"][variant].append(client[i] * 1e6)
            out["dispatch_us_per_call"][variant].append(dispatch[i] * 1e6)
            out["sandbox_ms_per_instance"][variant].append(sandbox[i] * 1e3)
        progress(
            f"  micro pair {pair}/{s.pairs} (a/b): codec {1 / codec[0]:,.0f}/{1 / codec[1]:,.0f} per s, "
            f"client {client[0] * 1e6:.1f}/{client[1] * 1e6:.1f} us, "
            f"dispatch {dispatch[0] * 1e6:.1f}/{dispatch[1] * 1e6:.1f} us, "
            f"sandbox {sandbox[0] * 1e3:.2f}/{sandbox[1] * 1e3:.2f} ms"
        )
    loop.close()
    return {"settings": s.__dict__, "figures": out}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--codec-ops", type=int, default=MicroSettings.codec_ops)
    parser.add_argument("--call-ops", type=int, default=MicroSettings.call_ops)
    parser.add_argument("--sandbox-ops", type=int, default=MicroSettings.sandbox_ops)
    parser.add_argument("--batches", type=int, default=MicroSettings.batches)
    parser.add_argument("--passthrough", default="", help="comma-separated extra sandbox pass-through")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    settings = MicroSettings(
        pairs=args.pairs,
        codec_ops=args.codec_ops,
        call_ops=args.call_ops,
        sandbox_ops=args.sandbox_ops,
        batches=args.batches,
        passthrough=tuple(m for m in args.passthrough.split(",") if m),
    )
    write_json(args.out, run_micro(settings))


if __name__ == "__main__":
    main()

"""The scale curve (figure 8): many concurrent workflows, each awaited by its own caller, and payload sizes.

Run by ``run.py`` as ``python -m benchmarks.scale --variant raw|runtime --address HOST:PORT ...`` in
a fresh process (client and worker at once, one dev server). For each concurrency C, C callers run
at once; each starts its workflow and then waits for its result in a retry loop, as an application
would:

- (a) raw temporalio: ``handle = await client.start_workflow(RawOrderWorkflow.run, ...)``, then
  ``await asyncio.wait_for(handle.result(), 20)``;
- (b) temporal-runtime: ``handle = await proxy.async_.process(order)``, then
  ``await engine.get_result(handle.id, timeout_seconds=20)``.

A ``temporalio.service.RPCError`` that reaches a caller is counted (``rpc_errors``) and the caller
tries again; a caller without its result after ``--deadline`` seconds is counted in ``lost``.
Measured per point: throughput (C / wall seconds from the first start to the last result), process
CPU per workflow, p50 and p95 of each caller's start-to-result seconds, and (b)'s starts that the
server answered eagerly (``eager_started``: temporalio's core asks only while a slot is free).
Then the payload sizes: P concurrent workflows whose argument and result are a blob of S bytes,
passed through one activity.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections import Counter
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import temporalio.service

from benchmarks._common import VARIANTS, label, median, p95, progress, write_json
from benchmarks.models import Blob, Order, blob

__all__ = ["main", "measure_scale"]

type Start = Callable[[Any], Awaitable[str]]  # starts one run, returns its workflow id
type Wait = Callable[[str], Awaitable[Any]]  # waits (up to 20 s) for the result of that id


@asynccontextmanager
async def _raw(address: str, task_queue: str) -> AsyncGenerator[tuple[Start, Wait, Start]]:
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.worker import Worker

    from benchmarks.raw_temporalio import RawOrderWorkflow, process_order
    from benchmarks.raw_workloads import RawBlobWorkflow, echo_blob

    client = await Client.connect(address, data_converter=pydantic_data_converter)
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[RawOrderWorkflow, RawBlobWorkflow],
        activities=[process_order, echo_blob],
    )
    handles: dict[str, Any] = {}

    async def start(order: Order) -> str:
        handle = await client.start_workflow(
            RawOrderWorkflow.run, order, id=f"scale-{uuid.uuid4().hex}", task_queue=task_queue
        )
        handles[handle.id] = handle
        return handle.id

    async def start_blob(payload: Blob) -> str:
        handle = await client.start_workflow(
            RawBlobWorkflow.run, payload, id=f"blob-{uuid.uuid4().hex}", task_queue=task_queue
        )
        handles[handle.id] = handle
        return handle.id

    async def wait(workflow_id: str) -> Any:
        return await asyncio.wait_for(handles[workflow_id].result(), 20)

    async with worker:
        yield start, wait, start_blob
    await asyncio.sleep(0.2)  # as TemporalEngine.stop(): let the Rust core's last callbacks land


EAGER_STARTS = [0]
"""(b)'s starts the server answered eagerly so far (the engine asks when its own worker serves the queue)."""


def _eager(handle: Any) -> str:
    EAGER_STARTS[0] += bool(getattr(handle.temporal_handle, "__temporal_eagerly_started", False))
    workflow_id: str = handle.id
    return workflow_id


@asynccontextmanager
async def _runtime(address: str, task_queue: str) -> AsyncGenerator[tuple[Start, Wait, Start]]:
    from benchmarks.runtime_workloads import BlobWorkflow
    from benchmarks.with_runtime import OrderWorkflow
    from temporal_runtime import TemporalEngine

    async with TemporalEngine(url=address, task_queue=task_queue) as engine:
        orders, blobs = OrderWorkflow.client(engine), BlobWorkflow.client(engine)

        async def start(order: Order) -> str:
            return _eager(await orders.async_.process(order))

        async def start_blob(payload: Blob) -> str:
            return _eager(await blobs.async_.echo(payload))

        async def wait(workflow_id: str) -> Any:
            return await engine.get_result(workflow_id, timeout_seconds=20)

        yield start, wait, start_blob


async def _point(start: Start, wait: Wait, args: list[Any], deadline_s: float, tag: str) -> dict[str, Any]:
    """``len(args)`` callers at once, each starting its run and waiting for its result."""
    rpc_errors = 0
    rpc_error_kinds: Counter[str] = Counter()
    other_errors: list[str] = []
    latencies: list[float] = []
    done = 0

    async def caller(arg: Any) -> bool:
        nonlocal rpc_errors, done
        t = time.perf_counter()
        give_up = t + deadline_s
        workflow_id: str | None = None
        while time.perf_counter() < give_up:
            try:
                if workflow_id is None:
                    workflow_id = await start(arg)
                await wait(workflow_id)
            except temporalio.service.RPCError as exc:
                rpc_errors += 1  # a bare RPCError reached the caller: goal 0
                rpc_error_kinds[
                    f"{'wait' if workflow_id else 'start'}: {exc.status.name}: {exc.message}"[:160]
                ] += 1
                continue
            except TimeoutError:
                continue  # not done within 20 s: wait again
            except Exception as exc:  # counted and reported: the point goes on
                other_errors.append(f"{type(exc).__name__}: {exc}"[:200])
                await asyncio.sleep(1)
                continue
            latencies.append(time.perf_counter() - t)
            done += 1
            return True
        return False

    async def report() -> None:
        while True:
            await asyncio.sleep(5.0)
            progress(f"  ({tag}) {done}/{len(args)} callers have their result")

    reporter = asyncio.create_task(report())
    eager0 = EAGER_STARTS[0]
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    got = await asyncio.gather(*(caller(a) for a in args))
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    reporter.cancel()
    n = len(args)
    return {
        "n": n,
        "wall_s": wall,
        "throughput_wps": sum(got) / wall,
        "cpu_ms_per_wf": cpu * 1000 / n,
        "latency_p50_s": median(latencies) if latencies else None,
        "latency_p95_s": p95(latencies) if latencies else None,
        "rpc_errors": rpc_errors,
        "rpc_error_kinds": dict(rpc_error_kinds.most_common(5)),
        "other_errors": len(other_errors),
        "other_error_examples": sorted(set(other_errors))[:5],
        "lost": n - sum(got),
        "eager_started": EAGER_STARTS[0] - eager0,  # (a) never asks: 0
    }


async def measure_scale(
    variant: str, address: str, concurrency: list[int], payloads: list[int], payload_n: int, deadline_s: float
) -> dict[str, Any]:
    tag = label(variant)
    task_queue = f"scale-{variant}-{uuid.uuid4().hex[:8]}"
    driver = _raw(address, task_queue) if variant == "raw" else _runtime(address, task_queue)
    curve: list[dict[str, Any]] = []
    sizes: list[dict[str, Any]] = []
    async with driver as (start, wait, start_blob):
        for i in range(3):  # warm-up: connections, type adapters, the first sandbox imports
            await wait(await start(Order(order_id=f"W-{i}", customer="x", amount_cents=i)))
            await wait(await start_blob(blob(f"W-{i}", 1000)))
        for c in concurrency:
            orders = [
                Order(order_id=f"C-{i:06d}", customer="ada@example.com", amount_cents=i) for i in range(c)
            ]
            point = await _point(start, wait, orders, deadline_s, tag)
            curve.append(point)
            progress(
                f"  ({tag}) scale: {c} concurrent callers in {point['wall_s']:.1f}s = "
                f"{point['throughput_wps']:.1f}/s, CPU {point['cpu_ms_per_wf']:.1f} ms/wf, p50 "
                f"{point['latency_p50_s'] or 0:.1f}s; RPCErrors at callers {point['rpc_errors']}, "
                f"other errors {point['other_errors']}, without result {point['lost']}; started eagerly "
                f"{point['eager_started']}"
            )
        for size in payloads:
            blobs = [blob(f"B-{i:06d}", size) for i in range(payload_n)]
            point = await _point(start_blob, wait, blobs, deadline_s, tag)
            point["payload_bytes"] = size
            sizes.append(point)
            progress(
                f"  ({tag}) payload {size:,} B x {payload_n}: {point['throughput_wps']:.1f}/s, CPU "
                f"{point['cpu_ms_per_wf']:.1f} ms/wf, without result {point['lost']}"
            )
    return {"variant": variant, "curve": curve, "payloads": sizes}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variant", choices=VARIANTS, required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--concurrency", default="100,1000,5000", help="comma-separated (100,1000,5000)")
    parser.add_argument("--payloads", default="1000,100000,1000000", help="comma-separated bytes")
    parser.add_argument("--payload-n", type=int, default=20, help="concurrent workflows per payload size")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds a caller keeps trying")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    def ints(text: str) -> list[int]:
        return [int(x) for x in text.split(",") if x]

    result = asyncio.run(
        measure_scale(
            args.variant,
            args.address,
            ints(args.concurrency),
            ints(args.payloads),
            args.payload_n,
            args.deadline,
        )
    )
    write_json(args.out, result)


if __name__ == "__main__":
    main()

"""One trial of one variant: a single process that is both client and worker.

Run by ``run.py`` as ``python -m benchmarks.trial --variant raw|runtime --address HOST:PORT ...``
against a fresh dev server. Measures throughput and CPU per workflow over N concurrent workflows,
then the latency of sequential single workflows with an idle gap between them. Writes a JSON file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import time
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from benchmarks._common import VARIANTS, label, median, p95, process_cpu_seconds, progress, write_json
from benchmarks.models import Order, Receipt

__all__ = ["main", "run_trial"]

type RunOne = Callable[[Order], Awaitable[Receipt]]


class _Variant:
    """What a trial drives: ``run_one`` (the variant's idiomatic call) and, for (a) only,
    ``run_eager`` (the same call with ``request_eager_start=True``, figure 3's third column)."""

    def __init__(self, run_one: RunOne, run_eager: RunOne | None = None) -> None:
        self.run_one = run_one
        self.run_eager = run_eager
        self.eager_started = 0  # starts the server answered eagerly (the response carried the task)


@asynccontextmanager
async def raw_variant(address: str, task_queue: str) -> AsyncGenerator[_Variant]:
    """(a) raw temporalio: pydantic data converter, default sandboxed runner, one Worker."""
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.worker import Worker

    from benchmarks.raw_temporalio import RawOrderWorkflow, process_order

    client = await Client.connect(address, data_converter=pydantic_data_converter)
    worker = Worker(client, task_queue=task_queue, workflows=[RawOrderWorkflow], activities=[process_order])
    async with worker:

        async def run_one(order: Order) -> Receipt:
            return await client.execute_workflow(
                RawOrderWorkflow.run, order, id=f"order-{uuid.uuid4().hex}", task_queue=task_queue
            )

        async def run_eager(order: Order) -> Receipt:
            handle = await client.start_workflow(
                RawOrderWorkflow.run,
                order,
                id=f"order-{uuid.uuid4().hex}",
                task_queue=task_queue,
                request_eager_start=True,
            )
            # temporalio records whether the start response carried the first workflow task.
            variant.eager_started += bool(getattr(handle, "__temporal_eagerly_started", False))
            return await handle.result()

        variant = _Variant(run_one, run_eager)
        yield variant
    await asyncio.sleep(0.2)  # as TemporalEngine.stop(): let the Rust core's last callbacks land


@asynccontextmanager
async def runtime_variant(
    address: str, task_queue: str, passthrough: tuple[str, ...] = ()
) -> AsyncGenerator[_Variant]:
    """(b) temporal-runtime: TemporalEngine (client + worker) and the client proxy.

    ``passthrough`` (empty by default) adds sandbox pass-through modules, to try a fix.
    """
    from benchmarks.with_runtime import OrderWorkflow
    from temporal_runtime import TemporalEngine

    async with TemporalEngine(url=address, task_queue=task_queue, sandbox_passthrough=passthrough) as engine:
        proxy = OrderWorkflow.client(engine)

        async def run_one(order: Order) -> Receipt:
            return await proxy.process(order)

        yield _Variant(run_one)


def _order(i: int) -> Order:
    return Order(order_id=f"A-{i:06d}", customer="ada@example.com", amount_cents=1000 + i)


def _check(receipt: Receipt, i: int) -> None:
    if receipt.order_id != f"A-{i:06d}" or receipt.amount_cents != 1000 + i:
        raise RuntimeError(f"wrong result for workflow {i}: {receipt!r}")


def _cpu() -> tuple[float, float, float]:
    """(process CPU, user, system) seconds of this process, all threads (the Rust core's too)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return time.process_time(), usage.ru_utime, usage.ru_stime


async def run_trial(
    variant: str,
    address: str,
    n: int,
    warmup: int,
    latency_count: int,
    latency_gap: float,
    passthrough: tuple[str, ...] = (),
    server_pid: int | None = None,
) -> dict[str, Any]:
    tag = label(variant)
    task_queue = f"bench-{variant}-{uuid.uuid4().hex[:8]}"
    driver = (
        raw_variant(address, task_queue)
        if variant == "raw"
        else runtime_variant(address, task_queue, passthrough)
    )
    async with driver as drive:
        run_one = drive.run_one
        # Warm-up: first-call costs (connections, type adapters, first sandbox imports) stay out.
        for i in range(warmup):
            _check(await run_one(_order(i)), i)

        done = 0

        async def counted(i: int) -> None:
            nonlocal done
            _check(await run_one(_order(i)), i)
            done += 1

        async def report() -> None:
            while True:
                await asyncio.sleep(1.0)
                progress(f"  ({tag}) throughput: {done}/{n} workflows done")

        reporter = asyncio.create_task(report())
        load = os.getloadavg()[0]  # other work on the machine shows here: compare between runs
        server0 = process_cpu_seconds(server_pid) if server_pid else None
        cpu0, user0, sys0 = _cpu()
        t0 = time.perf_counter()
        await asyncio.gather(*(counted(i) for i in range(n)))
        wall = time.perf_counter() - t0
        cpu1, user1, sys1 = _cpu()
        server1 = process_cpu_seconds(server_pid) if server_pid else None
        reporter.cancel()
        progress(f"  ({tag}) throughput: {n} workflows in {wall:.2f}s = {n / wall:.1f}/s")

        latencies: list[float] = []
        eager: list[float] = []  # (a) only: plain and eager starts take turns, one after the other
        for i in range(latency_count):
            for call, into in ((run_one, latencies), (drive.run_eager, eager)):
                if call is None:
                    continue
                await asyncio.sleep(latency_gap)
                t = time.perf_counter()
                _check(await call(_order(i)), i)
                into.append((time.perf_counter() - t) * 1000)
        progress(
            f"  ({tag}) latency: {latency_count} sequential workflows, "
            f"median {median(latencies):.1f} ms, p95 {p95(latencies):.1f} ms"
            + (
                f"; with request_eager_start=True median {median(eager):.1f} ms "
                f"({drive.eager_started}/{len(eager)} started eagerly)"
                if eager
                else ""
            )
        )
    return {
        "variant": variant,
        "n": n,
        "wall_s": wall,
        "throughput_wps": n / wall,
        "cpu_ms_per_wf": (cpu1 - cpu0) * 1000 / n,
        "cpu_user_ms_per_wf": (user1 - user0) * 1000 / n,
        "cpu_sys_ms_per_wf": (sys1 - sys0) * 1000 / n,
        "server_cpu_ms_per_wf": (
            (server1 - server0) * 1000 / n if server0 is not None and server1 is not None else None
        ),
        "latency_ms": latencies,
        "latency_median_ms": median(latencies),
        "latency_p95_ms": p95(latencies),
        "latency_eager_ms": eager,
        "latency_eager_median_ms": median(eager) if eager else None,
        "latency_eager_p95_ms": p95(eager) if eager else None,
        "eager_started": drive.eager_started if eager else None,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_average_1m": load,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variant", choices=VARIANTS, required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--latency-count", type=int, default=40)
    parser.add_argument("--latency-gap", type=float, default=0.1)
    parser.add_argument("--passthrough", default="", help="comma-separated extra sandbox pass-through")
    parser.add_argument("--server-pid", type=int, default=None, help="to report the server's CPU")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    passthrough = tuple(m for m in args.passthrough.split(",") if m)
    result = asyncio.run(
        run_trial(
            args.variant,
            args.address,
            args.n,
            args.warmup,
            args.latency_count,
            args.latency_gap,
            passthrough,
            args.server_pid,
        )
    )
    write_json(args.out, result)


if __name__ == "__main__":
    main()

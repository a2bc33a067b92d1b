"""Memory (figure 9): RSS of the client+worker process with K open workflows waiting on a signal.

Run by ``run.py`` as ``python -m benchmarks.memory --variant raw|runtime --address HOST:PORT --k K``
in a fresh process. After a warm-up (two waiters started, released and finished), the process's
resident set (``VmRSS`` of ``/proc/self/status``) is read; then K waiters are started (100 callers at
a time). Each runs one activity in this process that records its id (so we know its first workflow
task ran and its instance is in the worker's cache: K stays within temporalio's default
``max_cached_workflows`` of 1,000) and then waits for a ``release`` signal. Once all K have reported,
RSS is read every 0.5 s until two readings differ by less than 1 % (the last workflow tasks land),
at most 20 s. Reported: RSS with K open workflows, and (RSS - RSS before) / K: the memory of one
cached workflow, which is mostly its sandbox (each instance runs in its own copy of the workflow's
module and of every module not passed through). ``--trace`` (by hand, not from ``run.py``) also
lists the source files whose Python allocations grew most, per open workflow (tracemalloc).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
import tracemalloc
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from benchmarks._common import VARIANTS, label, progress, write_json

__all__ = ["main", "measure_memory", "rss_mb"]

type Open = Callable[[str], Awaitable[Any]]  # starts waiter `id`, returns a handle
type Release = Callable[[Any], Awaitable[Any]]  # signals a waiter's handle and awaits its result


def rss_mb() -> float:
    """The resident set size of this process now, in MB (Linux ``/proc``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


@asynccontextmanager
async def _raw(address: str, task_queue: str) -> AsyncGenerator[tuple[Open, Release, list[str]]]:
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.worker import Worker

    from benchmarks.raw_workloads import WAITING, RawWaiter, mark_waiting

    client = await Client.connect(address, data_converter=pydantic_data_converter)

    async def open_one(workflow_id: str) -> Any:
        return await client.start_workflow(RawWaiter.run, workflow_id, id=workflow_id, task_queue=task_queue)

    async def release(handle: Any) -> Any:
        await handle.signal(RawWaiter.release)
        return await handle.result()

    async with Worker(client, task_queue=task_queue, workflows=[RawWaiter], activities=[mark_waiting]):
        yield open_one, release, WAITING
    await asyncio.sleep(0.2)


@asynccontextmanager
async def _runtime(address: str, task_queue: str) -> AsyncGenerator[tuple[Open, Release, list[str]]]:
    from benchmarks.runtime_workloads import WAITING, Waiter
    from temporal_runtime import TemporalEngine

    async with TemporalEngine(url=address, task_queue=task_queue) as engine:
        waiters = Waiter.client(engine).options

        async def open_one(workflow_id: str) -> Any:
            return await waiters(id=workflow_id).async_.wait(workflow_id)

        async def release(handle: Any) -> Any:
            await handle.signal(Waiter.release)
            return await handle.result()

        yield open_one, release, WAITING


async def _settled_rss(limit_s: float = 20.0) -> float:
    deadline = time.monotonic() + limit_s
    last = rss_mb()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        now = rss_mb()
        if abs(now - last) < 0.01 * last:
            return now
        last = now
    return last


def _top(
    before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, k: int, by: str = "filename"
) -> list[dict[str, Any]]:
    """The 15 source files (or lines, ``by="lineno"``) whose allocations grew most, in KB per open
    workflow."""
    stats = after.compare_to(before, by)[:15]
    return [
        {
            "file": str(s.traceback[0].filename) + (f":{s.traceback[0].lineno}" if by == "lineno" else ""),
            "kb_per_workflow": s.size_diff / 1024 / k,
            "blocks": s.count_diff,
        }
        for s in stats
    ]


async def measure_memory(
    variant: str, address: str, k: int, trace: bool = False, trace_by: str = "filename"
) -> dict[str, Any]:
    tag = label(variant)
    task_queue = f"memory-{variant}-{uuid.uuid4().hex[:8]}"
    driver = _raw(address, task_queue) if variant == "raw" else _runtime(address, task_queue)
    async with driver as (open_one, release, waiting):
        for i in range(2):  # warm-up: the first sandbox imports, connections, type adapters
            await release(await open_one(f"warm-{i}-{uuid.uuid4().hex[:8]}"))
        waiting.clear()
        gc.collect()
        before = await _settled_rss()
        baseline: tracemalloc.Snapshot | None = None
        if trace:
            tracemalloc.start()
            baseline = tracemalloc.take_snapshot()
        gate = asyncio.Semaphore(100)

        async def opened(i: int) -> Any:
            async with gate:
                return await open_one(f"wait-{i:05d}-{uuid.uuid4().hex[:8]}")

        t0 = time.perf_counter()
        await asyncio.gather(*(opened(i) for i in range(k)))
        while len(waiting) < k:
            if time.perf_counter() - t0 > 300:
                raise RuntimeError(f"only {len(waiting)} of {k} waiters ran their first workflow task")
            await asyncio.sleep(0.1)
        opened_s = time.perf_counter() - t0
        gc.collect()
        after = await _settled_rss()
        top = None
        if baseline is not None:
            top = _top(baseline, tracemalloc.take_snapshot(), k, trace_by)
            tracemalloc.stop()
    per_wf_kb = (after - before) * 1024 / k
    progress(
        f"  ({tag}) memory: RSS {before:.0f} MB, {after:.0f} MB with {k} open workflows "
        f"({per_wf_kb:.0f} KB per cached workflow; opened in {opened_s:.1f}s)"
    )
    return {
        "variant": variant,
        "k": k,
        "rss_before_mb": before,
        "rss_open_mb": after,
        "kb_per_open_workflow": per_wf_kb,
        "opened_s": opened_s,
        **({"top_allocations": top} if top is not None else {}),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variant", choices=VARIANTS, required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--k", type=int, default=1000, help="open workflows (1000)")
    parser.add_argument(
        "--trace",
        action="store_true",
        help="also trace Python allocations (tracemalloc): which files the open workflows' memory comes "
        "from (slower; not used by run.py, whose RSS figures it would distort)",
    )
    parser.add_argument(
        "--trace-by",
        choices=("filename", "lineno"),
        default="filename",
        help="with --trace: group allocations by source file (default) or by line",
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    write_json(
        args.out,
        asyncio.run(measure_memory(args.variant, args.address, args.k, args.trace, args.trace_by)),
    )


if __name__ == "__main__":
    main()

"""Data pipeline: a flaky activity made reliable by a retry policy.

What it shows (the design's "Define Activities", "Define Workflows", "Execute Workflows" and
"Retry Policies"):

* ``process_data``, an activity with pydantic ``Args``/``Result`` DTOs, that fails on its first two
  attempts for each data set (a simulated transient error) and succeeds on the third;
* ``await self.exec(process_data, ..., timeout=..., retry_policy=RetryPolicy(...))``: Temporal retries
  the failed attempts with backoff, and the workflow only sees the successful result;
* the three ways of running a workflow: immediate (``await pipeline.run_pipeline(...)``), async
  (``handle = await pipeline.async_(DataPipelineWorkflow.run_pipeline, ...)`` then
  ``await handle.result(timeout=...)``, typed) and delayed
  (``await pipeline.after(seconds)(DataPipelineWorkflow.run_pipeline, ...)``).

    python examples/data_pipeline.py
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from temporal_runtime import RetryPolicy, TemporalEngine, Workflow, activity_def

FAILURES_BEFORE_SUCCESS = 2
"""Each data set's first two processing attempts fail."""

ATTEMPTS: dict[str, int] = {}
"""Processing attempts per ``data_id``. Activities run in the worker process, so this is shared."""


# --- DTOs ------------------------------------------------------------------------------------------
class ProcessDataInput(BaseModel):
    data_id: str
    parameters: dict[str, Any]


class ProcessDataOutput(BaseModel):
    result: str
    processed_at: str
    attempt: int


class PipelineResult(BaseModel):
    data_id: str
    output: ProcessDataOutput
    summary: str


class TransientStorageError(Exception):
    """A failure that goes away when retried."""


# --- activities ------------------------------------------------------------------------------------
@activity_def("pipeline_process_data", Args=ProcessDataInput, Result=ProcessDataOutput)
async def process_data(args: ProcessDataInput) -> ProcessDataOutput:
    attempt = ATTEMPTS[args.data_id] = ATTEMPTS.get(args.data_id, 0) + 1
    if attempt <= FAILURES_BEFORE_SUCCESS:
        raise TransientStorageError(f"storage unavailable for {args.data_id} (attempt {attempt})")
    mode = args.parameters.get("mode", "default")
    return ProcessDataOutput(
        result=f"processed {args.data_id} in {mode} mode",
        processed_at=datetime.now(UTC).isoformat(),
        attempt=attempt,
    )


# --- the workflow ----------------------------------------------------------------------------------
class DataPipelineWorkflow(Workflow):
    async def run_pipeline(self, input_data: ProcessDataInput) -> PipelineResult:
        output = await self.exec(
            process_data,
            input_data,
            timeout=300,  # 5 minutes per attempt
            retry_policy=RetryPolicy(
                maximum_attempts=5,
                initial_interval=0.2,  # seconds; then 0.4, 0.8, ... (backoff_coefficient)
                backoff_coefficient=2.0,
                maximum_interval=5,
                non_retryable_error_types=("ValueError",),  # bad input is not worth retrying
            ),
        )
        return PipelineResult(
            data_id=input_data.data_id,
            output=output,
            summary=f"succeeded on attempt {output.attempt}",
        )


# --- running it ------------------------------------------------------------------------------------
class PipelineRuns(BaseModel):
    immediate: PipelineResult
    asynchronous: PipelineResult
    delayed: PipelineResult
    delay_seconds: float
    delayed_elapsed_seconds: float


async def run_pipelines(engine: TemporalEngine, delay_seconds: float = 1.0) -> PipelineRuns:
    suffix = uuid.uuid4().hex[:8]
    pipeline = DataPipelineWorkflow.client(engine)

    # Immediate: start and wait for the result.
    immediate = await pipeline.run_pipeline(
        ProcessDataInput(data_id=f"{suffix}-123", parameters={"mode": "fast"})
    )
    print(f"immediate: {immediate.summary}: {immediate.output.result}")

    # Async: start, get a handle, wait later.
    handle = await pipeline.async_(
        DataPipelineWorkflow.run_pipeline,
        ProcessDataInput(data_id=f"{suffix}-456", parameters={"mode": "batch"}),
    )
    asynchronous = await handle.result(timeout=60.0)
    print(f"async:     {asynchronous.summary}: {asynchronous.output.result} (workflow id {handle.id})")

    # Delayed: the run starts only after the delay.
    started = time.monotonic()
    delayed_handle = await pipeline.after(delay_seconds)(
        DataPipelineWorkflow.run_pipeline,
        ProcessDataInput(data_id=f"{suffix}-789", parameters={"mode": "scheduled"}),
    )
    delayed = await delayed_handle.result(timeout=60.0)
    elapsed = time.monotonic() - started
    print(f"delayed:   {delayed.summary}: {delayed.output.result} (after {elapsed:.1f} s)")

    return PipelineRuns(
        immediate=immediate,
        asynchronous=asynchronous,
        delayed=delayed,
        delay_seconds=delay_seconds,
        delayed_elapsed_seconds=elapsed,
    )


async def main(engine: TemporalEngine | None = None) -> PipelineRuns:
    """Run the pipelines on ``engine`` (already started), or on an embedded local server."""
    if engine is not None:
        return await run_pipelines(engine)
    async with TemporalEngine(task_queue="data_pipeline", headless=True) as own_engine:
        return await run_pipelines(own_engine)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    # The worker logs each failed attempt with its traceback; the expected failures are noise here.
    logging.getLogger("temporalio.activity").setLevel(logging.ERROR)
    asyncio.run(main())

"""Static typing checks: mypy --strict and pyright both check this file (it is never run).

``assert_type`` fails type checking if an inferred type drifts; the ``# type: ignore`` lines are
negative cases that must stay errors (mypy's warn_unused_ignores reports them if they stop being).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, assert_type

from pydantic import BaseModel

from temporal_runtime import (
    ActivityDefinition,
    MethodHandle,
    PendingActivity,
    PendingActivityState,
    SearchAttributes,
    TemporalEngine,
    Workflow,
    WorkflowDescription,
    WorkflowFailure,
    WorkflowStatus,
    WorkflowTaskFailure,
    activity_def,
)


class Args(BaseModel):
    value: int


class Out(BaseModel):
    doubled: int


@activity_def("typing_double", Args=Args, Result=Out)
async def double(args: Args) -> Out:
    return Out(doubled=args.value * 2)


async def _count_impl(args: Args) -> int:
    return args.value


count = activity_def("typing_count", Args=Args)(_count_impl)

assert_type(double, ActivityDefinition[Args, Out])
assert_type(count, ActivityDefinition[Args, int])


class TypedWorkflow(Workflow):
    async def run_it(self, args: Args, factor: int = 1) -> Out:
        out = await self.exec(double, args, timeout=5)
        assert_type(out, Out)
        n = await self.exec(count, args, timeout=5)
        assert_type(n, int)
        await self.exec(double, Out(doubled=1), timeout=5)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
        return Out(doubled=out.doubled * factor + n)


async def client_side(engine: TemporalEngine) -> None:
    wf = TypedWorkflow.client(engine)
    result = await wf.run_it(Args(value=1))
    assert_type(result, Out)
    await wf.run_it("not args")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

    handle = await engine.start_workflow(TypedWorkflow.run_it, Args(value=2), 3)
    assert_type(handle, MethodHandle[Out, TypedWorkflow])
    assert_type(await handle.result(), Out)
    assert_type(await engine.execute_workflow(TypedWorkflow.run_it, Args(value=2)), Out)
    await engine.start_workflow(TypedWorkflow.run_it, 42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

    started = await wf.async_.run_it(Args(value=3))
    assert_type(started, MethodHandle[Any])
    assert_type(await wf.async_(TypedWorkflow.run_it, Args(value=3)), MethodHandle[Out, TypedWorkflow])


async def descriptions(engine: TemporalEngine) -> None:
    description = await engine.describe("some-id")
    assert_type(description, WorkflowDescription)
    assert_type(description.status, WorkflowStatus)
    assert_type(description.method, str | None)
    failure = description.last_task_failure
    assert_type(failure, WorkflowTaskFailure | None)
    if failure is not None:
        assert_type(failure.attempt, int)
        assert_type(failure.message, str)
    assert_type(description.search_attributes, SearchAttributes)
    assert_type(description.pending_activities, tuple[PendingActivity, ...])
    for activity in description.pending_activities:
        assert_type(activity.activity_name, str)
        assert_type(activity.attempt, int)
        assert_type(activity.state, PendingActivityState)
        assert_type(activity.last_failure, str | None)
        assert_type(activity.last_heartbeat_time, datetime | None)
        assert_type(activity.heartbeat_details, tuple[object, ...])
        activity.attempt = 3  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
    description.search_attributes["CustomerId"] = "c-2"  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
    handle = await engine.start_workflow(TypedWorkflow.run_it, Args(value=2))
    assert_type(await handle.describe(), WorkflowDescription)
    description.status = WorkflowStatus.FAILED  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]


def business_failure() -> WorkflowFailure:
    failure = WorkflowFailure("order rejected", details=("o-1",), non_retryable=True)
    assert_type(failure, WorkflowFailure)
    WorkflowFailure("x", "positional details")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    return failure

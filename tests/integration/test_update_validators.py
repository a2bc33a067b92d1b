"""Update validators on the real dev server: ``@handler.validator`` runs before the update is accepted,
with the workflow's state; raising rejects the update (``UpdateFailedError`` for the caller, nothing
in the run's history) through ``handle.update``, ``handle.start_update`` and the engine by id."""

from __future__ import annotations

import pytest
import temporalio.api.enums.v1
import temporalio.client

from temporal_runtime import (
    MethodHandle,
    TemporalEngine,
    UpdateFailedError,
    Workflow,
    wf_query,
    wf_signal,
    wf_update,
)

pytestmark = pytest.mark.integration

_ACCEPTED = temporalio.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
_ADMITTED = temporalio.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED


class LimitWorkflow(Workflow):
    def __init__(self) -> None:
        self.limit = 10
        self.frozen = False
        self.validated = 0
        self.done = False

    async def run(self) -> int:
        await self.wait_until(lambda: self.done)
        return self.limit

    @wf_update("set_limit")
    async def set_limit(self, limit: int) -> int:
        previous, self.limit = self.limit, limit
        return previous

    @set_limit.validator
    def _check_limit(self, limit: int) -> None:
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        if self.frozen:  # the validator sees the workflow's state
            raise PermissionError("the limit is frozen")

    @wf_update()
    def plain(self, n: int) -> int:  # no validator of its own: invalid arguments are still rejected
        return n * 2

    @wf_signal()
    def freeze(self) -> None:
        self.frozen = True

    @wf_signal()
    def finish(self) -> None:
        self.done = True

    @wf_query()
    def current(self) -> int:
        return self.limit


async def _update_events(handle: MethodHandle[object, LimitWorkflow]) -> list[int]:
    history = await handle.temporal_handle.fetch_history()
    return [e.event_type for e in history.events if e.event_type in (_ACCEPTED, _ADMITTED)]


async def test_a_rejected_update_leaves_no_trace_and_the_run_goes_on(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(LimitWorkflow.run)
    with pytest.raises(UpdateFailedError, match="limit must be >= 0, got -1") as info:
        await handle.update(LimitWorkflow.set_limit, -1)
    assert info.value.error_type == "ValueError"
    with pytest.raises(UpdateFailedError, match="limit must be >= 0"):
        await handle.start_update(LimitWorkflow.set_limit, -5)  # raises at start: never accepted
    with pytest.raises(UpdateFailedError, match="limit must be >= 0"):
        await engine.update(handle.id, LimitWorkflow.set_limit, -7)
    assert await handle.query(LimitWorkflow.current) == 10
    assert await _update_events(handle) == []  # history keeps nothing of a rejected update

    assert await handle.update(LimitWorkflow.set_limit, 3) == 10  # an accepted one is recorded
    assert await _update_events(handle) == [_ACCEPTED]
    await handle.signal(LimitWorkflow.finish)
    assert await handle.result(timeout=20) == 3


async def test_the_validator_reads_the_workflow_state(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(LimitWorkflow.run)
    update = await handle.start_update(LimitWorkflow.set_limit, 4)
    assert await update.result(timeout=20) == 10
    await handle.signal(LimitWorkflow.freeze)
    with pytest.raises(UpdateFailedError, match="the limit is frozen") as info:
        await handle.update(LimitWorkflow.set_limit, 5)
    assert info.value.error_type == "PermissionError"
    assert await handle.query(LimitWorkflow.current) == 4
    await handle.signal(LimitWorkflow.finish)
    assert await handle.result(timeout=20) == 4


async def test_unchecked_invalid_arguments_are_rejected_before_acceptance(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(LimitWorkflow.run)
    raw = handle.temporal_handle  # bypasses the client's own argument check
    with pytest.raises(temporalio.client.WorkflowUpdateFailedError) as info:
        await raw.execute_update("plain", "not a number")  # pyright: ignore[reportUnknownMemberType]
    assert "Invalid argument 'n'" in str(info.value.cause)
    assert await _update_events(handle) == []
    assert await handle.update(LimitWorkflow.plain, 21) == 42
    await handle.signal(LimitWorkflow.finish)
    assert await handle.result(timeout=20) == 10

"""A DTO module used only by an update handler passes through the workflow sandbox like any other.

Before the definition walked all its handlers by kind, the sandbox's pass-through list left update
handlers out: such a module was re-imported for every run, and the update received an instance of
a class other than the host's.
"""

from __future__ import annotations

import pytest

from temporal_runtime import TemporalEngine, Workflow, wf_signal, wf_update
from tests.integration.update_only_dto import SeatAnswer, SeatRequest

pytestmark = pytest.mark.integration


class SeatBookingWorkflow(Workflow):
    def __init__(self) -> None:
        self.done = False

    @wf_update("book")
    def book(self, request: SeatRequest) -> SeatAnswer:
        return SeatAnswer(
            seat=request.seat, request_class_created_in_sandbox=type(request).created_in_sandbox
        )

    @wf_signal("finish")
    def finish(self) -> None:
        self.done = True

    async def run(self) -> str:
        await self.wait_until(lambda: self.done)
        return "done"


async def test_update_receives_the_hosts_dto_class(engine: TemporalEngine) -> None:
    assert SeatRequest.created_in_sandbox is False  # the host's class
    handle = await SeatBookingWorkflow.client(engine).async_.run()
    answer = await handle.update("book", SeatRequest(seat="12A"))
    assert type(answer) is SeatAnswer
    assert answer == SeatAnswer(seat="12A", request_class_created_in_sandbox=False)
    await handle.signal("finish")
    assert await handle.result(timeout=20) == "done"

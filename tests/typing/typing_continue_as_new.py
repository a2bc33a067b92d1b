"""Static typing checks of continue-as-new, run info, logger, uuid4/random and versioning (#12)
(checked by mypy and pyright, never run).

``assert_type`` fails type checking if an inferred type drifts; the ``# type: ignore`` lines are
negative cases that must stay errors for both checkers.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import datetime
from typing import Any, assert_type

from pydantic import BaseModel

from temporal_runtime import Workflow, WorkflowInfo, WorkflowLogger
from temporal_runtime.testing import ContinueAsNewCall, ContinuedAsNewError, WorkflowTester


class State(BaseModel):
    count: int


class Other(Workflow):
    async def run(self, state: State) -> int:
        return state.count


class Loop(Workflow):
    async def run(self, state: State, every: int = 10) -> int:
        info = self.info
        assert_type(info, WorkflowInfo)
        assert_type(info.workflow_id, str)
        assert_type(info.run_id, str)
        assert_type(info.workflow_type, str)
        assert_type(info.method, str)
        assert_type(info.namespace, str)
        assert_type(info.task_queue, str)
        assert_type(info.attempt, int)
        assert_type(info.start_time, datetime)
        assert_type(info.history_length, int)
        assert_type(info.continue_as_new_suggested, bool)
        assert_type(info.parent_workflow_id, str | None)
        assert_type(self.logger, WorkflowLogger)
        logger: logging.LoggerAdapter[logging.Logger] = self.logger
        logger.info("count %d", state.count)
        assert_type(self.uuid4(), uuid.UUID)
        assert_type(self.random(), random.Random)
        assert_type(self.patched("change"), bool)
        assert_type(self.deprecate_patch("change"), None)
        assert_type(self.all_handlers_finished(), bool)
        if state.count < 100:
            self.continue_as_new(Loop.run, State(count=state.count + 1), every=every)
            self.deprecate_patch("unreachable")  # after a NoReturn call; checkers skip it
        self.continue_as_new(Loop.other, "label")
        return state.count  # pyright: ignore[reportUnreachable]

    async def other(self, label: str) -> int:
        self.patched(1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        self.continue_as_new(Loop.run, State(count=len(label)))

    async def wrong_type(self) -> int:
        self.continue_as_new(Loop.run, 1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

    async def wrong_keyword(self) -> int:
        self.continue_as_new(Loop.run, State(count=1), every="x")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

    async def wrong_class(self) -> int:
        self.continue_as_new(Other.run, State(count=1))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def kit() -> None:
    tester = WorkflowTester(Loop, patches={"change": False}, follow_continue_as_new=True, seed=3)
    assert_type(tester.continued_as_new, list[ContinueAsNewCall])
    assert_type(tester.continue_as_new_suggested, bool)
    tester.continue_as_new_suggested = True
    call = tester.continued_as_new[0]
    assert_type(call.method, str)
    assert_type(call.arguments, dict[str, Any])
    assert_type(call.run_number, int)
    try:
        assert_type(await tester.run(Loop.run, State(count=1)), int)
    except ContinuedAsNewError as error:
        assert_type(error.method, str)
        assert_type(error.arguments, dict[str, Any])

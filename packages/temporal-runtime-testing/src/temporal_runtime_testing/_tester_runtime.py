"""``TesterRuntime``: the :class:`WorkflowRuntime` a :class:`WorkflowTester` installs for the
workflow code of one run: ``exec``/``sleep``/``wait_until``/``now`` on the virtual clock and the
retry loop, children, continue-as-new, run info, determinism and versioning without a server."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

import temporalio.workflow

from temporal_runtime_core import SearchAttributes, SearchAttributeValue
from temporal_runtime_workflow import ActivityCall, ChildCall, ChildRun, MethodSpec, WorkflowInfo

from ._errors import WorkflowTesterError
from ._json_round_trip import through_json
from ._retry_loop import RetryLoop
from ._run_settings import ContinueAsNew, ContinueAsNewCall
from ._virtual_clock import VirtualClock

if TYPE_CHECKING:
    from ._tester_run import TesterRun

__all__ = ["TesterRuntime", "run_patch"]


class TesterRuntime:
    """The :class:`WorkflowRuntime` a tester installs for the workflow code of one run."""

    def __init__(self, run: TesterRun, clock: VirtualClock, activities: RetryLoop) -> None:
        self._run = run
        self._clock = clock
        self._activities = activities

    def _writable(self, operation: str) -> None:
        if self._run.in_query:
            # what a worker raises; run_without_waiting turns it into the "tried to wait" error
            raise temporalio.workflow.ReadOnlyContextError(
                f"While in read-only function, action attempted: {operation}"
            )

    async def execute_activity(self, call: ActivityCall) -> Any:
        self._writable("exec")
        run = self._run
        run.events += 6  # scheduled, started, completed, and the workflow task around it
        return await self._activities.execute(call, caller=run.spec.qualname, on_fatal=run.set_fatal)

    async def sleep(self, duration: timedelta) -> None:
        self._writable("sleep")
        self._run.events += 5  # timer started and fired, and the workflow task around it
        await self._clock.sleep(duration)

    async def wait_until(self, predicate: Callable[[], bool], timeout: timedelta | None) -> None:
        self._writable("wait_until")
        await self._clock.wait_until(predicate, timeout, self._run)

    def now(self) -> datetime:
        return self._clock.now

    def workflow_id(self) -> str:
        return self._run.workflow_id

    # --- child workflows (#12) ---

    async def start_child(self, call: ChildCall) -> ChildRun:
        self._writable("start_child")
        children = self._run.children
        if children is None:
            raise WorkflowTesterError(f"{self._run.name} started a child, but this run has no child support")
        return await children.start(call)

    # --- continue-as-new, run info, logger, determinism, versioning (#12) ---------------------

    def continue_as_new(self, spec: MethodSpec, kwargs: dict[str, Any]) -> NoReturn:
        self._writable("continue_as_new")
        run = self._run
        received = spec.validate_received(through_json(kwargs, f"the arguments of {spec.qualname}"))
        call = ContinueAsNewCall(spec.name, received, run.run_number)
        run.settings.continued.append(call)
        raise ContinueAsNew(call)

    def info(self) -> WorkflowInfo:
        run = self._run
        return WorkflowInfo(
            workflow_id=run.workflow_id,
            run_id=f"{run.workflow_id}-run-{run.run_number}",
            workflow_type=run.definition.name,
            method=run.spec.name,
            namespace="default",
            task_queue="workflow-tester",
            attempt=1,
            start_time=run.started_at,
            parent_workflow_id=None,
            progress=_TesterProgress(run),
        )

    def is_replaying(self) -> bool:
        return False  # the tester runs each line once

    def uuid4(self) -> uuid.UUID:
        return uuid.UUID(int=self.random().getrandbits(128), version=4)

    def random(self) -> random.Random:
        run = self._run
        if run.rng is None:
            run.rng = random.Random(f"{run.settings.seed}-{run.workflow_id}-{run.run_number}")
        return run.rng

    def patched(self, patch_id: str) -> bool:
        return run_patch(self._run.settings.patches, patch_id)

    def deprecate_patch(self, patch_id: str) -> None:
        pass  # the run takes the new code path, which is all that is left

    def all_handlers_finished(self) -> bool:
        return self._run.handlers_running() == 0

    # --- local activities (#12) ---

    async def execute_local_activity(self, call: ActivityCall) -> Any:
        """A local activity runs on the same fakes, with the same retries, as ``exec``
        (``tester.calls`` records it with ``local=True``)."""
        self._writable("exec_local")
        run = self._run
        return await self._activities.execute(call, caller=run.spec.qualname, on_fatal=run.set_fatal)

    # --- search attributes (#13) ---

    def upsert_search_attributes(self, values: tuple[SearchAttributeValue[Any], ...]) -> None:
        self._writable("upsert_search_attributes")
        self._run.events += 1  # an UpsertWorkflowSearchAttributes event
        self._run.visibility.upsert(values)

    def search_attributes(self) -> SearchAttributes:
        return self._run.visibility.current()


def run_patch(patches: Mapping[str, bool], patch_id: str) -> bool:
    """The branch a tester run takes at ``patched(patch_id)``: the new one unless told otherwise."""
    return patches.get(patch_id, True)


@dataclass(frozen=True, slots=True)
class _TesterProgress:
    run: TesterRun

    def history_length(self) -> int:
        return self.run.events

    def continue_as_new_suggested(self) -> bool:
        return self.run.settings.continue_as_new_suggested

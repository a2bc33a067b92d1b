"""Workflows using continue-as-new, run info, the logger and the determinism helpers (#12).

Shared by the integration tests (real dev server, sandbox on) and the WorkflowTester tests.
"""

from __future__ import annotations

from pydantic import BaseModel

from temporal_runtime import Registry, Workflow, WorkflowRegistry, wf_signal, wf_update

workflows: WorkflowRegistry = Registry("workflow")


class Tally(BaseModel):
    iterations: int
    runs: int


class Counter(Workflow, name="rl_Counter", registry=workflows):
    """Counts to ``total``, a timer every 125 iterations, continuing as new every ``every``."""

    async def count(self, done: int, total: int, every: int, runs: int = 1) -> Tally:
        for _ in range(every):
            done += 1
            if done % 125 == 0:
                await self.sleep(0.001)
            if done >= total:
                return Tally(iterations=done, runs=runs)
        self.continue_as_new(Counter.count, done, total, every, runs + 1)


class Relay(Workflow, name="rl_Relay", registry=workflows):
    """``start`` continues as another entry method, ``finish``; ``broken`` passes a wrong argument."""

    async def start(self, label: str) -> str:
        self.continue_as_new(Relay.finish, f"{label} via {self.info.method}", hops=2)

    async def finish(self, label: str, hops: int = 1) -> str:
        return f"{label}, finished by {self.info.method} after {hops} hops"

    async def broken(self) -> str:
        self.continue_as_new(Relay.finish, "x", "not a number")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


class Report(BaseModel):
    workflow_id: str
    run_id: str
    workflow_type: str
    method: str
    namespace: str
    task_queue: str
    attempt: int
    history_grew: bool
    continue_as_new_suggested: bool
    parent_workflow_id: str | None
    first_uuid: str
    uuid_after: str
    random_before: float
    new_path: bool
    handlers_finished: bool


class Inspector(Workflow, name="rl_Inspector", registry=workflows):
    """Reports its info, logs around a wait for ``go`` (the worker may be replaced meanwhile)."""

    def __init__(self) -> None:
        self.released = False

    async def run(self, tag: str) -> Report:
        first = self.uuid4()
        number = self.random().random()
        before = self.info.history_length
        self.logger.info("before the wait %s uuid=%s random=%r", tag, first, number)
        await self.wait_until(lambda: self.released)
        await self.sleep(0.01)
        self.logger.info("after the wait %s", tag)
        info = self.info
        await self.wait_until(self.all_handlers_finished)
        return Report(
            workflow_id=info.workflow_id,
            run_id=info.run_id,
            workflow_type=info.workflow_type,
            method=info.method,
            namespace=info.namespace,
            task_queue=info.task_queue,
            attempt=info.attempt,
            history_grew=info.history_length > before,
            continue_as_new_suggested=info.continue_as_new_suggested,
            parent_workflow_id=info.parent_workflow_id,
            first_uuid=str(first),
            uuid_after=str(self.uuid4()),
            random_before=number,
            new_path=self.patched("rl-new-path"),
            handlers_finished=self.all_handlers_finished(),
        )

    @wf_signal()
    def go(self) -> None:
        self.released = True

    @wf_update()
    async def slow_update(self) -> bool:
        await self.sleep(0.05)
        return self.all_handlers_finished()  # False: this handler itself is still running

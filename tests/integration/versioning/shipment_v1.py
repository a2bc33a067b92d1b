"""Version 1 of the versioned workflow: one step, then it waits for release."""

from __future__ import annotations

from temporal_runtime import ActivityRegistry, Registry, Workflow, WorkflowRegistry, activity_def, wf_signal

workflows: WorkflowRegistry = Registry("workflow")
activities: ActivityRegistry = Registry("activity")


@activity_def("vs_old_step", registry=activities)
async def old_step() -> str:
    return "old path"


@activity_def("vs_new_step", registry=activities)
async def new_step() -> str:
    return "new path"


class Shipment(Workflow, name="vs_Shipment", registry=workflows):
    def __init__(self) -> None:
        self.released = False

    async def run(self) -> str:
        done = await self.exec(old_step, timeout=10)
        await self.wait_until(lambda: self.released)
        return done

    @wf_signal()
    def release(self) -> None:
        self.released = True

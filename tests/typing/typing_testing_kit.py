"""Static typing checks of the testing kit's WorkflowTester (checked by mypy and pyright, never run).

``assert_type`` fails type checking if an inferred type drifts; the ``# type: ignore`` lines are
negative cases that must stay errors for both checkers.
"""

from __future__ import annotations

from typing import Any, assert_type

from pydantic import BaseModel

import temporal_runtime.testing as kit_facade
import temporal_runtime_testing as kit
from temporal_runtime import Workflow, activity_def, wf_query, wf_signal, wf_update
from temporal_runtime.testing import ActivityCallRecord, WorkflowTester, WorkflowTesterHandle
from temporal_runtime_testing import ActivityTester, assert_replays, start_dev_server


class KitArgs(BaseModel):
    value: int


class KitOut(BaseModel):
    doubled: int


@activity_def("typing_kit_double", Args=KitArgs, Result=KitOut)
async def kit_double(args: KitArgs) -> KitOut:
    return KitOut(doubled=args.value * 2)


class KitWorkflow(Workflow):
    def __init__(self) -> None:
        self.seen = 0

    async def compute(self, args: KitArgs, factor: int = 1) -> KitOut:
        out = await self.exec(kit_double, args, timeout=5)
        self.seen += 1
        return KitOut(doubled=out.doubled * factor)

    async def label(self) -> str:
        return "kit"

    @wf_signal()
    def bump(self, by: int) -> None:
        self.seen += by

    @wf_query()
    def seen_so_far(self) -> int:
        return self.seen

    @wf_update()
    async def reset(self) -> bool:
        self.seen = 0
        return True


class KitOtherWorkflow(Workflow):
    async def other(self, args: KitArgs) -> int:
        return args.value


def _sync_fake(args: KitArgs) -> KitOut:
    return KitOut(doubled=args.value)


async def _async_fake(args: KitArgs) -> KitOut:
    return KitOut(doubled=args.value)


async def tester_types() -> None:
    tester = WorkflowTester(KitWorkflow, activities={kit_double: _sync_fake})
    assert_type(tester, WorkflowTester[KitWorkflow])

    assert_type(await tester.run(KitWorkflow.compute, KitArgs(value=1)), KitOut)
    assert_type(await tester.run(KitWorkflow.compute, KitArgs(value=1), factor=3), KitOut)
    assert_type(await tester.run(KitWorkflow.label), str)

    handle = await tester.start(KitWorkflow.compute, KitArgs(value=2))
    assert_type(handle, WorkflowTesterHandle[KitWorkflow, KitOut])
    assert_type(await handle.result(), KitOut)
    assert_type(await handle.result(timeout=60), KitOut)
    assert_type(handle.instance, KitWorkflow)
    assert_type(handle.instance.seen, int)
    assert_type(handle.done, bool)
    assert_type(handle.query("anything"), Any)
    await handle.signal(KitWorkflow.bump, 2)
    assert_type(handle.query(KitWorkflow.seen_so_far), int)
    assert_type(await handle.update(KitWorkflow.reset), bool)
    await handle.signal(KitWorkflow.bump, "two")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    handle.query(KitWorkflow.bump, 1)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]

    tester.fake(kit_double, _async_fake).fake(kit_double, KitOut(doubled=1)).fake(kit_double, ValueError)
    assert_type(tester.calls_to(kit_double), list[ActivityCallRecord[KitArgs]])
    assert_type(tester.calls_to(kit_double)[0].args, KitArgs)
    assert_type(tester.calls, list[ActivityCallRecord[Any]])

    # Negative cases: both checkers must reject them.
    await tester.run(KitWorkflow.compute, 42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await tester.run(KitOtherWorkflow.other, KitArgs(value=1))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    tester.fake(kit_double, "not a KitOut")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType, reportCallIssue]


async def lazy_names_keep_their_types() -> None:
    # The kit's package imports its names lazily (PEP 562); type checkers still see each of them,
    # and a misspelt one stays an error (the lazy ``__getattr__`` is hidden from them).
    assert kit.WorkflowTester is WorkflowTester
    assert kit_facade.ActivityCallRecord is ActivityCallRecord
    assert_type(kit.WorkflowTestr, Any)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    assert_type(kit_facade.TemporalTestServr, Any)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    assert_type(ActivityTester().heartbeats, list[tuple[Any, ...]])
    server = await start_dev_server()
    assert_type(server.address, str)
    assert_type(await assert_replays([], workflows=[KitWorkflow]), None)

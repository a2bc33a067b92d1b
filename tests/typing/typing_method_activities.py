"""Static typing checks of method activities and activity stubs (checked by mypy and pyright, never run).

``assert_type`` fails type checking if an inferred type drifts; the ``# type: ignore`` /
``# pyright: ignore`` lines are negative cases that must stay errors for both checkers (an ignore
that is no longer needed is itself an error).
"""

from __future__ import annotations

from typing import Any, assert_type

from pydantic import BaseModel

from temporal_runtime import (
    ActivityDefinition,
    MethodActivity,
    NoArgs,
    TemporalEngine,
    Workflow,
    activity_def,
    activity_stub,
)
from temporal_runtime.testing import ActivityTester, WorkflowTester


class Email(BaseModel):
    to: str


class Receipt(BaseModel):
    message_id: str


class ChargeArgs(BaseModel):
    cents: int


class Smtp:
    def send(self, to: str) -> str:
        return f"id-{to}"


class EmailActivities:
    def __init__(self, smtp: Smtp) -> None:
        self._smtp = smtp

    @activity_def("typing_meth.send", Args=Email)
    async def send(self, email: Email) -> Receipt:
        return Receipt(message_id=self._smtp.send(email.to))

    @activity_def("typing_meth.send_declared", Args=Email, Result=Receipt)
    async def send_declared(self, email: Email) -> Receipt:
        return Receipt(message_id=email.to)

    @activity_def("typing_meth.maybe", Args=str | None)
    async def maybe(self, text: str | None) -> int | None:
        return None if text is None else len(text)

    @activity_def("typing_meth.tick")
    async def tick(self) -> int:
        return 1

    @activity_def("typing_meth.tock", Result=Receipt)
    async def tock(self) -> Receipt:
        return Receipt(message_id="tock")


charge = activity_stub("typing_meth.charge", Args=ChargeArgs, Result=Receipt)
charge_untyped = activity_stub("typing_meth.charge_json", Args=ChargeArgs)
ping = activity_stub("typing_meth.ping", Result=int)
ping_untyped = activity_stub("typing_meth.ping_json")
optional: ActivityDefinition[str | None, Receipt] = activity_stub(
    "typing_meth.optional", Args=str | None, Result=Receipt
)

# --- class access: the handle workflows exec ---
assert_type(EmailActivities.send, MethodActivity[Email, Receipt])
assert_type(EmailActivities.send_declared, MethodActivity[Email, Receipt])
assert_type(EmailActivities.maybe, MethodActivity[str | None, int | None])
assert_type(EmailActivities.tick, MethodActivity[NoArgs, int])
assert_type(EmailActivities.tock, MethodActivity[NoArgs, Receipt])
send_handle: ActivityDefinition[Email, Receipt] = EmailActivities.send

# --- stubs ---
assert_type(charge, ActivityDefinition[ChargeArgs, Receipt])
assert_type(charge_untyped, ActivityDefinition[ChargeArgs, Any])
assert_type(ping, ActivityDefinition[NoArgs, int])
assert_type(ping_untyped, ActivityDefinition[NoArgs, Any])

# --- the engine takes the instances ---
engine = TemporalEngine(activity_instances=[EmailActivities(Smtp())])
assert_type(engine, TemporalEngine)


class MailWorkflow(Workflow):
    async def run(self, email: Email) -> str:
        assert_type(await self.exec(EmailActivities.send, email, timeout=10), Receipt)
        assert_type(await self.exec(EmailActivities.send_declared, email, timeout=10), Receipt)
        assert_type(await self.exec(EmailActivities.maybe, None, timeout=10), int | None)
        assert_type(await self.exec(EmailActivities.tick, timeout=10), int)
        assert_type(await self.exec(EmailActivities.tock, timeout=10), Receipt)
        assert_type(await self.exec(charge, ChargeArgs(cents=5), timeout=10), Receipt)
        assert_type(await self.exec(charge_untyped, ChargeArgs(cents=5), timeout=10), Any)
        assert_type(await self.exec(ping, timeout=10), int)
        assert_type(await self.exec(ping_untyped, timeout=10), Any)
        assert_type(await self.exec(optional, None, timeout=10), Receipt)

        # --- negative cases: errors in both checkers ---
        await self.exec(EmailActivities.send, 5, timeout=10)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
        await self.exec(EmailActivities.send, timeout=10)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        await self.exec(EmailActivities.tick, email, timeout=10)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
        await self.exec(charge, email, timeout=10)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
        await self.exec(ping, 1, timeout=10)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
        return "sent"


async def in_process() -> None:
    activities = EmailActivities(Smtp())
    # --- instance access: the activity bound to the instance, run directly ---
    assert_type(activities.send, ActivityDefinition[Email, Receipt])
    assert_type(activities.tick, ActivityDefinition[NoArgs, int])
    assert_type(await activities.send(Email(to="a")), Receipt)
    assert_type(await activities.maybe("x"), int | None)
    assert_type(await activities.tick(), int)
    assert_type(await activities.tock(), Receipt)

    # --- negative cases ---
    await activities.send(5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await activities.tick(1)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
    await charge(Email(to="a"))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await ping(1)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]


async def in_the_kit() -> None:
    activities = EmailActivities(Smtp())
    tester = ActivityTester()
    assert_type(await tester.run(activities.send, Email(to="a")), Receipt)
    assert_type(await tester.run(activities.send, {"to": "a"}), Receipt)
    assert_type(await tester.run(activities.tick), int)
    await tester.run(activities.send, 5)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]

    wf = WorkflowTester(MailWorkflow)
    wf.fake(EmailActivities.send, Receipt(message_id="fake"))
    wf.fake(EmailActivities.send, lambda email: Receipt(message_id=email.to))
    wf.fake(EmailActivities.send, activities.send)  # the real method, on an instance
    wf.fake(EmailActivities.tick, lambda: 2)
    wf.fake(charge, Receipt(message_id="charged"))
    wf.fake(ping, lambda: 3)

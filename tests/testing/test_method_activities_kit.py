"""The testing kit with method activities (run on an instance) and activity stubs (faked only)."""

from __future__ import annotations

from typing import Any, assert_type

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ActivityDefinition,
    ActivityFailedError,
    ActivityNotRegisteredError,
    DefinitionError,
    Registry,
    Workflow,
    activity_def,
    activity_stub,
    heartbeat,
)
from temporal_runtime.testing import ActivityTester, MissingFakeError, WorkflowTester

# Not the default registry: an engine serving everything registered would need an instance.
REGISTRY: Registry[ActivityDefinition[Any, Any]] = Registry("activity")


class KitEmail(BaseModel):
    to: str


class KitReceipt(BaseModel):
    message_id: str


class KitCharge(BaseModel):
    cents: int


class Mailbox:
    def __init__(self) -> None:
        self.sent: list[str] = []


class KitEmailActivities:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    @activity_def("kit_meth.send", Args=KitEmail, registry=REGISTRY)
    async def send(self, email: KitEmail) -> KitReceipt:
        self.mailbox.sent.append(email.to)
        return KitReceipt(message_id=f"m-{len(self.mailbox.sent)}")

    @activity_def("kit_meth.count", registry=REGISTRY)
    async def count(self) -> int:
        return len(self.mailbox.sent)

    @activity_def("kit_meth.drain", registry=REGISTRY)
    async def drain(self) -> list[str]:
        drained: list[str] = []
        while self.mailbox.sent:
            drained.append(self.mailbox.sent.pop(0))
            heartbeat(len(drained))
        return drained


kit_charge = activity_stub("kit_meth.charge", Args=KitCharge, Result=KitReceipt)
kit_ping = activity_stub("kit_meth.ping", Result=int)


class KitMailWorkflow(Workflow):
    async def run(self, to: str) -> str:
        receipt = await self.exec(KitEmailActivities.send, KitEmail(to=to), timeout=10)
        count = await self.exec(KitEmailActivities.count, timeout=10)
        charged = await self.exec(kit_charge, KitCharge(cents=count), timeout=10)
        pings = await self.exec(kit_ping, timeout=10)
        return f"{receipt.message_id}:{count}:{charged.message_id}:{pings}"


# --- ActivityTester -----------------------------------------------------------------------------------


async def test_activity_tester_runs_a_method_activity_bound_to_an_instance() -> None:
    activities = KitEmailActivities(Mailbox())
    tester = ActivityTester()
    receipt = await tester.run(activities.send, {"to": "a@x"})
    assert_type(receipt, KitReceipt)
    assert receipt == KitReceipt(message_id="m-1")
    assert activities.mailbox.sent == ["a@x"]
    assert await tester.run(activities.count) == 1
    await tester.run(activities.send, KitEmail(to="b@x"))
    assert await tester.run(activities.drain) == ["a@x", "b@x"]
    assert tester.heartbeats == [(1,), (2,)]
    assert activities.mailbox.sent == []


async def test_activity_tester_refuses_the_class_handle_and_says_to_bind_it() -> None:
    with pytest.raises(DefinitionError) as info:
        await ActivityTester().run(KitEmailActivities.send, KitEmail(to="a"))
    assert "KitEmailActivities.send is a method activity" in str(info.value)
    assert "ActivityTester().run(instance.send, KitEmail value)" in str(info.value)


async def test_activity_tester_refuses_a_stub() -> None:
    with pytest.raises(ActivityNotRegisteredError, match=r"'kit_meth\.charge' is a stub"):
        await ActivityTester().run(kit_charge, KitCharge(cents=1))


# --- WorkflowTester ---------------------------------------------------------------------------------


async def test_workflow_tester_fakes_method_activities_and_stubs_by_their_handles() -> None:
    def fake_send(email: KitEmail) -> KitReceipt:
        return KitReceipt(message_id=f"fake-{email.to}")

    def fake_charge(charge: KitCharge) -> dict[str, str]:
        return {"message_id": f"charged-{charge.cents}"}

    tester = WorkflowTester(
        KitMailWorkflow,
        activities={
            KitEmailActivities.send: fake_send,
            KitEmailActivities.count: 3,
            kit_charge: fake_charge,
            kit_ping: 7,
        },
    )
    assert await tester.run(KitMailWorkflow.run, "a") == "fake-a:3:charged-3:7"
    assert [c.name for c in tester.calls] == [
        "kit_meth.send",
        "kit_meth.count",
        "kit_meth.charge",
        "kit_meth.ping",
    ]
    assert tester.calls[0].activity is KitEmailActivities.send


async def test_a_bound_method_activity_is_a_fake_that_runs_the_real_method() -> None:
    mailbox = Mailbox()
    activities = KitEmailActivities(mailbox)
    tester = WorkflowTester(KitMailWorkflow)
    tester.fake(KitEmailActivities.send, activities.send)
    tester.fake(KitEmailActivities.count, activities.count)
    tester.fake(kit_charge, KitReceipt(message_id="c"))
    tester.fake(kit_ping, lambda: 0)
    assert await tester.run(KitMailWorkflow.run, "b@x") == "m-1:1:c:0"
    assert mailbox.sent == ["b@x"]


def test_the_class_handle_or_a_stub_as_a_fake_is_refused() -> None:
    tester = WorkflowTester(KitMailWorkflow)
    with pytest.raises(DefinitionError, match=r"cannot be <method activity 'kit_meth\.send'.*instance"):
        tester.fake(KitEmailActivities.send, KitEmailActivities.send)
    with pytest.raises(DefinitionError, match=r"'kit_meth\.charge' cannot be <activity stub.*is a stub"):
        tester.fake(kit_charge, kit_charge)


async def test_a_stub_without_a_fake_says_it_is_a_stub_to_fake() -> None:
    tester = WorkflowTester(
        KitMailWorkflow,
        activities={KitEmailActivities.send: KitReceipt(message_id="m"), KitEmailActivities.count: 1},
    )
    with pytest.raises(MissingFakeError) as info:
        await tester.run(KitMailWorkflow.run, "a")
    message = str(info.value)
    assert info.value.activity_name == "kit_meth.charge"
    assert "It is a stub (served by another process), so the tester can only fake it" in message
    assert (
        f"activity_stub('kit_meth.charge', ...) returned ({__name__}.activity_stub('kit_meth.charge'))"
        in message
    )
    assert "a function taking KitCharge" in message


async def test_a_method_activity_without_a_fake_names_the_handle_and_the_bound_form() -> None:
    with pytest.raises(MissingFakeError) as info:
        await WorkflowTester(KitMailWorkflow).run(KitMailWorkflow.run, "a")
    message = str(info.value)
    assert "<handle> is the method activity KitEmailActivities.send" in message
    assert "{KitEmailActivities.send: KitEmailActivities(...).send}" in message


async def test_a_failing_fake_of_a_method_activity_is_an_activity_failure() -> None:
    async def fail(email: KitEmail) -> KitReceipt:
        raise ValueError(f"smtp down for {email.to}")

    tester = WorkflowTester(KitMailWorkflow, activities={KitEmailActivities.send: fail})
    with pytest.raises(ActivityFailedError, match="smtp down for a"):
        await tester.run(KitMailWorkflow.run, "a")

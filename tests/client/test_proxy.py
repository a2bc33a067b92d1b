"""``WorkflowProxy`` without a server: entry-method lookup and the calls it makes on its client.

``RecordingClient`` stands in for our own ``WorkflowClient`` (not for anything of Temporal's): it
records the calls the proxy makes, so these tests check what the proxy asks for, and the integration
tests check what the client then does with a real server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import pytest
from pydantic import BaseModel

from temporal_runtime_client import StartOptions, WorkflowProxy
from temporal_runtime_core import (
    DefinitionError,
    IdConflictPolicy,
    InvalidOptionError,
    Registry,
    UnknownMethodError,
)
from temporal_runtime_workflow import Workflow, wf_query, wf_signal

if TYPE_CHECKING:
    from temporal_runtime_client import WorkflowClient


class Order(BaseModel):
    order_id: str


class ProxyOrders(Workflow, registry=Registry("workflow")):
    def __init__(self) -> None:
        self._paid = False

    async def process(self, order: Order, note: str = "") -> str:
        return order.order_id

    async def refund(self, order: Order) -> None:
        return None

    @wf_signal()
    async def pay(self) -> None:
        self._paid = True

    @wf_query()
    def paid(self) -> bool:
        return self._paid


@dataclass
class Call:
    kind: str
    workflow: type[Workflow]
    method: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] | None
    options: StartOptions | None


@dataclass
class RecordingClient:
    """Answers ``start_method``/``execute_method`` like ``WorkflowClient`` and records each call."""

    calls: list[Call] = field(default_factory=list[Call])

    async def start_method(
        self,
        workflow: type[Workflow],
        method: str,
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
        options: StartOptions | None = None,
    ) -> str:
        self.calls.append(Call("start", workflow, method, args, kwargs, options))
        return f"handle of {method}"

    async def execute_method(
        self,
        workflow: type[Workflow],
        method: str,
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
        options: StartOptions | None = None,
    ) -> str:
        self.calls.append(Call("execute", workflow, method, args, kwargs, options))
        return f"result of {method}"


def _proxy(client: RecordingClient, options: StartOptions | None = None) -> WorkflowProxy:
    return WorkflowProxy(lambda: cast("WorkflowClient", client), ProxyOrders, options)


ORDER = Order(order_id="o-1")


async def test_calling_an_entry_method_executes_it_with_the_call_as_given() -> None:
    client = RecordingClient()
    proxy = _proxy(client)
    assert await proxy.process(ORDER, note="rush") == "result of process"
    assert client.calls == [
        Call("execute", ProxyOrders, "process", (ORDER,), {"note": "rush"}, StartOptions())
    ]
    assert proxy.process.__name__ == "process"


async def test_async_starts_and_returns_the_clients_handle() -> None:
    client = RecordingClient()
    handle: object = await _proxy(client).async_.refund(ORDER)
    assert handle == "handle of refund"
    assert client.calls == [Call("start", ProxyOrders, "refund", (ORDER,), {}, StartOptions())]


async def test_after_starts_with_a_delay() -> None:
    client = RecordingClient()
    await _proxy(client).after(timedelta(hours=1)).process(ORDER)
    [call] = client.calls
    assert (call.kind, call.method) == ("start", "process")
    assert call.options == StartOptions(start_delay=timedelta(hours=1))


@pytest.mark.parametrize("delay", [0, -5, "soon", True])
def test_after_rejects_a_bad_delay_at_once(delay: Any) -> None:
    client = RecordingClient()
    with pytest.raises(InvalidOptionError, match="after"):
        _proxy(client).after(delay)
    assert client.calls == []


async def test_options_apply_to_every_call_of_the_new_proxy_only() -> None:
    client = RecordingClient()
    proxy = _proxy(client)
    configured = proxy.options(id="order-o-1", id_conflict_policy=IdConflictPolicy.USE_EXISTING)
    assert isinstance(configured, WorkflowProxy)
    await configured.process(ORDER)
    await configured.after(60).refund(ORDER)
    await configured.async_.process(ORDER)
    await proxy.process(ORDER)
    expected = StartOptions(id="order-o-1", id_conflict_policy=IdConflictPolicy.USE_EXISTING)
    assert [c.options for c in client.calls] == [
        expected,
        StartOptions(id="order-o-1", id_conflict_policy=IdConflictPolicy.USE_EXISTING, start_delay=60),
        expected,
        StartOptions(),
    ]
    assert [c.kind for c in client.calls] == ["execute", "start", "start", "execute"]


def test_options_none_keeps_the_current_setting_and_unknown_options_are_rejected() -> None:
    client = RecordingClient()
    proxy = _proxy(client, StartOptions(id="fixed"))
    assert proxy.options(id=None, execution_timeout=30)._options == StartOptions(  # pyright: ignore[reportPrivateUsage]
        id="fixed", execution_timeout=30
    )
    with pytest.raises(InvalidOptionError, match=r"Unknown start option\(s\): workflow_id"):
        proxy.options(workflow_id="x")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]


async def test_an_unknown_method_names_the_entry_methods() -> None:
    client = RecordingClient()
    proxy = _proxy(client)
    with pytest.raises(
        UnknownMethodError, match=r"no entry method 'proces'; entry methods are: process, refund"
    ):
        proxy.proces  # noqa: B018
    with pytest.raises(
        UnknownMethodError,
        match=r"ProxyOrders.pay is a signal handler, not an entry method"
        r".*handle\.signal\(ProxyOrders\.pay, \.\.\.\)",
    ):
        proxy.async_.pay  # noqa: B018
    assert not hasattr(proxy, "paid")  # UnknownMethodError is an AttributeError
    assert client.calls == []


def test_dunder_lookups_are_plain_attribute_errors() -> None:
    proxy = _proxy(RecordingClient())
    with pytest.raises(AttributeError) as info:
        proxy.__wrapped__  # noqa: B018
    assert not isinstance(info.value, UnknownMethodError)


def test_dir_and_repr() -> None:
    proxy = _proxy(RecordingClient())
    assert dir(proxy) == ["process", "refund"]
    assert dir(proxy.async_) == ["process", "refund"]
    assert repr(proxy) == "<WorkflowProxy 'ProxyOrders'>"


async def test_the_client_is_looked_up_at_call_time() -> None:
    clients: list[RecordingClient] = []
    proxy = WorkflowProxy(lambda: cast("WorkflowClient", clients[-1]), ProxyOrders)  # no client yet
    clients.append(RecordingClient())
    await proxy.process(ORDER)
    assert len(clients[0].calls) == 1


def test_a_class_that_is_not_a_workflow_is_rejected() -> None:
    with pytest.raises(DefinitionError, match="is not a runnable workflow"):
        WorkflowProxy(lambda: cast("WorkflowClient", RecordingClient()), cast("type[Workflow]", Order))

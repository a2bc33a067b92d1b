"""Signal-with-start and update-with-start on the real dev server: idempotent "create or message"
calls (the first starts the run and delivers the message, the next ones message the running run),
through the proxy and the engine, with both sets of arguments validated before sending."""

from __future__ import annotations

import uuid

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    IdConflictPolicy,
    InvalidArgumentsError,
    InvalidOptionError,
    MethodHandle,
    TemporalEngine,
    UnknownMethodError,
    UpdateFailedError,
    Workflow,
    WorkflowAlreadyStartedError,
    WorkflowNotFoundError,
    wf_query,
    wf_signal,
    wf_update,
)

pytestmark = pytest.mark.integration


class Cart(BaseModel):
    customer: str


class Item(BaseModel):
    sku: str
    quantity: int = 1


class CartWorkflow(Workflow):
    def __init__(self) -> None:
        self.items: list[Item] = []
        self.checked_out = False

    async def run(self, cart: Cart) -> list[str]:
        await self.wait_until(lambda: self.checked_out)
        return [f"{cart.customer}:{item.sku}x{item.quantity}" for item in self.items]

    @wf_update()
    def add_item(self, item: Item) -> int:
        self.items.append(item)
        return len(self.items)

    @add_item.validator
    def _check_item(self, item: Item) -> None:
        if item.quantity <= 0:
            raise ValueError("quantity must be positive")

    @wf_signal()
    def add_quietly(self, item: Item) -> None:
        self.items.append(item)

    @wf_signal()
    def checkout(self) -> None:
        self.checked_out = True

    @wf_query()
    def count(self) -> int:
        return len(self.items)


class OtherWorkflow(Workflow):
    async def run(self) -> None:
        return None

    @wf_update()
    def add_item(self, item: Item) -> int:
        return 0


def _cart_id() -> str:
    return f"cart-{uuid.uuid4().hex[:8]}"


async def test_update_with_start_creates_then_updates_the_same_run(engine: TemporalEngine) -> None:
    cart_id = _cart_id()
    proxy = CartWorkflow.client(engine).options(id=cart_id, id_conflict_policy=IdConflictPolicy.USE_EXISTING)
    first = await proxy.with_start(CartWorkflow.run, Cart(customer="ada")).update(
        CartWorkflow.add_item, Item(sku="tea")
    )
    assert first == 1
    handle = engine.get_handle_for(CartWorkflow.run, cart_id)
    run_id = (await handle.describe()).run_id
    second = await proxy.with_start(CartWorkflow.run, Cart(customer="ada")).update(
        CartWorkflow.add_item, Item(sku="jam", quantity=2)
    )
    assert second == 2  # the running run got it: no second run
    uh = await proxy.with_start(CartWorkflow.run, Cart(customer="ada")).start_update(
        CartWorkflow.add_item, Item(sku="bread")
    )
    assert await uh.result(timeout=20) == 3
    assert (await handle.describe()).run_id == run_id
    await handle.signal(CartWorkflow.checkout)
    assert await handle.result(timeout=20) == ["ada:teax1", "ada:jamx2", "ada:breadx1"]


async def test_update_with_start_by_engine_defaults_to_use_existing(engine: TemporalEngine) -> None:
    cart_id = _cart_id()
    start = engine.with_start(CartWorkflow.run, Cart(customer="bo"), id=cart_id)
    assert start.id == cart_id
    assert await start.update(CartWorkflow.add_item, Item(sku="tea")) == 1
    again = engine.with_start(CartWorkflow.run, Cart(customer="bo"), id=cart_id)
    assert await again.update(CartWorkflow.add_item, Item(sku="jam")) == 2
    await engine.signal(cart_id, CartWorkflow.checkout)
    assert await engine.get_handle_for(CartWorkflow.run, cart_id).result(timeout=20) == [
        "bo:teax1",
        "bo:jamx1",
    ]


async def test_a_rejected_update_with_start_raises(engine: TemporalEngine) -> None:
    cart_id = _cart_id()
    start = engine.with_start(CartWorkflow.run, Cart(customer="cy"), id=cart_id)
    with pytest.raises(UpdateFailedError, match="quantity must be positive"):
        await start.update(CartWorkflow.add_item, Item(sku="tea", quantity=0))
    with pytest.raises(UpdateFailedError, match="quantity must be positive"):
        await start.start_update(CartWorkflow.add_item, Item(sku="tea", quantity=0))
    handle = engine.get_handle_for(CartWorkflow.run, cart_id)
    assert await handle.query(CartWorkflow.count) == 0  # the run started; the update left nothing
    await handle.terminate("test over")


async def test_update_with_start_and_fail_policy_refuses_a_running_run(engine: TemporalEngine) -> None:
    cart_id = _cart_id()
    start = engine.with_start(
        CartWorkflow.run, Cart(customer="di"), id=cart_id, id_conflict_policy=IdConflictPolicy.FAIL
    )
    assert await start.update(CartWorkflow.add_item, Item(sku="tea")) == 1
    with pytest.raises(WorkflowAlreadyStartedError):
        await start.update(CartWorkflow.add_item, Item(sku="jam"))
    await engine.terminate(cart_id, "test over")


async def test_signal_with_start_creates_then_signals_the_same_run(engine: TemporalEngine) -> None:
    cart_id = _cart_id()
    proxy = CartWorkflow.client(engine).options(id=cart_id)
    handle = await proxy.with_start(CartWorkflow.run, Cart(customer="ed")).signal(
        CartWorkflow.add_quietly, Item(sku="tea")
    )
    assert isinstance(handle, MethodHandle)
    assert handle.id == cart_id
    again = await engine.with_start(CartWorkflow.run, Cart(customer="ed"), id=cart_id).signal(
        CartWorkflow.add_quietly, Item(sku="jam")
    )
    assert again.run_id == handle.run_id  # the same run got the second signal
    assert await handle.query(CartWorkflow.count) == 2
    await handle.signal(CartWorkflow.checkout)
    assert await handle.result(timeout=20) == ["ed:teax1", "ed:jamx1"]


async def test_arguments_are_validated_before_anything_is_sent(engine: TemporalEngine) -> None:
    cart_id = _cart_id()
    proxy = CartWorkflow.client(engine).options(id=cart_id)
    with pytest.raises(InvalidArgumentsError, match="cart"):
        proxy.with_start(CartWorkflow.run, {"nobody": 1})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    start = proxy.with_start(CartWorkflow.run, Cart(customer="fay"))
    with pytest.raises(InvalidArgumentsError, match="item"):
        await start.update(CartWorkflow.add_item, {"sku": 3, "quantity": "many"})  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    with pytest.raises(InvalidArgumentsError, match="item"):
        await start.signal(CartWorkflow.add_quietly, "tea")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    with pytest.raises(UnknownMethodError, match="not a handler of workflow"):
        await start.update(OtherWorkflow.add_item, Item(sku="tea"))  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    with pytest.raises(UnknownMethodError, match="is a signal handler, not a update handler"):
        await start.update(CartWorkflow.add_quietly, Item(sku="tea"))  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    with pytest.raises(UnknownMethodError, match="not an entry method of CartWorkflow"):
        proxy.with_start(OtherWorkflow.run)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(InvalidOptionError, match="needs the workflow id"):
        CartWorkflow.client(engine).with_start(CartWorkflow.run, Cart(customer="fay"))
    with pytest.raises(InvalidOptionError, match="needs the workflow id"):
        engine.with_start(CartWorkflow.run, Cart(customer="fay"))
    with pytest.raises(WorkflowNotFoundError):  # nothing was started
        await engine.describe(cart_id)


# --- the start_signal= option (#13) ----------------------------------------------------------------
async def test_the_start_signal_option_signals_with_start_through_the_proxy_and_the_engine(
    engine: TemporalEngine,
) -> None:
    cart_id = f"cart-opt-{uuid.uuid4().hex[:8]}"
    handle = await (
        CartWorkflow.client(engine)
        .options(
            id=cart_id,
            id_conflict_policy=IdConflictPolicy.USE_EXISTING,
            start_signal=CartWorkflow.add_quietly,
            start_signal_args=[Item(sku="apple")],
        )
        .async_(CartWorkflow.run, Cart(customer="ada"))
    )
    again = await engine.start_workflow(  # the running cart gets the signal, by name this time
        CartWorkflow.run,
        Cart(customer="ada"),
        id=cart_id,
        id_conflict_policy=IdConflictPolicy.USE_EXISTING,
        start_signal="add_quietly",
        start_signal_args=[Item(sku="pear", quantity=2)],
    )
    assert again.run_id == handle.run_id
    await handle.signal(CartWorkflow.checkout)
    assert await handle.result() == ["ada:applex1", "ada:pearx2"]


async def test_the_start_signal_option_is_checked_before_anything_is_sent(engine: TemporalEngine) -> None:
    cart_id = f"cart-bad-{uuid.uuid4().hex[:8]}"
    proxy = CartWorkflow.client(engine)
    with pytest.raises(InvalidArgumentsError, match="add_quietly"):
        await proxy.options(id=cart_id, start_signal=CartWorkflow.add_quietly, start_signal_args=[]).async_(
            CartWorkflow.run, Cart(customer="ada")
        )
    with pytest.raises(UnknownMethodError, match="is a query handler, not a signal handler"):
        proxy.options(id=cart_id, start_signal=CartWorkflow.count)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(UnknownMethodError, match="no_such_signal"):
        await proxy.options(id=cart_id, start_signal="no_such_signal").async_(
            CartWorkflow.run, Cart(customer="a")
        )
    with pytest.raises(InvalidOptionError, match="start_signal_args= without start_signal="):
        proxy.options(id=cart_id, start_signal_args=[Item(sku="x")])
    with pytest.raises(InvalidOptionError, match="leave out the start_signal= option"):
        proxy.options(id=cart_id, start_signal=CartWorkflow.checkout).with_start(
            CartWorkflow.run, Cart(customer="a")
        )
    with pytest.raises(WorkflowNotFoundError):  # nothing was started by any of these
        await engine.get_handle_for(CartWorkflow.run, cart_id).describe()

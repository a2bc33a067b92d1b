"""Static typing of update validators and of signal-with-start / update-with-start (mypy --strict and
pyright strict check this file; it is never run).

Each ``# type: ignore[code]  # pyright: ignore[rule]`` line is a mistake that must stay an error in
both checkers (an ignore that is no longer needed is itself an error in both).
"""

from __future__ import annotations

from typing import Any, assert_type

from pydantic import BaseModel

from temporal_runtime import (
    IdConflictPolicy,
    MethodHandle,
    TemporalEngine,
    UpdateHandle,
    WithStart,
    Workflow,
    wf_signal,
    wf_update,
)


class Item(BaseModel):
    sku: str


class Cart(BaseModel):
    customer: str


class CartWorkflow(Workflow):
    def __init__(self) -> None:
        self.items: list[Item] = []
        self.limit = 10

    async def run(self, cart: Cart) -> list[str]:
        return [item.sku for item in self.items]

    async def restore(self, cart: Cart, items: list[Item]) -> int:
        return len(items)

    @wf_update()
    async def add_item(self, item: Item) -> int:
        self.items.append(item)
        return len(self.items)

    @add_item.validator
    def _check_item(self, item: Item) -> None:
        if not item.sku:
            raise ValueError("sku required")

    @wf_update("set_limit")
    def set_limit(self, limit: int, reason: str = "") -> bool:
        self.limit = limit
        return True

    @set_limit.validator
    def check_limit(self, limit: int, reason: str = "") -> None:
        if limit < 0:
            raise ValueError("limit must be >= 0")

    @wf_signal()
    def add_quietly(self, item: Item) -> None:
        self.items.append(item)

    # --- validators that do not fit are type errors ---

    @wf_update()
    def bump(self, by: int) -> int:
        return by

    @bump.validator  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    def _bump_wrong_type(self, by: str) -> None: ...

    @bump.validator  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    def _bump_missing(self) -> None: ...

    @bump.validator  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    def _bump_renamed(self, amount: int) -> None: ...

    @bump.validator  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    def _bump_answers(self, by: int) -> bool:
        return True


class OtherWorkflow(Workflow):
    async def run(self) -> None:
        return None

    @wf_update()
    async def add_item(self, item: Item) -> int:
        return 0

    @wf_signal()
    def add_quietly(self, item: Item) -> None:
        pass


def validators() -> None:
    # The decorator keeps the validator a plain method (unit tests call it directly).
    wf = CartWorkflow()
    assert_type(wf.check_limit(5), None)
    assert_type(wf.check_limit(5, "why"), None)
    wf.check_limit("five")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

    # What the validator decorator returns is the validator, typed as written.
    def outside(wf: CartWorkflow, by: int) -> None: ...

    assert_type(CartWorkflow.bump.validator(outside)(wf, 3), None)


async def with_start(engine: TemporalEngine, cart: Cart, item: Item) -> None:
    proxy = CartWorkflow.client(engine).options(id="cart-7", id_conflict_policy=IdConflictPolicy.USE_EXISTING)
    start = proxy.with_start(CartWorkflow.run, cart)
    assert_type(start, WithStart[list[str], CartWorkflow])
    assert_type(start.id, str)
    assert_type(await start.update(CartWorkflow.add_item, item), int)
    assert_type(await start.update(CartWorkflow.set_limit, 3, reason="sale"), bool)
    assert_type(await start.update("add_item", item), Any)
    assert_type(await start.start_update(CartWorkflow.add_item, item), UpdateHandle[int])
    assert_type(await start.start_update("add_item", item), UpdateHandle[Any])
    assert_type(await start.signal(CartWorkflow.add_quietly, item), MethodHandle[list[str], CartWorkflow])
    assert_type(await start.signal("add_quietly", item), MethodHandle[list[str], CartWorkflow])
    assert_type(proxy.with_start(CartWorkflow.restore, cart, [item]), WithStart[int, CartWorkflow])

    by_engine = engine.with_start(CartWorkflow.run, cart, id="cart-7")
    assert_type(by_engine, WithStart[list[str], CartWorkflow])
    assert_type(await by_engine.update(CartWorkflow.add_item, item), int)
    assert_type(engine.with_start(OtherWorkflow.run, id="o"), WithStart[None, OtherWorkflow])
    assert_type(
        engine.with_start(CartWorkflow.restore, cart, [item], id="c", execution_timeout=60),
        WithStart[int, CartWorkflow],
    )

    # Mistakes: a wrong start argument, another class's entry method or handler, a handler of the
    # wrong kind, a wrong message argument, a misspelled option.
    proxy.with_start(CartWorkflow.run, item)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    proxy.with_start(CartWorkflow.run)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    proxy.with_start(OtherWorkflow.run)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    engine.with_start(CartWorkflow.run, item, id="c")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    engine.with_start(CartWorkflow.run, cart, idd="c")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    await start.update(OtherWorkflow.add_item, item)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await start.update(CartWorkflow.add_item, cart)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await start.update(CartWorkflow.add_quietly, item)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await start.signal(OtherWorkflow.add_quietly, item)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await start.signal(CartWorkflow.add_item, item)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await start.start_update(CartWorkflow.set_limit, "three")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]

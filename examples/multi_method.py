"""Multiple entry methods on one workflow class.

What it shows (the design's "Multiple Methods per Workflow"):

* every public ``async def`` of a ``Workflow`` subclass is an entry method; each call starts an
  independent workflow run of that method (same workflow type, its own id and its own result type);
* each method has its own pair of pydantic DTOs, and the client proxy keeps the signatures, so
  ``await wf.method_a(InputA(...))`` is typed ``OutputA``;
* three styles of calling: immediate (``wf.method_a``), with per-call start options
  (``wf.options(id=..., execution_timeout=...).method_b``) and async
  (``wf.async_(MultiMethodWorkflow.method_c, ...)``, which returns a ``MethodHandle[OutputC, ...]``).

    python examples/multi_method.py
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from pydantic import BaseModel, Field

from temporal_runtime import TemporalEngine, Workflow, WorkflowStatus, activity_def


# --- DTOs: one input/output pair per method ---------------------------------------------------------
class InputA(BaseModel):
    """Word statistics for a text."""

    text: str


class OutputA(BaseModel):
    words: int
    longest: str


class InputB(BaseModel):
    """Price of a basket, with a discount."""

    prices_cents: list[int] = Field(min_length=1)
    discount_percent: int = Field(default=0, ge=0, le=100)


class OutputB(BaseModel):
    total_cents: int
    saved_cents: int


class InputC(BaseModel):
    """A greeting for several people."""

    names: list[str]
    greeting: str = "Hello"


class OutputC(BaseModel):
    lines: list[str]


class Basket(BaseModel):
    prices_cents: list[int]


# --- activities ------------------------------------------------------------------------------------
@activity_def("multi_sum_prices", Args=Basket)
async def sum_prices(basket: Basket) -> int:
    """Returns a primitive, so no ``Result=`` is declared."""
    return sum(basket.prices_cents)


@activity_def("multi_greet", Args=InputC, Result=OutputC)
async def greet(args: InputC) -> OutputC:
    return OutputC(lines=[f"{args.greeting}, {name}!" for name in args.names])


# --- the workflow ----------------------------------------------------------------------------------
class MultiMethodWorkflow(Workflow):
    async def method_a(self, a: InputA) -> OutputA:
        # No activity needed: pure, deterministic computation can live in the workflow.
        words = a.text.split()
        return OutputA(words=len(words), longest=max(words, key=len, default=""))

    async def method_b(self, b: InputB) -> OutputB:
        total = await self.exec(sum_prices, Basket(prices_cents=b.prices_cents), timeout=30)
        saved = total * b.discount_percent // 100
        return OutputB(total_cents=total - saved, saved_cents=saved)

    async def method_c(self, c: InputC) -> OutputC:
        return await self.exec(greet, c, timeout=30)


# --- running it ------------------------------------------------------------------------------------
class MultiMethodResults(BaseModel):
    result_a: OutputA
    result_b: OutputB
    result_c: OutputC
    id_b: str
    id_c: str
    status_c: WorkflowStatus


async def run_methods(engine: TemporalEngine) -> MultiMethodResults:
    wf = MultiMethodWorkflow.client(engine)

    result_a = await wf.method_a(InputA(text="durable execution for plain python classes"))
    print(f"method_a: {result_a.model_dump_json()}")

    id_b = f"basket-{uuid.uuid4().hex[:8]}"
    result_b = await wf.options(id=id_b, execution_timeout=60).method_b(
        InputB(prices_cents=[1999, 500, 250], discount_percent=10)
    )
    print(f"method_b: {result_b.model_dump_json()} (workflow id {id_b})")

    handle_c = await wf.async_(
        MultiMethodWorkflow.method_c, InputC(names=["Ada", "Grace"], greeting="Welcome")
    )
    result_c = await handle_c.result(timeout=30)
    status_c = await handle_c.status()
    print(f"method_c: {result_c.model_dump_json()} (workflow id {handle_c.id}, {status_c.value})")

    return MultiMethodResults(
        result_a=result_a,
        result_b=result_b,
        result_c=result_c,
        id_b=id_b,
        id_c=handle_c.id,
        status_c=status_c,
    )


async def main(engine: TemporalEngine | None = None) -> MultiMethodResults:
    """Call the three methods on ``engine`` (already started), or on an embedded local server."""
    if engine is not None:
        return await run_methods(engine)
    async with TemporalEngine(task_queue="multi_method", headless=True) as own_engine:
        return await run_methods(own_engine)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())

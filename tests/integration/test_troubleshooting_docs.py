"""The errors that docs/getting-started.md's troubleshooting section quotes are the errors the SDK
raises: each case is reproduced and its message compared with the quote.

A quote's placeholder names (``'q'``, ``app.workflows.X``) are replaced by the reproduction's own,
and ``...`` stands for the rest of the message.
"""

import asyncio
import os
import re
import subprocess
import sys
import textwrap
import types
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ActivityFailedError,
    ActivityRegistry,
    DefinitionError,
    DuplicateNameError,
    EngineError,
    InvalidArgumentsError,
    NotInWorkflowError,
    Registry,
    RetryPolicy,
    TemporalEngine,
    UnknownMethodError,
    Workflow,
    WorkflowFailedError,
    WorkflowRegistry,
    activity_def,
    wf_signal,
)
from temporal_runtime_workflow import definition_of

pytestmark = pytest.mark.integration

TROUBLESHOOTING = (
    (Path(__file__).parents[2] / "docs" / "getting-started.md").read_text().split("## 10. Troubleshooting")[1]
)
TROUBLESHOOTING_TEXT = " ".join(TROUBLESHOOTING.split())


def assert_quoted(quote: str, error: BaseException | str, *names: tuple[str, str]) -> None:
    """``quote`` is in the troubleshooting section and, with its placeholder ``names`` replaced by the
    reproduction's (``(doc name, real name)`` pairs), matches ``error`` as Python prints it (or the
    text given)."""
    assert quote in TROUBLESHOOTING_TEXT, f"the troubleshooting section no longer quotes {quote!r}"
    for doc_name, real_name in names:
        quote = quote.replace(doc_name, real_name)
    pattern = ".*".join(re.escape(part) for part in quote.split("..."))
    printed = " ".join((error if isinstance(error, str) else f"{type(error).__name__}: {error}").split())
    assert re.match(pattern, printed), f"{quote!r} does not match {printed!r}"


def raised(call: Callable[[], Any]) -> BaseException:
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError(f"{call} raised nothing")


async def raised_async(call: Callable[[], Any]) -> BaseException:
    try:
        await call()
    except Exception as exc:
        return exc
    raise AssertionError(f"{call} raised nothing")


# --- what the reproductions define (in registries of their own) -------------------------------------

WORKFLOWS: WorkflowRegistry = Registry("workflow")
ACTIVITIES: ActivityRegistry = Registry("activity")


class Order(BaseModel):
    order_id: str
    amount_cents: int


class Payment(BaseModel):
    payment_id: str
    amount_cents: int


@activity_def("docs_charge_card", Args=Order, registry=ACTIVITIES)
async def charge_card(order: Order) -> str:
    raise ValueError("card declined")


class DocsCheckout(Workflow, registry=WORKFLOWS):
    async def checkout(self, order: Order) -> str:
        return await self.exec(charge_card, order, timeout=5, retry_policy=RetryPolicy(maximum_attempts=1))


class DocsApproval(Workflow, registry=WORKFLOWS):
    @wf_signal("approve")
    async def approve(self) -> None:
        return None

    async def review(self) -> None:
        return None


# --- definitions --------------------------------------------------------------------------------------


def test_a_workflow_defined_inside_a_function() -> None:
    def main() -> None:
        class X(Workflow, registry=Registry("workflow")):  # pyright: ignore[reportUnusedClass]
            async def run(self) -> None:
                return None

    error = raised(main)
    assert isinstance(error, DefinitionError)
    where = "test_a_workflow_defined_inside_a_function.<locals>.main.<locals>"
    assert_quoted(
        "DefinitionError: Workflow class app.main.<locals>.X is invalid:",
        error,
        ("app.main.<locals>", f"{__name__}.{where}"),
    )
    assert_quoted(
        "- main.<locals>.X is defined inside a function. Workflow classes must be defined at module "
        "level: ...",
        str(error).split("\n", 1)[1],
        ("main.<locals>", where),
    )


def test_a_parameter_without_a_type_annotation() -> None:
    async def run(self: Any, order) -> None:  # type: ignore[no-untyped-def]  # pyright: ignore[reportMissingParameterType, reportUnknownParameterType]  # the case under test
        return None

    error = raised(
        lambda: types.new_class(
            "Unannotated", (Workflow,), {"registry": Registry("workflow")}, lambda ns: ns.update(run=run)
        )
    )
    assert isinstance(error, DefinitionError)
    assert "parameter 'order' has no type annotation" in str(error)
    assert "`parameter 'order' has no type annotation ...`" in TROUBLESHOOTING_TEXT


def test_two_workflows_of_one_name() -> None:
    registry: WorkflowRegistry = Registry("workflow")

    def define(module: str) -> None:
        def body(ns: dict[str, Any]) -> None:
            ns.update(__module__=module, __qualname__="Orders", run=DocsApproval.review)

        types.new_class("Orders", (Workflow,), {"registry": registry}, body)

    define("billing")
    error = raised(lambda: define("shipping"))
    assert isinstance(error, DuplicateNameError)
    assert_quoted(
        "DuplicateNameError: Conflicting workflow name 'Orders': already registered by billing.Orders, "
        "now defined again by shipping.Orders.",
        error,
    )
    assert 'class Orders(Workflow, name="new-name")' in str(error)


# --- calls ----------------------------------------------------------------------------------------------


def test_a_misspelt_signal() -> None:
    error = raised(lambda: definition_of(DocsApproval).signal("aprove"))
    assert isinstance(error, UnknownMethodError)
    assert_quoted(
        "UnknownMethodError: Workflow 'Approval' has no signal 'aprove'; signals are: approve",
        error,
        ("'Approval'", "'DocsApproval'"),
    )


def test_invalid_arguments_and_the_wrong_model() -> None:
    spec = definition_of(DocsCheckout).entry("checkout")
    shown = str(spec.parameters[0].annotation).removeprefix("<class '").removesuffix("'>")
    names = (("CheckoutWorkflow", "DocsCheckout"), ("orders.Order", shown))
    error = raised(lambda: spec.bind(({"customer_email": "a@b.c"},), {}))
    assert isinstance(error, InvalidArgumentsError)
    assert_quoted(
        "InvalidArgumentsError: Invalid argument 'order' for CheckoutWorkflow.checkout(order: orders.Order): "
        "Invalid Order: order_id: Field required; amount_cents: Field required",
        error,
        *names,
    )
    payment = Payment(payment_id="p", amount_cents=1)
    assert_quoted(
        "...: Got a Payment where Order is expected. Invalid Order: ...",
        raised(lambda: spec.bind((payment,), {})),
    )
    assert_quoted(
        "Activity 'charge_card' got invalid arguments. Got a Payment where Order is expected. ...",
        str(raised(lambda: charge_card.validate_args(cast(Order, payment)))),
        ("charge_card", "docs_charge_card"),
    )


def test_exec_outside_a_workflow() -> None:
    error = asyncio.run(raised_async(lambda: DocsCheckout().checkout(Order(order_id="o", amount_cents=1))))
    assert isinstance(error, NotInWorkflowError)
    assert_quoted("NotInWorkflowError: Workflow.exec() only works inside a running workflow.", error)


# --- on a server ----------------------------------------------------------------------------------------


async def test_an_engine_with_nothing_to_serve(temporal_address: str) -> None:
    engine = TemporalEngine(
        temporal_address, workflow_registry=Registry("workflow"), activity_registry=Registry("activity")
    )
    error = await raised_async(engine.start)
    assert isinstance(error, EngineError)
    assert_quoted("EngineError: start_worker=True but no workflows or activities are registered", error)


async def test_activities_that_fail_or_are_not_served(temporal_address: str) -> None:
    queue = f"docs-{uuid.uuid4().hex[:8]}"
    order = Order(order_id="A-1", amount_cents=5)
    async with TemporalEngine(temporal_address, task_queue=queue, workflow_registry=WORKFLOWS) as engine:
        missing = await raised_async(lambda: engine.execute_workflow(DocsCheckout.checkout, order))
    assert isinstance(missing, WorkflowFailedError)
    assert missing.error_type == "ActivityNotRegisteredError"
    assert_quoted(
        "Activity 'charge_card' is not registered on the worker for task queue 'q' (it serves: ...)",
        str(missing).partition("failed: ActivityNotRegisteredError: ")[2],
        ("charge_card", "docs_charge_card"),
        ("'q'", repr(queue)),
    )
    async with TemporalEngine(
        temporal_address, task_queue=queue, workflow_registry=WORKFLOWS, activity_registry=ACTIVITIES
    ) as engine:
        handle = await engine.start_workflow(DocsCheckout.checkout, order)
        failed = await raised_async(handle.result)
    assert isinstance(failed, ActivityFailedError)
    assert_quoted(
        "ActivityFailedError: Workflow 'W' failed: activity 'charge_card' failed: ValueError: card declined",
        failed,
        ("'W'", repr(handle.id)),
        ("charge_card", "docs_charge_card"),
    )


async def test_a_workflow_defined_after_start(temporal_address: str) -> None:
    queue = f"docs-{uuid.uuid4().hex[:8]}"
    registry: WorkflowRegistry = Registry("workflow")
    registry.register(definition_of(DocsApproval))
    async with TemporalEngine(temporal_address, task_queue=queue, workflow_registry=registry) as engine:
        error = await raised_async(
            lambda: engine.start_workflow(DocsCheckout.checkout, Order(order_id="o", amount_cents=1))
        )
    assert isinstance(error, EngineError)
    assert_quoted(
        "EngineError: Workflow 'X' (app.workflows.X) is not served by this engine's worker on task queue "
        "'q', which serves ...",
        error,
        ("'X'", "'DocsCheckout'"),
        ("app.workflows.X", f"{__name__}.DocsCheckout"),
        ("'q'", repr(queue)),
    )


def test_a_workflow_module_with_side_effects_at_import(temporal_address: str, tmp_path: Path) -> None:
    script = tmp_path / "noguard.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio
            import os

            from temporal_runtime import TemporalEngine, Workflow


            class X(Workflow):
                async def run(self, n: int) -> int:
                    return n


            async def main() -> None:
                async with TemporalEngine(os.environ["TEMPORAL_ADDRESS"], task_queue="noguard"):
                    pass


            asyncio.run(main())
            """
        )
    )
    env = {**os.environ, "TEMPORAL_ADDRESS": temporal_address}
    proc = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    errors = [
        line for line in proc.stderr.splitlines() if line.startswith("temporal_runtime.DefinitionError: ")
    ]
    assert len(errors) == 1, proc.stderr
    assert_quoted(
        "DefinitionError: Cannot serve workflow 'X' (__main__.X): importing its module again inside "
        "Temporal's workflow sandbox raised RuntimeError: asyncio.run() cannot be called from a running "
        "event loop.",
        errors[0].removeprefix("temporal_runtime."),
    )

"""Workflow subclasses: method collection, definition checks, adapters, MethodSpec and unit-testing."""

import asyncio
import inspect
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
import temporalio.exceptions
import temporalio.workflow
from pydantic import BaseModel

from temporal_runtime_core import (
    ActivityDefinition,
    DefinitionError,
    DuplicateNameError,
    InvalidArgumentsError,
    NotInWorkflowError,
    QueryWaitError,
    Registry,
    UnknownMethodError,
    WorkflowSpec,
    activity_def,
    default_workflow_registry,
)
from temporal_runtime_workflow import (
    Handler,
    HandlerKind,
    MethodSpec,
    Workflow,
    WorkflowDefinition,
    adapter_name,
    definition_of,
    wf_query,
    wf_signal,
    wf_update,
)

# --- DTOs and an activity ---------------------------------------------------------------------------


class OrderIn(BaseModel):
    order_id: str
    amount: int


class Charge(BaseModel):
    charge_id: str


class OrderOut(BaseModel):
    order_id: str
    charge_id: str
    status: str


ACTIVITIES: Registry[ActivityDefinition[Any, Any]] = Registry("activity")


@activity_def("unit_wfdef.charge", Args=OrderIn, Result=Charge, registry=ACTIVITIES)
async def charge(order: OrderIn) -> Charge:
    return Charge(charge_id=f"ch-{order.order_id}")


# --- module-level workflows --------------------------------------------------------------------------

REGISTRY: Registry[WorkflowSpec] = Registry("workflow")


class UnitDefOrderWorkflow(Workflow, registry=REGISTRY):
    """The design doc's example shape: one entry method calling an activity."""

    def __init__(self) -> None:
        self.calls = 0

    async def process(self, order: OrderIn) -> OrderOut:
        self.calls += 1
        result = await self.exec(charge, order, timeout=30)
        return OrderOut(order_id=order.order_id, charge_id=result.charge_id, status="charged")


class UnitDefApprovalWorkflow(Workflow, name="unit-def-approval", registry=REGISTRY):
    def __init__(self) -> None:
        self._approved = False
        self._reason = ""
        self.paused = False

    @wf_signal("approve-it")
    async def approve(self, reason: str = "ok") -> None:
        self._approved = True
        self._reason = reason

    @wf_signal()
    def pause(self) -> None:
        self.paused = True

    @wf_query("is-approved")
    async def is_approved(self) -> bool:
        return self._approved

    @wf_query()
    def reason(self) -> str:
        return self._reason

    @wf_query("waits")
    async def waits(self) -> bool:
        await asyncio.sleep(0)  # suspends: not allowed in a query
        return True

    @wf_update("set-reason")
    def set_reason(self, reason: str) -> str:
        previous, self._reason = self._reason, reason
        return previous

    async def run(self, request: OrderIn, note: str = "none") -> str:
        await self.wait_until(lambda: self._approved)
        return f"{request.order_id}:{note}"

    async def second_entry(self) -> int:
        return 2

    async def _private_helper(self) -> None:
        return None

    def sync_public_helper(self) -> int:
        return 1


class UnitDefMethodsWorkflow(Workflow, registry=REGISTRY):
    async def run(
        self, order: OrderIn, count: int, label: str = "default", items: list[OrderIn] | None = None
    ) -> str:
        return f"{order.order_id}:{count}:{label}:{len(items or [])}"

    async def untyped(self, value: Any) -> object:
        return value

    async def fails(self) -> None:
        raise KeyError("missing thing")


class UnitDefAbstractBase(Workflow, abstract=True):
    """Not a workflow itself; shares an entry method with subclasses."""

    async def shared(self, x: int) -> int:
        return x * 2


class UnitDefConcreteChild(UnitDefAbstractBase, registry=REGISTRY):
    async def own(self) -> str:
        return "own"


@dataclass(frozen=True)
class _Placeholder:
    name: str
    origin: str


# Non-empty from the start, so the duplicate check is tested on its own (see
# test_workflows_join_the_registry_given_by_keyword for what happens with an empty registry).
DUP_REGISTRY: Registry[Any] = Registry("workflow")
DUP_REGISTRY.register(_Placeholder("unit-def-placeholder", "placeholder"))


class UnitDefDupFirst(Workflow, name="unit-def-duplicate", registry=DUP_REGISTRY):
    async def run(self) -> None:
        return None


class UnitDefOptionalInit(Workflow, registry=REGISTRY):
    def __init__(self, factor: int = 3) -> None:
        self.factor = factor

    async def run(self, x: int) -> int:
        return x * self.factor


# --- helpers -----------------------------------------------------------------------------------------


def define_module_level(
    cls_name: str, body: dict[str, Any], *, qualname: str | None = None, **class_kwargs: Any
) -> type:
    """Create a Workflow subclass as if its ``class`` statement were at the top of this module.

    Used for definitions that must fail: a failing ``class`` statement at module level would break
    the import of this test module.
    """

    def exec_body(ns: dict[str, Any]) -> None:
        ns["__module__"] = __name__
        ns["__qualname__"] = qualname or cls_name
        ns.update(body)

    return types.new_class(cls_name, (Workflow,), class_kwargs, exec_body)


async def _entry(self: Any) -> None:
    return None


def _helper(self: Any) -> int:
    return 1


# --- entry methods, signals, queries ----------------------------------------------------------------


def test_entry_methods_are_public_async_methods() -> None:
    defn = definition_of(UnitDefApprovalWorkflow)
    assert set(defn.entry_methods) == {"run", "second_entry"}
    spec = defn.entry_methods["run"]
    assert isinstance(spec, MethodSpec)
    assert spec.name == "run"
    assert spec.owner == "UnitDefApprovalWorkflow"
    assert spec.qualname == "UnitDefApprovalWorkflow.run"
    assert spec.is_async
    assert [p.name for p in spec.parameters] == ["request", "note"]


def test_base_class_helpers_are_not_entry_methods() -> None:
    defn = definition_of(UnitDefOrderWorkflow)
    assert set(defn.entry_methods) == {"process"}
    for name in ("exec", "sleep", "wait_until", "client", "now"):
        assert name not in defn.entry_methods


def test_signals_and_queries_collected_with_custom_names() -> None:
    defn = definition_of(UnitDefApprovalWorkflow)
    assert set(defn.signals) == {"approve-it", "pause"}
    assert set(defn.queries) == {"is-approved", "reason", "waits"}
    assert defn.signals["approve-it"].name == "approve"
    assert defn.signals["pause"].name == "pause"
    assert not defn.signals["pause"].is_async
    assert defn.queries["is-approved"].name == "is_approved"
    assert defn.queries["reason"].name == "reason"
    assert defn.signal("approve-it") is defn.signals["approve-it"]
    assert defn.query("is-approved") is defn.queries["is-approved"]


def test_signal_query_and_update_methods_are_not_entry_methods() -> None:
    defn = definition_of(UnitDefApprovalWorkflow)
    for name in ("approve", "pause", "is_approved", "reason", "waits", "set_reason"):
        assert name not in defn.entry_methods


def test_handlers_walk_one_table_of_every_kind_with_temporal_names() -> None:
    defn = definition_of(UnitDefApprovalWorkflow)
    rows = {(h.kind, h.name, h.spec.name) for h in defn.handlers()}
    assert rows == {
        ("entry", "run", "run"),
        ("entry", "second_entry", "second_entry"),
        ("signal", "approve-it", "approve"),
        ("signal", "pause", "pause"),
        ("query", "is-approved", "is_approved"),
        ("query", "reason", "reason"),
        ("query", "waits", "waits"),
        ("update", "set-reason", "set_reason"),
    }
    kinds = [h.kind for h in defn.handlers()]  # walked kind by kind
    assert kinds == ["entry"] * 2 + ["signal"] * 2 + ["query"] * 3 + ["update"]
    assert [h.name for h in defn.handlers("update")] == ["set-reason"]
    assert all(isinstance(h, Handler) for h in defn.handlers())


def test_handler_looks_up_by_kind_and_the_views_agree() -> None:
    defn = definition_of(UnitDefApprovalWorkflow)
    assert defn.handler("update", "set-reason") is defn.updates["set-reason"] is defn.update("set-reason")
    assert defn.handler("entry", "run") is defn.entry_methods["run"] is defn.entry("run")
    assert defn.handler("signal", "pause") is defn.signals["pause"]
    assert defn.handler("query", "reason") is defn.queries["reason"]
    views: list[tuple[HandlerKind, Mapping[str, MethodSpec]]] = [
        ("entry", defn.entry_methods),
        ("signal", defn.signals),
        ("query", defn.queries),
        ("update", defn.updates),
    ]
    for kind, view in views:
        assert dict(view) == {h.name: h.spec for h in defn.handlers(kind)}


def test_kind_views_are_read_only() -> None:
    defn = definition_of(UnitDefApprovalWorkflow)
    with pytest.raises(TypeError):
        defn.updates["smuggled"] = defn.entry("run")  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
    with pytest.raises(TypeError):
        defn.entry_methods["smuggled"] = defn.entry("run")  # type: ignore[index]  # pyright: ignore[reportIndexIssue]


def test_definition_rejects_two_handlers_of_one_kind_and_name() -> None:
    spec = definition_of(UnitDefApprovalWorkflow).entry("second_entry")
    with pytest.raises(DefinitionError, match="'dup'"):
        WorkflowDefinition("unit-def-table", UnitDefApprovalWorkflow, [Handler("update", "dup", spec)] * 2)
    # The same Temporal name under two kinds is fine: signals, queries and updates are separate.
    both = WorkflowDefinition(
        "unit-def-table",
        UnitDefApprovalWorkflow,
        [Handler("signal", "x", spec), Handler("update", "x", spec)],
    )
    assert both.signal("x") is both.update("x") is spec


def test_unknown_entry_signal_query_raise_unknown_method_error() -> None:
    defn = definition_of(UnitDefApprovalWorkflow)
    with pytest.raises(UnknownMethodError) as info:
        defn.entry("nope")
    assert "nope" in str(info.value)
    assert "run" in str(info.value)
    assert "second_entry" in str(info.value)
    with pytest.raises(UnknownMethodError) as info:
        defn.signal("approve")  # the method name, not the signal name
    assert "approve-it" in str(info.value)
    with pytest.raises(UnknownMethodError):
        defn.query("is_approved")
    with pytest.raises(UnknownMethodError) as info:
        defn.handler("update", "set_reason")
    assert "updates are: set-reason" in str(info.value)
    assert '@wf_update("set_reason")' in str(info.value)


def test_definition_basics() -> None:
    defn = definition_of(UnitDefApprovalWorkflow)
    assert isinstance(defn, WorkflowDefinition)
    assert defn.name == "unit-def-approval"
    assert defn.workflow_class is UnitDefApprovalWorkflow
    assert defn.origin == f"{__name__}.UnitDefApprovalWorkflow"
    assert UnitDefApprovalWorkflow.__workflow_definition__ is defn
    assert definition_of(UnitDefOrderWorkflow).name == "UnitDefOrderWorkflow"  # default: class name


def test_workflows_join_the_registry_given_by_keyword() -> None:
    # ``registry=`` must be honoured even when the given registry is still empty.
    assert "UnitDefOrderWorkflow" in REGISTRY
    assert REGISTRY.get("UnitDefOrderWorkflow") is definition_of(UnitDefOrderWorkflow)
    assert REGISTRY.get("unit-def-approval") is definition_of(UnitDefApprovalWorkflow)
    assert "UnitDefOrderWorkflow" not in default_workflow_registry


def test_fresh_empty_registry_receives_the_workflow() -> None:
    fresh: Registry[WorkflowSpec] = Registry("workflow")
    cls = define_module_level(
        "UnitDefFreshRegistryWorkflow",
        {"run": _entry},
        name="unit-def-fresh-registry",
        registry=fresh,
    )
    try:
        assert fresh.names() == ["unit-def-fresh-registry"]
        assert fresh.get("unit-def-fresh-registry") is definition_of(cls)
    finally:
        default_workflow_registry.unregister("unit-def-fresh-registry")


def test_abstract_base_is_not_registered_but_children_inherit_entries() -> None:
    assert UnitDefAbstractBase.__workflow_definition__ is None
    with pytest.raises(DefinitionError):
        definition_of(UnitDefAbstractBase)
    defn = definition_of(UnitDefConcreteChild)
    assert set(defn.entry_methods) == {"shared", "own"}


def test_definition_of_rejects_non_workflows() -> None:
    with pytest.raises(DefinitionError):
        definition_of(int)
    with pytest.raises(DefinitionError):
        definition_of(Workflow)


def test_optional_init_arguments_allowed() -> None:
    assert definition_of(UnitDefOptionalInit).name == "UnitDefOptionalInit"
    assert UnitDefOptionalInit().factor == 3


# --- definition errors -------------------------------------------------------------------------------


def test_class_defined_inside_function_rejected() -> None:
    with pytest.raises(DefinitionError) as info:

        class LocalWorkflow(Workflow, registry=Registry("workflow")):  # pyright: ignore[reportUnusedClass]
            async def run(self) -> None:
                return None

    message = str(info.value)
    assert "module level" in message
    assert "LocalWorkflow" in message


def test_class_without_entry_method_rejected() -> None:
    with pytest.raises(DefinitionError) as info:
        define_module_level(
            "UnitDefNoEntry",
            {"helper": _helper, "_private": _entry},
            registry=Registry("workflow"),
        )
    message = str(info.value)
    assert "UnitDefNoEntry" in message
    assert "entry method" in message
    assert "abstract=True" in message


def test_abstract_class_without_entry_method_allowed() -> None:
    cls = define_module_level("UnitDefAbstractNoEntry", {"helper": _helper}, abstract=True)
    assert cls.__workflow_definition__ is None  # type: ignore[attr-defined]  # pyright: ignore[reportUnknownMemberType]


def test_init_with_required_args_rejected() -> None:
    def __init__(self: Any, dependency: object) -> None:
        self.dependency = dependency

    with pytest.raises(DefinitionError) as info:
        define_module_level(
            "UnitDefInitArgs", {"__init__": __init__, "run": _entry}, registry=Registry("workflow")
        )
    message = str(info.value)
    assert "__init__" in message
    assert "dependency" in message


def test_var_positional_in_entry_method_rejected() -> None:
    async def run(self: Any, *items: int) -> None:
        return None

    with pytest.raises(DefinitionError) as info:
        define_module_level("UnitDefVarArgs", {"run": run}, registry=Registry("workflow"))
    message = str(info.value)
    assert "*args" in message
    assert "items" in message


def test_var_keyword_in_entry_method_rejected() -> None:
    async def run(self: Any, **options: int) -> None:
        return None

    with pytest.raises(DefinitionError) as info:
        define_module_level("UnitDefVarKw", {"run": run}, registry=Registry("workflow"))
    assert "options" in str(info.value)


def test_unannotated_entry_method_parameter_rejected() -> None:
    async def run(self: Any, order, count: int) -> None:  # type: ignore[no-untyped-def]  # pyright: ignore[reportMissingParameterType, reportUnknownParameterType]
        return None

    with pytest.raises(DefinitionError) as info:
        define_module_level("UnitDefUnannotated", {"run": run}, registry=Registry("workflow"))
    message = str(info.value)
    assert "UnitDefUnannotated.run: parameter 'order' has no type annotation" in message
    assert "`order: typing.Any` if any JSON value is meant" in message
    assert "'count'" not in message


def test_unannotated_handler_parameter_rejected_with_every_problem() -> None:
    async def approve(self: Any, who) -> None:  # type: ignore[no-untyped-def]  # pyright: ignore[reportMissingParameterType, reportUnknownParameterType]
        return None

    def status(self: Any, verbose) -> str:  # type: ignore[no-untyped-def]  # pyright: ignore[reportMissingParameterType, reportUnknownParameterType]
        return ""

    body: dict[str, Any] = {
        "run": _entry,
        "approve": wf_signal("approve")(approve),  # pyright: ignore[reportUnknownArgumentType]
        "status": wf_query()(status),  # pyright: ignore[reportUnknownArgumentType]
    }
    with pytest.raises(DefinitionError) as info:
        define_module_level("UnitDefUnannotatedHandlers", body, registry=Registry("workflow"))
    message = str(info.value)
    assert "UnitDefUnannotatedHandlers.approve: parameter 'who' has no type annotation" in message
    assert "UnitDefUnannotatedHandlers.status: parameter 'verbose' has no type annotation" in message


def test_parameter_annotated_any_is_accepted() -> None:
    async def run(self: Any, payload: Any) -> Any:
        return payload

    cls = define_module_level("UnitDefExplicitAny", {"run": run}, registry=Registry("workflow"))
    marker = object()
    assert definition_of(cls).entry("run").bind((marker,), {}) == {"payload": marker}


@pytest.mark.parametrize("bad_name", ["", "   "])
def test_empty_workflow_name_rejected(bad_name: str) -> None:
    with pytest.raises(DefinitionError) as info:
        define_module_level("UnitDefBadName", {"run": _entry}, name=bad_name, registry=Registry("workflow"))
    assert "name=" in str(info.value)


def test_two_methods_claiming_one_update_name_rejected() -> None:
    @wf_update("same")
    def one(self: Any) -> None:
        return None

    @wf_update("same")
    def two(self: Any) -> None:
        return None

    with pytest.raises(DefinitionError) as info:
        define_module_level(
            "UnitDefUpdateClash", {"one": one, "two": two, "run": _entry}, registry=Registry("workflow")
        )
    assert "update name 'same' is used by both UnitDefUpdateClash.one and UnitDefUpdateClash.two" in str(
        info.value
    )


def test_two_methods_claiming_one_signal_name_rejected() -> None:
    @wf_signal("same")
    async def one(self: Any) -> None:
        return None

    @wf_signal("same")
    async def two(self: Any) -> None:
        return None

    with pytest.raises(DefinitionError) as info:
        define_module_level(
            "UnitDefSignalClash", {"one": one, "two": two, "run": _entry}, registry=Registry("workflow")
        )
    assert "'same'" in str(info.value)


def test_bare_decorator_without_parentheses_rejected() -> None:
    with pytest.raises(DefinitionError) as info:

        @wf_signal  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        async def handler(self: Any) -> None:
            return None

    assert "parentheses" in str(info.value)


def test_method_cannot_be_both_signal_and_query() -> None:
    with pytest.raises(DefinitionError):

        @wf_query("q")
        @wf_signal("s")
        async def both(self: Any) -> None:
            return None


def test_duplicate_workflow_name_names_both_classes() -> None:
    with pytest.raises(DuplicateNameError) as info:
        define_module_level(
            "UnitDefDupSecond", {"run": _entry}, name="unit-def-duplicate", registry=DUP_REGISTRY
        )
    message = str(info.value)
    assert "unit-def-duplicate" in message
    assert f"{__name__}.UnitDefDupFirst" in message
    assert f"{__name__}.UnitDefDupSecond" in message
    assert 'class UnitDefDupSecond(Workflow, name="new-name")' in message
    assert DUP_REGISTRY.get("unit-def-duplicate") is definition_of(UnitDefDupFirst)


def test_same_name_in_another_registry_is_fine() -> None:
    other: Registry[WorkflowSpec] = Registry("workflow")
    other.register(definition_of(UnitDefOrderWorkflow))  # non-empty (see the registry= test above)
    cls = define_module_level(
        "UnitDefDupElsewhere", {"run": _entry}, name="unit-def-duplicate", registry=other
    )
    assert other.get("unit-def-duplicate") is definition_of(cls)
    assert definition_of(UnitDefDupFirst).name == definition_of(cls).name


# --- the generated adapter ---------------------------------------------------------------------------


def test_adapter_lives_in_the_defining_module() -> None:
    module = sys.modules[__name__]
    defn = definition_of(UnitDefOrderWorkflow)
    name = adapter_name(UnitDefOrderWorkflow)
    assert name == "_TemporalAdapter_UnitDefOrderWorkflow"
    adapter = getattr(module, name)
    run = adapter.run  # read before the `is` check narrows `adapter` to plain `type` (for mypy)
    assert adapter is defn.adapter_class
    assert adapter.__name__ == name
    assert adapter.__qualname__ == name
    assert adapter.__module__ == __name__
    assert run.__qualname__ == f"{name}.run"
    assert run.__module__ == __name__


def test_adapter_is_a_temporal_workflow_with_handlers() -> None:
    defn = definition_of(UnitDefApprovalWorkflow)
    temporal_defn = temporalio.workflow._Definition.must_from_class(defn.adapter_class)
    assert temporal_defn.name == "unit-def-approval"
    assert set(temporal_defn.signals) == {"approve-it", "pause"}
    assert set(temporal_defn.queries) == {"is-approved", "reason", "waits"}
    assert set(temporal_defn.updates) == {"set-reason"}


def test_nested_workflow_classes_with_the_same_name_keep_their_own_adapters() -> None:
    # Two module-level classes ``UnitDefOuterA.Inner`` and ``UnitDefOuterB.Inner``: the sandbox
    # imports each adapter from the module by name, so the second must not replace the first
    # (rejecting such classes with a DefinitionError would be acceptable too).
    module = sys.modules[__name__]
    reg: Registry[WorkflowSpec] = Registry("workflow")
    reg.register(definition_of(UnitDefOrderWorkflow))  # non-empty (see the registry= test above)
    try:
        first = define_module_level(
            "Inner", {"run": _entry}, qualname="UnitDefOuterA.Inner", name="unit-def-nested-a", registry=reg
        )
        second = define_module_level(
            "Inner", {"run": _entry}, qualname="UnitDefOuterB.Inner", name="unit-def-nested-b", registry=reg
        )
    except DefinitionError:
        return
    for cls, wf_name in ((first, "unit-def-nested-a"), (second, "unit-def-nested-b")):
        published = getattr(module, adapter_name(cls))
        assert published is definition_of(cls).adapter_class, f"adapter of {cls.__qualname__} was replaced"
        assert temporalio.workflow._Definition.must_from_class(published).name == wf_name


async def test_adapter_run_dispatches_to_entry_method() -> None:
    adapter = definition_of(UnitDefMethodsWorkflow).adapter_class()
    result = await adapter.run(
        {"method": "run", "kwargs": {"order": {"order_id": "o1", "amount": 5}, "count": 2}}
    )
    assert result == "o1:2:default:0"


async def test_adapter_run_rejects_unknown_method_without_retry() -> None:
    adapter = definition_of(UnitDefMethodsWorkflow).adapter_class()
    with pytest.raises(temporalio.exceptions.ApplicationError) as info:
        await adapter.run({"method": "nope", "kwargs": {}})
    assert info.value.non_retryable
    assert info.value.type == "UnknownMethodError"
    assert "nope" in str(info.value)


async def test_adapter_run_rejects_malformed_payload() -> None:
    adapter = definition_of(UnitDefMethodsWorkflow).adapter_class()
    with pytest.raises(temporalio.exceptions.ApplicationError) as info:
        await adapter.run(["run"])
    assert info.value.non_retryable


async def test_adapter_run_lets_a_bug_through_to_fail_the_workflow_task() -> None:
    # An exception that is not a business failure reaches temporalio unchanged, which fails the
    # workflow task (retried) instead of the run (see tests/workflow/test_failure_policy.py).
    adapter = definition_of(UnitDefMethodsWorkflow).adapter_class()
    with pytest.raises(KeyError, match="missing thing"):
        await adapter.run({"method": "fails", "kwargs": {}})


async def test_adapter_signal_and_query_handlers() -> None:
    adapter = definition_of(UnitDefApprovalWorkflow).adapter_class()
    assert adapter.query__is_approved() is False
    await adapter.signal__approve("looks good")
    assert adapter.query__is_approved() is True
    assert adapter.query__reason() == "looks good"
    await adapter.signal__pause()
    assert adapter._wf.paused is True
    assert await adapter.update__set_reason("second thoughts") == "looks good"
    assert adapter.query__reason() == "second thoughts"


async def test_adapter_query_that_suspends_is_rejected() -> None:
    adapter = definition_of(UnitDefApprovalWorkflow).adapter_class()
    with pytest.raises(QueryWaitError) as info:
        adapter.query__waits()
    assert "waits" in str(info.value)


async def test_adapter_drops_invalid_signal(caplog: pytest.LogCaptureFixture) -> None:
    adapter = definition_of(UnitDefApprovalWorkflow).adapter_class()
    await adapter.signal__approve({"not": "a string"})
    assert adapter.query__is_approved() is False
    assert "approve" in caplog.text


# --- MethodSpec --------------------------------------------------------------------------------------


def _spec(method: str = "run") -> MethodSpec:
    return definition_of(UnitDefMethodsWorkflow).entry(method)


def test_bind_fills_defaults_and_coerces_dicts() -> None:
    bound = _spec().bind(({"order_id": "o1", "amount": 3}, 2), {})
    assert list(bound) == ["order", "count", "label", "items"]
    assert bound["order"] == OrderIn(order_id="o1", amount=3)
    assert type(bound["order"]) is OrderIn
    assert bound["count"] == 2
    assert bound["label"] == "default"
    assert bound["items"] is None


def test_bind_accepts_keywords_and_nested_lists() -> None:
    bound = _spec().bind(
        (),
        {
            "order": OrderIn(order_id="o", amount=1),
            "count": 1,
            "label": "x",
            "items": [{"order_id": "i", "amount": 2}],
        },
    )
    assert bound["label"] == "x"
    assert bound["items"] == [OrderIn(order_id="i", amount=2)]


def test_bind_missing_argument() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        _spec().bind((OrderIn(order_id="o", amount=1),), {})
    message = str(info.value)
    assert "UnitDefMethodsWorkflow.run" in message
    assert "count" in message


def test_bind_extra_positional_argument() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        _spec().bind((OrderIn(order_id="o", amount=1), 1, "l", None, "extra"), {})
    assert "UnitDefMethodsWorkflow.run" in str(info.value)


def test_bind_unexpected_keyword() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        _spec().bind((OrderIn(order_id="o", amount=1), 1), {"colour": "red"})
    assert "UnitDefMethodsWorkflow.run" in str(info.value)
    assert "colour" in str(info.value)


def test_bind_of_a_full_positional_call_validates_every_argument() -> None:
    bound = _spec().bind(({"order_id": "o1", "amount": "3"}, 2.0, "l", [{"order_id": "i", "amount": 1}]), {})
    assert bound == {
        "order": OrderIn(order_id="o1", amount=3),
        "count": 2,
        "label": "l",
        "items": [OrderIn(order_id="i", amount=1)],
    }
    assert type(bound["count"]) is int
    with pytest.raises(InvalidArgumentsError, match="'label'"):
        _spec().bind((OrderIn(order_id="o", amount=1), 1, ["not", "a", "label"], None), {})


class UnitDefKeywordOnlyWorkflow(Workflow, registry=REGISTRY):
    async def run(self, first: int, *, second: int) -> int:
        return first + second


def test_bind_keeps_keyword_only_parameters_keyword_only() -> None:
    spec = definition_of(UnitDefKeywordOnlyWorkflow).entry("run")
    assert spec.bind((1,), {"second": 2}) == {"first": 1, "second": 2}
    with pytest.raises(InvalidArgumentsError, match="positional argument"):
        spec.bind((1, 2), {})


def test_bind_invalid_value_names_method_and_argument() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        _spec().bind(({"order_id": "o", "amount": "lots"}, 1), {})
    message = str(info.value)
    assert "UnitDefMethodsWorkflow.run" in message
    assert "'order'" in message
    assert "amount" in message


def test_bind_invalid_primitive() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        _spec().bind((OrderIn(order_id="o", amount=1), "three"), {})
    assert "'count'" in str(info.value)


def test_bind_any_parameter_passes_value_through() -> None:
    marker = object()
    assert _spec("untyped").bind((marker,), {}) == {"value": marker}


def test_bind_positional() -> None:
    spec = definition_of(UnitDefApprovalWorkflow).signal("approve-it")
    assert spec.bind_positional(()) == {"reason": "ok"}
    assert spec.bind_positional(("fine",)) == {"reason": "fine"}


def test_validate_received_validates_and_fills_defaults() -> None:
    received = _spec().validate_received({"order": {"order_id": "o", "amount": 1}, "count": 4})
    assert received == {
        "order": OrderIn(order_id="o", amount=1),
        "count": 4,
        "label": "default",
        "items": None,
    }


def test_validate_received_rejects_unknown_keys() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        _spec().validate_received({"order": {"order_id": "o", "amount": 1}, "count": 1, "bogus": 1})
    assert "bogus" in str(info.value)
    assert "UnitDefMethodsWorkflow.run" in str(info.value)


def test_validate_received_rejects_missing_required() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        _spec().validate_received({"order": {"order_id": "o", "amount": 1}})
    assert "count" in str(info.value)
    assert "UnitDefMethodsWorkflow.run" in str(info.value)


def test_validate_received_rejects_non_mapping() -> None:
    with pytest.raises(InvalidArgumentsError):
        _spec().validate_received([1, 2])


def test_validate_received_rejects_invalid_value() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        _spec().validate_received({"order": {"order_id": "o"}, "count": 1})
    assert "amount" in str(info.value)


def test_validate_positional_too_many() -> None:
    spec = definition_of(UnitDefApprovalWorkflow).signal("approve-it")
    assert spec.validate_positional(["why"]) == ["why"]
    assert spec.validate_positional([]) == ["ok"]
    with pytest.raises(InvalidArgumentsError):
        spec.validate_positional(["a", "b"])


def test_method_spec_return_type_and_describe() -> None:
    spec = _spec()
    assert spec.return_type is str
    assert spec.describe().startswith("UnitDefMethodsWorkflow.run(order: ")
    assert "count: int" in spec.describe()
    assert "self" not in spec.describe()


def test_method_spec_rejects_varargs_directly() -> None:
    async def m(self: Any, *rest: int) -> None:
        return None

    with pytest.raises(DefinitionError) as info:
        MethodSpec("Owner", "m", m)
    assert "Owner.m" in str(info.value)


# --- outside a workflow ------------------------------------------------------------------------------


def _assert_explains_unit_testing(exc: BaseException, operation: str) -> None:
    message = str(exc)
    assert operation in message
    assert "patch" in message
    assert "AsyncMock" in message


async def test_exec_outside_workflow_raises_not_in_workflow() -> None:
    wf = UnitDefOrderWorkflow()
    with pytest.raises(NotInWorkflowError) as info:
        await wf.exec(charge, OrderIn(order_id="o", amount=1), timeout=5)
    _assert_explains_unit_testing(info.value, "exec")


async def test_sleep_outside_workflow_raises_not_in_workflow() -> None:
    wf = UnitDefOrderWorkflow()
    with pytest.raises(NotInWorkflowError) as info:
        await wf.sleep(1)
    _assert_explains_unit_testing(info.value, "sleep")


async def test_wait_until_outside_workflow_raises_not_in_workflow() -> None:
    wf = UnitDefOrderWorkflow()
    with pytest.raises(NotInWorkflowError) as info:
        await wf.wait_until(lambda: True)
    _assert_explains_unit_testing(info.value, "wait_until")


def test_now_and_workflow_id_outside_workflow() -> None:
    wf = UnitDefOrderWorkflow()
    with pytest.raises(NotInWorkflowError):
        wf.now()
    with pytest.raises(NotInWorkflowError):
        _ = wf.workflow_id


def test_client_styles_not_available_on_instance() -> None:
    wf = UnitDefOrderWorkflow()
    with pytest.raises(AttributeError):
        _ = wf.async_
    with pytest.raises(AttributeError):
        wf.after(10)


def test_not_in_workflow_error_is_runtime_error() -> None:
    assert issubclass(NotInWorkflowError, RuntimeError)


# --- the design doc's unit-testing pattern -----------------------------------------------------------


async def test_design_doc_unit_test_pattern() -> None:
    wf = UnitDefOrderWorkflow()
    with patch.object(wf, "exec", new_callable=AsyncMock) as mock_exec:
        mock_exec.return_value = Charge(charge_id="ch-mocked")
        out = await wf.process(OrderIn(order_id="o-7", amount=42))
        assert out == OrderOut(order_id="o-7", charge_id="ch-mocked", status="charged")
        mock_exec.assert_called_once()
        mock_exec.assert_awaited_once_with(charge, OrderIn(order_id="o-7", amount=42), timeout=30)
    assert wf.calls == 1


async def test_patching_wait_until_and_signals_in_unit_tests() -> None:
    wf = UnitDefApprovalWorkflow()
    assert await wf.is_approved() is False
    await wf.approve("yes")
    assert await wf.is_approved() is True
    with patch.object(wf, "wait_until", new_callable=AsyncMock) as mock_wait:
        result = await wf.run(OrderIn(order_id="o1", amount=1), note="n")
    assert result == "o1:n"
    mock_wait.assert_awaited_once()
    assert mock_wait.await_args is not None
    predicate: Callable[[], bool] = mock_wait.await_args.args[0]
    assert predicate() is True


async def test_workflow_methods_keep_real_signatures() -> None:
    params = list(inspect.signature(UnitDefOrderWorkflow.process).parameters)
    assert params == ["self", "order"]
    assert inspect.iscoroutinefunction(UnitDefOrderWorkflow.process)


# --- keep the process-wide registry clean ---------------------------------------------------------------
# Every workflow above names its own registry. Should one still have landed in the default registry
# (test_workflows_join_the_registry_given_by_keyword checks for that), take it out again, so an engine
# started later in the same test session does not put this module's workflows on its worker.
for _defn in list(default_workflow_registry):
    if getattr(getattr(_defn, "workflow_class", None), "__module__", None) == __name__:
        default_workflow_registry.unregister(_defn.name)

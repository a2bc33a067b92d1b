"""Workflow classes may not define attributes named like members of ``Workflow`` or its proxy."""

import logging
import types
from typing import Any

import pytest

from temporal_runtime_core import DefinitionError, Registry
from temporal_runtime_workflow import RESERVED_NAMES, Workflow, definition_of, wf_query, wf_signal, wf_update

# --- helpers -----------------------------------------------------------------------------------------


def define(
    cls_name: str, body: dict[str, Any], *, bases: tuple[type, ...] = (Workflow,), **class_kwargs: Any
) -> type:
    """A Workflow subclass as if its ``class`` statement were at the top of this module, in a
    registry of its own (a failing ``class`` statement at module level would break the import)."""

    def exec_body(ns: dict[str, Any]) -> None:
        ns["__module__"] = __name__
        ns["__qualname__"] = cls_name
        ns.update(body)

    if not class_kwargs.get("abstract"):
        class_kwargs.setdefault("registry", Registry("workflow"))
    return types.new_class(cls_name, bases, class_kwargs, exec_body)


async def _entry(self: Any) -> None:
    return None


def _helper(self: Any) -> int:
    return 1


def _reserved_method(self: Any) -> None:
    return None


def _reserved_classmethod(cls: type[object], engine: object) -> None:
    return None


def _problems(cls_name: str, body: dict[str, Any], **kwargs: Any) -> list[str]:
    """The lines of the one DefinitionError that defining the class raises."""
    with pytest.raises(DefinitionError) as info:
        define(cls_name, body, **kwargs)
    header, *lines = str(info.value).splitlines()
    assert header == f"Workflow class {__name__}.{cls_name} is invalid:"
    return [line.removeprefix("  - ") for line in lines]


# --- the list is complete ------------------------------------------------------------------------------


def test_every_public_member_of_workflow_is_reserved() -> None:
    public = {name for name in dir(Workflow) if not name.startswith("_")}
    assert public  # client, exec, sleep, ...
    missing = public - set(RESERVED_NAMES)
    assert not missing, f"add {sorted(missing)} to temporal_runtime_workflow._reserved.RESERVED_NAMES"


def test_the_list_holds_the_names_the_issue_and_the_spec_name() -> None:
    today = {"options", "sleep", "after", "async_", "client", "exec", "now", "wait_until", "workflow_id"}
    planned = {
        "exec_local",
        "child",
        "start_child",
        "execute_child",
        "continue_as_new",
        "info",
        "logger",
        "uuid4",
        "random",
        "patched",
        "deprecate_patch",
        "all_handlers_finished",
        "upsert_search_attributes",
        "search_attributes",
        "update_with_start",
    }
    assert today | planned <= set(RESERVED_NAMES)


# --- what is rejected, and how the message reads --------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RESERVED_NAMES))
def test_entry_method_with_a_reserved_name_is_rejected(name: str) -> None:
    reserved = RESERVED_NAMES[name]
    [problem] = _problems("UnitReservedEntry", {name: _entry, "run": _entry})
    assert problem == (
        f"UnitReservedEntry.{name} shadows {reserved.member}, {reserved.role}; "
        f"rename the method, e.g. {reserved.rename}"
    )


def test_the_issues_two_cases_read_as_the_fix() -> None:
    async def sleep(self: Any, seconds: int) -> None:
        return None

    problems = _problems("OrderWorkflow", {"options": _entry, "sleep": sleep, "run": _entry})
    assert problems == [
        "OrderWorkflow.options shadows Workflow.options, the proxy's per-call start options; "
        "rename the method, e.g. set_options",
        "OrderWorkflow.sleep shadows Workflow.sleep, the durable timer; rename the method, e.g. sleep_for",
    ]


def test_signal_handler_named_like_a_member_gets_the_decorator_hint() -> None:
    @wf_signal()
    def sleep(self: Any) -> None:
        return None

    [problem] = _problems("UnitReservedSignal", {"sleep": sleep, "run": _entry})
    assert problem == (
        "UnitReservedSignal.sleep shadows Workflow.sleep, the durable timer; rename the method, "
        "e.g. sleep_for; to keep 'sleep' as the Temporal name of the signal, use "
        '@wf_signal("sleep") on a method with another name'
    )


def test_handler_with_its_own_temporal_name_keeps_it() -> None:
    @wf_update("set-options")
    def options(self: Any, value: int) -> int:
        return value

    [problem] = _problems("UnitReservedUpdate", {"options": options, "run": _entry})
    assert problem.endswith(
        "rename the method, e.g. set_options (the update keeps its Temporal name 'set-options')"
    )


def test_the_suggested_fix_is_accepted() -> None:
    @wf_signal("sleep")
    def on_sleep(self: Any) -> None:
        return None

    @wf_query("now")
    def current_time(self: Any) -> str:
        return "noon"

    cls = define("UnitReservedFixed", {"on_sleep": on_sleep, "current_time": current_time, "run": _entry})
    defn = definition_of(cls)
    assert defn.signal("sleep").name == "on_sleep"
    assert defn.query("now").name == "current_time"


@pytest.mark.parametrize(
    ("name", "value", "what"),
    [
        ("now", _reserved_method, "method"),
        ("workflow_id", property(lambda self: "mine"), "property"),
        ("logger", logging.getLogger("unit-reserved"), "attribute"),
        ("random", 4, "attribute"),
        ("client", classmethod(_reserved_classmethod), "method"),
        ("uuid4", staticmethod(lambda: "id"), "method"),
    ],
)
def test_any_kind_of_attribute_with_a_reserved_name_is_rejected(name: str, value: object, what: str) -> None:
    [problem] = _problems("UnitReservedAttr", {name: value, "run": _entry})
    assert problem.startswith(f"UnitReservedAttr.{name} shadows {RESERVED_NAMES[name].member}, ")
    assert f"rename the {what}, e.g. {RESERVED_NAMES[name].rename}" in problem


def test_private_and_unrelated_names_are_fine() -> None:
    cls = define("UnitReservedPrivate", {"_sleep": _entry, "sleeper": _entry, "_options": 1, "run": _entry})
    assert set(definition_of(cls).entry_methods) == {"sleeper", "run"}


def test_clashes_join_the_one_error_with_the_other_problems() -> None:
    async def run(self: Any, *items: int) -> None:
        return None

    problems = _problems("UnitReservedMany", {"exec": _entry, "info": "details", "run": run}, name=" ")
    assert len(problems) == 4
    assert problems[0].startswith("name= must be a non-empty string")
    assert problems[1].startswith("UnitReservedMany.exec shadows Workflow.exec, which runs an activity; ")
    assert problems[2].startswith("UnitReservedMany.info shadows Workflow.info, reserved for ")
    assert "*args/**kwargs are not supported" in problems[3]


# --- inherited attributes ---------------------------------------------------------------------------


class _NowMixin:
    def now(self) -> str:
        return "mixed in"


def test_a_mixin_before_workflow_shadows_and_is_named() -> None:
    [problem] = _problems("UnitReservedMixedIn", {"run": _entry}, bases=(_NowMixin, Workflow))
    assert problem.startswith("UnitReservedMixedIn.now (from _NowMixin) shadows Workflow.now, ")


def test_a_mixin_after_workflow_does_not_shadow() -> None:
    cls = define("UnitReservedMixedAfter", {"run": _entry}, bases=(Workflow, _NowMixin))
    assert definition_of(cls).entry_methods.keys() == {"run"}


def test_an_abstract_base_is_rejected_at_its_own_definition() -> None:
    [problem] = _problems("UnitReservedAbstract", {"sleep": _entry}, abstract=True)
    assert problem.startswith("UnitReservedAbstract.sleep shadows Workflow.sleep, the durable timer; ")


def test_a_valid_abstract_base_passes_its_members_on() -> None:
    base = define("UnitReservedBase", {"helper": _helper, "shared": _entry}, abstract=True)
    cls = define("UnitReservedChild", {"run": _entry}, bases=(base,))
    assert set(definition_of(cls).entry_methods) == {"shared", "run"}

"""The one error tree: its drawing, public names, pickling, the failure errors' shape and new classes."""

from __future__ import annotations

import asyncio
import copy
import importlib
import inspect
import pickle
import re
import traceback
from collections.abc import Callable

import pytest
import temporalio.common
import temporalio.exceptions
import temporalio.testing
import temporalio.workflow
from pydantic import BaseModel

import temporal_runtime
import temporal_runtime.testing
import temporal_runtime_core
from temporal_runtime_core import (
    ActivityFailedError,
    ActivityRegistry,
    ChildWorkflowFailedError,
    ContinuedAsNewError,
    DuplicateNameError,
    InvalidArgumentsError,
    InvalidResultError,
    MissingFakeError,
    QueryFailedError,
    QueryWaitError,
    Registry,
    ReplayError,
    ReplayFailure,
    TemporalRuntimeError,
    UpdateFailedError,
    WorkflowError,
    WorkflowFailedError,
    activity_def,
    describe_failure,
)
from temporal_runtime_core import _errors as errors_module  # pyright: ignore[reportPrivateUsage]
from temporal_runtime_engine import RuntimePayloadConverter
from temporal_runtime_engine._activities import temporal_activity
from temporal_runtime_workflow import Workflow, definition_of, run_without_waiting, wf_query

ERROR_CLASSES: list[type[BaseException]] = sorted(
    (
        value
        for value in (getattr(temporal_runtime_core, name) for name in temporal_runtime_core.__all__)
        if isinstance(value, type) and issubclass(value, BaseException)
    ),
    key=lambda cls: cls.__name__,
)

# --- the drawing in _errors.py's docstring ----------------------------------------------------------

_LINE = re.compile(r"^(?P<lead>[ │├└─]*?)(?P<name>[A-Z]\w*)(?: \((?P<bases>[\w, ]+)\))?$")


def _drawn_tree() -> dict[str, tuple[str | None, frozenset[str]]]:
    """``{class name: (parent name, standard bases)}`` as drawn in the docstring."""
    doc = errors_module.__doc__ or ""
    block = doc.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    lines = [line for line in block.splitlines() if line.strip()]
    root_column = len(lines[0]) - len(lines[0].lstrip())
    tree: dict[str, tuple[str | None, frozenset[str]]] = {}
    path: list[str] = []
    for line in lines:
        match = _LINE.match(line)
        assert match is not None, f"cannot read the tree line {line!r}"
        offset = len(match["lead"]) - root_column
        assert offset % 4 == 0, f"misaligned tree line {line!r}"
        depth = offset // 4
        assert depth <= len(path), f"tree line {line!r} skips a level"
        del path[depth:]
        name = match["name"]
        assert name not in tree, f"{name} is drawn twice"
        bases = (
            frozenset(b.strip() for b in match["bases"].split(",")) if match["bases"] else frozenset[str]()
        )
        tree[name] = (path[-1] if path else None, bases)
        path.append(name)
    return tree


def _public_parent(cls: type) -> str | None:
    """The nearest SDK ancestor users can see (private helper bases are not drawn)."""
    for ancestor in cls.__mro__[1:]:
        if issubclass(ancestor, TemporalRuntimeError) and not ancestor.__name__.startswith("_"):
            return ancestor.__name__
    return None


def _standard_bases(cls: type) -> frozenset[str]:
    """The non-SDK classes ``cls`` (or a private base of it) derives from directly."""
    found: set[str] = set()
    for base in cls.__bases__:
        if not issubclass(base, TemporalRuntimeError):
            found.add(base.__name__)
        elif base.__name__.startswith("_"):
            found |= _standard_bases(base)
    return frozenset(found)


def _tree_mismatches() -> list[str]:
    """Classes whose drawn parent or standard bases differ from the real ones."""
    mismatches: list[str] = []
    for name, drawn in _drawn_tree().items():
        cls = getattr(errors_module, name)
        real = (
            (None, frozenset[str]())
            if cls is TemporalRuntimeError
            else (_public_parent(cls), _standard_bases(cls))
        )
        if real != drawn:
            mismatches.append(f"{name}: drawn {drawn}, really {real}")
    return mismatches


def test_the_drawn_tree_is_the_class_hierarchy() -> None:
    assert TemporalRuntimeError.__bases__ == (Exception,)
    assert _tree_mismatches() == []


def test_the_drawn_tree_covers_every_exported_error() -> None:
    drawn = set(_drawn_tree())
    exported = {cls.__name__ for cls in ERROR_CLASSES}
    assert drawn == exported
    defined = {
        name
        for name, value in vars(errors_module).items()
        if isinstance(value, type) and issubclass(value, BaseException) and not name.startswith("_")
    }
    assert defined == exported, "every public error of _errors.py is exported by core"


@pytest.mark.parametrize(
    ("drawn", "redrawn"),
    [
        ("│   ├── InvalidResultError", "│   ├── InvalidResultError (KeyError)"),  # a wrong base
        ("    │   ├── InvalidResultError\n", ""),  # a class left out
        ("    │   │   └── ActivityFailedError", "    │   ├── ActivityFailedError"),  # a wrong parent
    ],
)
def test_the_tree_check_notices_a_stale_drawing(
    monkeypatch: pytest.MonkeyPatch, drawn: str, redrawn: str
) -> None:
    doc = errors_module.__doc__ or ""
    assert drawn in doc
    monkeypatch.setattr(errors_module, "__doc__", doc.replace(drawn, redrawn))
    assert _tree_mismatches() != [] or set(_drawn_tree()) != {cls.__name__ for cls in ERROR_CLASSES}


# --- public names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_error_lives_under_its_public_name(cls: type[BaseException]) -> None:
    assert cls.__module__ in {"temporal_runtime", "temporal_runtime.testing"}
    assert getattr(importlib.import_module(cls.__module__), cls.__qualname__) is cls


def test_errors_print_under_their_public_name() -> None:
    error = temporal_runtime.DefinitionError("Workflow 'x' is broken; fix it")
    assert traceback.format_exception_only(error) == [
        "temporal_runtime.DefinitionError: Workflow 'x' is broken; fix it\n"
    ]
    assert repr(error) == "DefinitionError(\"Workflow 'x' is broken; fix it\")"
    assert repr(temporal_runtime.DefinitionError) == "<class 'temporal_runtime.DefinitionError'>"
    missing = temporal_runtime.testing.MissingFakeError("no fake for 'pay'", activity_name="pay")
    assert traceback.format_exception_only(missing) == [
        "temporal_runtime.testing.MissingFakeError: no fake for 'pay'\n"
    ]


def test_a_raised_error_shows_its_public_name_in_the_traceback() -> None:
    with pytest.raises(temporal_runtime.WorkflowNotFoundError) as info:
        raise temporal_runtime.WorkflowNotFoundError("No workflow execution 'w' found", workflow_id="w")
    assert info.exconly() == "temporal_runtime.WorkflowNotFoundError: No workflow execution 'w' found"
    text = "".join(traceback.format_exception(info.value))
    assert text.endswith("temporal_runtime.WorkflowNotFoundError: No workflow execution 'w' found\n")
    assert "temporal_runtime_core" not in text.splitlines()[-1]


# --- pickling and copying -------------------------------------------------------------------------------

_EXAMPLES: dict[type[BaseException], Callable[[], BaseException]] = {
    DuplicateNameError: lambda: DuplicateNameError("workflow", "orders", "a.Orders", "b.Orders"),
    ActivityFailedError: lambda: ActivityFailedError(
        "Activity 'pay' failed: ValueError: no",
        activity_name="pay",
        error_type="ValueError",
        workflow_id="w",
        run_id="r",
        details=({"code": 7},),
    ),
    WorkflowFailedError: lambda: WorkflowFailedError(
        "Workflow 'w' failed: KeyError: 'k'", error_type="KeyError", workflow_id="w", details=(1, "x")
    ),
    UpdateFailedError: lambda: UpdateFailedError(
        "Update on workflow 'w' failed: ValueError: no", error_type="ValueError", workflow_id="w"
    ),
    MissingFakeError: lambda: MissingFakeError("no fake for 'pay'", activity_name="pay"),
    ChildWorkflowFailedError: lambda: ChildWorkflowFailedError(
        "Child workflow 'w/Pay.charge-1' (Pay) failed: ValueError: no",
        child_workflow_id="w/Pay.charge-1",
        child_workflow_type="Pay",
        error_type="ValueError",
        workflow_id="w/Pay.charge-1",
        details=(3,),
    ),
    ContinuedAsNewError: lambda: ContinuedAsNewError(
        "Workflow 'w' continued as new", method="run", arguments={"count": 2}
    ),
}


def _example(cls: type[BaseException]) -> BaseException:
    factory = _EXAMPLES.get(cls)
    if factory is not None:
        return factory()
    if issubclass(cls, WorkflowError):
        return cls("Workflow 'w' went wrong", workflow_id="w", run_id="r")
    return cls("something went wrong; fix it")


def _pickled(error: BaseException) -> BaseException:
    restored: BaseException = pickle.loads(pickle.dumps(error))
    return restored


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize(
    "round_trip",
    [_pickled, copy.copy, copy.deepcopy],
    ids=["pickle", "copy", "deepcopy"],
)
def test_errors_pickle_and_copy(
    cls: type[BaseException], round_trip: Callable[[BaseException], BaseException]
) -> None:
    error = _example(cls)
    again = round_trip(error)
    assert type(again) is cls
    assert again is not error
    assert again.args == error.args
    assert str(again) == str(error)
    assert vars(again) == vars(error)


def test_a_replay_error_keeps_its_failures_through_pickle() -> None:
    failure = ReplayFailure(
        workflow_id="w", run_id="r", workflow_type="Orders", nondeterminism=True, cause=ValueError("x")
    )
    again = pickle.loads(pickle.dumps(ReplayError("1 history did not replay", [failure])))
    assert isinstance(again, ReplayError)
    [restored] = again.failures
    assert (restored.workflow_id, restored.nondeterminism, str(restored.cause)) == ("w", True, "x")


def test_every_error_class_has_an_example_its_init_accepts() -> None:
    # guards _example(): a new error whose __init__ needs more than a message must get an entry
    for cls in ERROR_CLASSES:
        assert type(_example(cls)) is cls


# --- the failure errors ---------------------------------------------------------------------------------


def test_describe_failure_puts_the_error_type_in_front() -> None:
    assert describe_failure("ValueError", "out of stock") == "ValueError: out of stock"
    assert describe_failure(None, "out of stock") == "out of stock"
    assert describe_failure("", "out of stock") == "out of stock"


@pytest.mark.parametrize("cls", [WorkflowFailedError, ActivityFailedError, UpdateFailedError])
def test_failure_errors_share_one_keyword_only_shape(
    cls: type[WorkflowFailedError] | type[UpdateFailedError],
) -> None:
    parameters = list(inspect.signature(cls).parameters.values())
    assert parameters[0].name == "message"
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters[1:])
    assert {"error_type", "workflow_id", "run_id", "details"} <= {p.name for p in parameters}
    extra = {"activity_name": "pay"} if cls is ActivityFailedError else {}
    error = cls("m", error_type="ValueError", workflow_id="w", run_id="r", details=(1,), **extra)
    assert isinstance(error, WorkflowError)
    assert (error.message, error.workflow_id, error.run_id) == ("m", "w", "r")
    assert (error.error_type, error.details) == ("ValueError", (1,))


def test_failure_errors_default_to_no_type_and_no_details() -> None:
    error = UpdateFailedError("Update on workflow 'w' failed: it was cancelled")
    assert (error.error_type, error.details, error.workflow_id, error.run_id) == (None, (), None, None)
    activity = ActivityFailedError("Activity 'x' failed", activity_name=None)
    assert (activity.activity_name, activity.error_type, activity.details) == (None, None, ())


def test_query_failed_error_is_still_a_workflow_error() -> None:
    assert issubclass(QueryFailedError, WorkflowError)
    assert issubclass(QueryWaitError, RuntimeError)
    assert not issubclass(QueryWaitError, InvalidArgumentsError)


# --- InvalidResultError, in-process and from a worker's activity -----------------------------------------

REGISTRY: ActivityRegistry = Registry("activity")


class Sku(BaseModel):
    code: str


class Stock(BaseModel):
    units: int


@activity_def("errors_stock", Args=Sku, Result=Stock, registry=REGISTRY)
async def stock(sku: Sku) -> Stock:
    return {"units": "many"}  # type: ignore[return-value]  # pyright: ignore[reportReturnType]  # on purpose: not a Stock


async def test_an_invalid_result_raises_invalid_result_error_in_process() -> None:
    with pytest.raises(InvalidResultError, match=r"'errors_stock' .* returned an invalid result") as info:
        await stock(Sku(code="a"))
    assert isinstance(info.value, InvalidArgumentsError)  # `except InvalidArgumentsError` still catches it
    assert "units" in str(info.value)


async def test_an_invalid_result_fails_the_worker_activity_as_invalid_result_error() -> None:
    converter = RuntimePayloadConverter()
    env = temporalio.testing.ActivityEnvironment()
    env.payload_converter = converter
    [payload] = converter.to_payloads([Sku(code="a")])
    with pytest.raises(temporalio.exceptions.ApplicationError) as info:
        await env.run(temporal_activity(stock), temporalio.common.RawValue(payload))
    assert info.value.type == InvalidResultError.__name__ == "InvalidResultError"
    assert info.value.non_retryable
    assert "errors_stock" in info.value.message


# --- QueryWaitError -----------------------------------------------------------------------------------


class ErrorsQueryWorkflow(Workflow, registry=Registry("workflow")):
    @wf_query()
    async def ready(self) -> bool:
        return True

    @wf_query()
    async def suspends(self) -> bool:
        await asyncio.sleep(0)
        return True

    @wf_query()
    async def schedules(self) -> bool:
        raise temporalio.workflow.ReadOnlyContextError("While in read-only function, action attempted: sleep")

    async def run(self) -> None:
        return None


@pytest.mark.parametrize("query", ["suspends", "schedules"])
def test_a_query_that_tries_to_wait_raises_query_wait_error(query: str) -> None:
    spec = definition_of(ErrorsQueryWorkflow).query(query)
    coro = getattr(ErrorsQueryWorkflow(), query)()
    with pytest.raises(
        QueryWaitError, match=rf"Query .*{query} tried to wait.*move waiting into the workflow"
    ):
        run_without_waiting(coro, spec)
    assert coro.cr_frame is None  # closed: no "coroutine was never awaited" warning later


def test_a_query_that_does_not_wait_is_answered() -> None:
    spec = definition_of(ErrorsQueryWorkflow).query("ready")
    assert run_without_waiting(ErrorsQueryWorkflow().ready(), spec) is True

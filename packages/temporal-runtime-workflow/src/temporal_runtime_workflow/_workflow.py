"""The ``Workflow`` base class and the metaclass that registers subclasses."""

from __future__ import annotations

import logging
import random
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, NoReturn, Protocol, Self, Unpack, overload

from temporal_runtime_core import (
    ActivityCancellation,
    ActivityDefinition,
    DefinitionError,
    Duration,
    NoArgs,
    SearchAttributes,
    SearchAttributeValue,
    WorkflowRegistry,
    default_workflow_registry,
)

from . import _runtime  # pyright: ignore[reportPrivateUsage]  # this package's own module
from ._adapter import adapter_name, build_adapter
from ._adapter_demand import defers_adapter
from ._child_methods import ChildWorkflowMethods
from ._continue_as_new import continue_as_new
from ._convert import AnyActivityCancellation, AnyRetryPolicy
from ._definition import (
    WorkflowDefinition,
    collect_methods,
    definition_problems,
    failure_exception_types,
    reserved_name_problems,
)
from ._info import WorkflowInfo
from ._logger import WorkflowLogger
from ._search_attribute_convert import upsert_search_attributes
from ._start_options import StartOptionsDict
from ._starting_view import StartingView
from ._versioning import deprecate_patch, patched
from ._with_start import WithStart

__all__ = ["Workflow", "WorkflowClientFactory", "definition_of"]


class WorkflowClientFactory(Protocol):
    """Something that can make a client proxy for a workflow class (the engine implements it)."""

    def workflow_client[W: Workflow](self, workflow_class: type[W]) -> W: ...


class _WorkflowMeta(type):
    """Registers each ``Workflow`` subclass and generates its hidden Temporal adapter.

    Class keywords: ``name=`` (the Temporal workflow type, default the class name), ``registry=``
    (default: the process-wide registry), ``failure_exceptions=`` (exception types that fail the
    run instead of the workflow task, added to those of the base classes; see ``_failure_policy``)
    and ``abstract=True`` for base classes that are not workflows themselves. Abstract classes are
    checked only for names that shadow a member of ``Workflow`` or of the client proxy (see
    ``_reserved``).
    """

    __workflow_definition__: WorkflowDefinition | None
    __workflow_failure_exceptions__: tuple[type[BaseException], ...]

    def __new__(
        mcs,
        cls_name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        /,
        *,
        name: str | None = None,
        registry: WorkflowRegistry | None = None,
        abstract: bool = False,
        failure_exceptions: type[Exception] | tuple[type[Exception], ...] = (),
    ) -> _WorkflowMeta:
        cls = super().__new__(mcs, cls_name, bases, namespace)
        if not any(isinstance(base, _WorkflowMeta) for base in bases):
            return cls  # the Workflow base class itself
        cls.__workflow_definition__ = None
        problems: list[str] = []
        cls.__workflow_failure_exceptions__ = failure_exception_types(failure_exceptions, bases, problems)
        if abstract:
            _raise_if_invalid(cls, [*problems, *reserved_name_problems(cls, Workflow)])
            return cls
        _define(
            cls,
            name if name is not None else cls_name,
            registry if registry is not None else default_workflow_registry,
            problems,
        )
        return cls

    def __init__(  # pyright: ignore[reportInconsistentConstructor]  # __new__ consumes the class keywords
        cls, cls_name: str, bases: tuple[type, ...], namespace: dict[str, Any], /, **_: Any
    ) -> None:
        super().__init__(cls_name, bases, namespace)


def _define(cls: _WorkflowMeta, name: str, registry: WorkflowRegistry, problems: list[str]) -> None:
    problems = [*problems, *definition_problems(cls)]
    if not isinstance(name, str) or not name.strip():  # pyright: ignore[reportUnnecessaryIsInstance]
        problems.append(f"name= must be a non-empty string, got {name!r}")
    methods = collect_methods(cls, Workflow)
    problems.extend(methods.problems)
    if not methods.has_entry and not methods.problems:
        problems.append(
            "it defines no entry method. Entry methods are public `async def` methods; "
            "pass abstract=True in the class statement for a base class that is not a workflow"
        )
    _raise_if_invalid(cls, problems)
    defn = WorkflowDefinition(name, cls, methods.handlers, cls.__workflow_failure_exceptions__)
    if defers_adapter(cls.__module__, adapter_name(cls)):
        # A sandbox run of a sibling class, which imports only its own adapter. Built on demand,
        # this one is published in the module being imported here (that sandbox's copy), wherever
        # sys.modules points at the time.
        module = sys.modules.get(cls.__module__)
        defn.defer_adapter(lambda d: build_adapter(d, module))
    else:
        defn.adapter_class = build_adapter(defn)
    registry.register(defn)
    cls.__workflow_definition__ = defn


def _raise_if_invalid(cls: type, problems: list[str]) -> None:
    if problems:
        details = "\n".join(f"  - {p}" for p in problems)
        raise DefinitionError(f"Workflow class {cls.__module__}.{cls.__qualname__} is invalid:\n{details}")


def definition_of(workflow_class: type) -> WorkflowDefinition:
    """The definition of a registered workflow class, or a :class:`DefinitionError` saying why not."""
    defn = getattr(workflow_class, "__workflow_definition__", None)
    if not isinstance(defn, WorkflowDefinition):
        raise DefinitionError(
            f"{getattr(workflow_class, '__qualname__', workflow_class)!r} is not a runnable workflow: "
            "subclass temporal_runtime.Workflow (without abstract=True) and give it an async entry method"
        )
    return defn


class Workflow(ChildWorkflowMethods, metaclass=_WorkflowMeta):
    """Base class of every workflow.

    Public ``async def`` methods are entry methods; each can start a workflow run. Inside them use
    ``await self.exec(activity, args, timeout=...)``, ``await self.sleep(...)`` and
    ``await self.wait_until(...)``. From outside, ``MyWorkflow.client(engine)`` returns a proxy whose
    methods start runs.

    A subclass may not define an attribute named like a member of this class or of the client
    proxy (the list, with planned members, is ``_reserved.RESERVED_NAMES``; add new members there).
    """

    __workflow_definition__: ClassVar[WorkflowDefinition | None] = None

    # --- client side ---------------------------------------------------------------------------

    @classmethod
    def client(cls, engine: WorkflowClientFactory) -> Self:
        """A client proxy with the same methods as this workflow: ``await proxy.method(args)``.

        The proxy also offers ``proxy.async_(Cls.method, ...)`` (returns a typed ``MethodHandle``),
        ``proxy.after(delay)(Cls.method, ...)`` (delayed start) and ``proxy.options(id=..., ...)``
        (per-call start options, a ``StartOptionsDict``). Signal, query and update handlers are not
        offered: send them through a handle (``handle.signal(Cls.handler, ...)``).
        """
        definition_of(cls)
        return engine.workflow_client(cls)

    if TYPE_CHECKING:
        # What a client proxy offers besides the entry methods (a workflow instance has none of it).

        @property
        def async_(self) -> StartingView[Self]:
            """Start without waiting: ``handle = await proxy.async_(Wf.method, args)`` returns a
            ``MethodHandle[R, Wf]``; ``proxy.async_.method(args)`` works too, typed ``MethodHandle[Any]``."""
            ...

        def after(self, delay: Duration) -> StartingView[Self]:
            """Start after ``delay`` (seconds or timedelta): ``await proxy.after(3600)(Wf.method, args)``."""
            ...

        def options(self, **options: Unpack[StartOptionsDict]) -> Self:
            """A proxy whose calls use these start options (``id=``, ``execution_timeout=``, ...)."""
            ...

    else:

        @property
        def async_(self) -> Any:
            raise AttributeError(
                "`async_` is available on the client proxy returned by Workflow.client(engine), "
                "not on a workflow instance"
            )

        def after(self, delay: Duration) -> Any:
            raise AttributeError(
                "`after(...)` is available on the client proxy returned by Workflow.client(engine), "
                "not on a workflow instance"
            )

        def options(self, **options: Any) -> Any:
            raise AttributeError(
                "`options(...)` is available on the client proxy returned by Workflow.client(engine), "
                "not on a workflow instance"
            )

    # --- inside a running workflow -------------------------------------------------------------

    @overload
    async def exec[R](
        self,
        activity: ActivityDefinition[NoArgs, R],
        /,
        *,
        timeout: Duration,
        retry_policy: AnyRetryPolicy | None = None,
        heartbeat_timeout: Duration | None = None,
        schedule_to_close_timeout: Duration | None = None,
        task_queue: str | None = None,
        cancellation: AnyActivityCancellation = ActivityCancellation.TRY_CANCEL,
    ) -> R: ...
    @overload
    async def exec[A, R](
        self,
        activity: ActivityDefinition[A, R],
        args: A,
        /,
        *,
        timeout: Duration,
        retry_policy: AnyRetryPolicy | None = None,
        heartbeat_timeout: Duration | None = None,
        schedule_to_close_timeout: Duration | None = None,
        task_queue: str | None = None,
        cancellation: AnyActivityCancellation = ActivityCancellation.TRY_CANCEL,
    ) -> R: ...
    async def exec(
        self,
        activity: ActivityDefinition[Any, Any],
        *args: Any,
        timeout: Duration,
        retry_policy: AnyRetryPolicy | None = None,
        heartbeat_timeout: Duration | None = None,
        schedule_to_close_timeout: Duration | None = None,
        task_queue: str | None = None,
        cancellation: AnyActivityCancellation = ActivityCancellation.TRY_CANCEL,
    ) -> Any:
        """Run ``activity`` with ``args`` (none for an activity without ``Args``) and return its
        validated result.

        ``timeout`` bounds one attempt (start-to-close); ``retry_policy`` decides about further
        attempts (Temporal's default: retry with backoff, unlimited). An activity failure raises
        :class:`ActivityFailedError` carrying the activity's exception type and message.
        ``cancellation`` says what cancelling this call (the workflow is cancelled, or a task
        wrapping it is) does to the activity: see :class:`ActivityCancellation` and docs/activities.md.
        """
        return await _runtime.execute_activity(
            activity,
            *args,
            timeout=timeout,
            retry_policy=retry_policy,
            heartbeat_timeout=heartbeat_timeout,
            task_queue=task_queue,
            schedule_to_close_timeout=schedule_to_close_timeout,
            cancellation=cancellation,
        )

    async def sleep(self, duration: Duration) -> None:
        """Durably sleep for ``duration`` (seconds or timedelta); survives worker restarts."""
        await _runtime.sleep(duration)

    async def wait_until(self, predicate: Callable[[], bool], timeout: Duration | None = None) -> None:
        """Wait until ``predicate()`` is true (re-checked after each signal/activity); ``TimeoutError``
        after ``timeout`` if given."""
        await _runtime.wait_until(predicate, timeout)

    def now(self) -> datetime:
        """The workflow's deterministic current time (UTC). Use instead of ``datetime.now()``."""
        return _runtime.now()

    @property
    def workflow_id(self) -> str:
        """The id of the running workflow execution."""
        return _runtime.workflow_id()

    # --- signal-with-start and update-with-start (#12) -------------------------------------------

    if TYPE_CHECKING:

        def with_start[**P, R](
            self, method: Callable[Concatenate[Self, P], Awaitable[R]], /, *args: P.args, **kwargs: P.kwargs
        ) -> WithStart[R, Self]:
            """On a client proxy with an id (``proxy.options(id="cart-7")``): the run to start if none
            with that id is running, for a message sent with it in one request:
            ``await ....with_start(Cart.run, cart).update(Cart.add_item, item)`` (or ``.signal(...)``,
            ``.start_update(...)``). See :class:`WithStart`."""
            ...

    else:

        def with_start(self, method: Any, /, *args: Any, **kwargs: Any) -> Any:
            raise AttributeError(
                "`with_start(...)` is available on the client proxy returned by Workflow.client(engine), "
                "not on a workflow instance"
            )

    # --- child workflows (#12) ---
    # start_child, execute_child, child, start_child_by_name and execute_child_by_name come from
    # ChildWorkflowMethods (_child_methods.py: the typed arity overloads; the logic is in _children).

    # --- continue-as-new, run info, logger, determinism, versioning (#12) -----------------------

    def continue_as_new[**P](
        self, method: Callable[Concatenate[Self, P], Awaitable[Any]], /, *args: P.args, **kwargs: P.kwargs
    ) -> NoReturn:
        """End this run and start a fresh one (empty history, same workflow id) that executes
        ``method`` (an entry method of this class, e.g. ``self.continue_as_new(Billing.run, state)``).

        The arguments are validated against ``method`` first (:class:`InvalidArgumentsError` here,
        nothing ends). A caller's ``result()`` follows the chain of runs and returns the last run's
        result. Options (task queue, timeouts) carry over from the current run.
        """
        continue_as_new(self, definition_of(type(self)), method, args, kwargs)

    @property
    def info(self) -> WorkflowInfo:
        """The running workflow's :class:`WorkflowInfo` (ids, type, method, task queue, attempt,
        start time, parent; ``history_length`` and ``continue_as_new_suggested`` are live)."""
        return _runtime.current_runtime("info").info()

    @property
    def logger(self) -> WorkflowLogger:
        """A replay-safe logger (a ``logging.LoggerAdapter``): silent while the run replays its
        history, each record carrying ``workflow_id``, ``run_id``, ``workflow_type``, ``method`` (also
        as ``workflow_method``), ``namespace``, ``task_queue`` and ``attempt`` as record attributes,
        so JSON formatters show them. It logs to the logger named after this class's module."""
        runtime = _runtime.current_runtime("logger")
        return WorkflowLogger(logging.getLogger(type(self).__module__), runtime)

    def uuid4(self) -> uuid.UUID:
        """A random UUID that is the same when the run replays (use instead of ``uuid.uuid4()``)."""
        return _runtime.current_runtime("uuid4").uuid4()

    def random(self) -> random.Random:
        """The run's ``random.Random``, seeded by Temporal: the same numbers on replay (use instead of
        the ``random`` module)."""
        return _runtime.current_runtime("random").random()

    def patched(self, patch_id: str) -> bool:
        """Whether this run takes the new code path of change ``patch_id``: True for runs that reach
        it with this code, False for runs recorded before the change (they replay the old path)."""
        return patched(patch_id)

    def deprecate_patch(self, patch_id: str) -> None:
        """Mark change ``patch_id`` as complete: no run on the old path is left, only the new code
        remains (after the ``if self.patched(...)`` branch is removed)."""
        deprecate_patch(patch_id)

    def all_handlers_finished(self) -> bool:
        """Whether no signal or update handler is still running; return only after
        ``await self.wait_until(self.all_handlers_finished)`` so none is cut short."""
        return _runtime.current_runtime("all_handlers_finished").all_handlers_finished()

    # --- local activities (#12) ---------------------------------------------------------------

    @overload
    async def exec_local[R](
        self,
        activity: ActivityDefinition[NoArgs, R],
        /,
        *,
        timeout: Duration,
        retry_policy: AnyRetryPolicy | None = None,
        schedule_to_close_timeout: Duration | None = None,
        cancellation: AnyActivityCancellation = ActivityCancellation.TRY_CANCEL,
    ) -> R: ...
    @overload
    async def exec_local[A, R](
        self,
        activity: ActivityDefinition[A, R],
        args: A,
        /,
        *,
        timeout: Duration,
        retry_policy: AnyRetryPolicy | None = None,
        schedule_to_close_timeout: Duration | None = None,
        cancellation: AnyActivityCancellation = ActivityCancellation.TRY_CANCEL,
    ) -> R: ...
    async def exec_local(
        self,
        activity: ActivityDefinition[Any, Any],
        *args: Any,
        timeout: Duration,
        retry_policy: AnyRetryPolicy | None = None,
        schedule_to_close_timeout: Duration | None = None,
        cancellation: AnyActivityCancellation = ActivityCancellation.TRY_CANCEL,
    ) -> Any:
        """Run ``activity`` as a *local activity*: in the worker running this workflow, without a
        round trip through the server's task queue; return its validated result.

        For short calls (milliseconds to seconds) whose cost would be dominated by scheduling. It
        has no ``heartbeat_timeout`` or ``task_queue``: a long or heartbeating activity belongs in
        :meth:`exec`. Retries follow ``retry_policy`` as with ``exec``; a failure raises
        :class:`ActivityFailedError`. See docs/activities.md.
        """
        return await _runtime.execute_activity(
            activity,
            *args,
            timeout=timeout,
            retry_policy=retry_policy,
            heartbeat_timeout=None,
            task_queue=None,
            schedule_to_close_timeout=schedule_to_close_timeout,
            cancellation=cancellation,
            local=True,
        )

    # --- search attributes (#13) --------------------------------------------------------------

    def upsert_search_attributes(self, *values: SearchAttributeValue[Any]) -> None:
        """Set search attributes of this run, typed by key: ``self.upsert_search_attributes(
        CustomerId.value("c-2"), Total.value(12.5))``; ``Key.unset()`` removes one. Each must be
        registered in the namespace, or the workflow task fails (see docs/visibility.md)."""
        upsert_search_attributes(values)

    @property
    def search_attributes(self) -> SearchAttributes:
        """This run's search attributes (set at start, then upserted), read typed by key:
        ``self.search_attributes.get(CustomerId)`` -> ``str | None``."""
        return _runtime.current_runtime("search_attributes").search_attributes()

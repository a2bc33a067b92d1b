"""The client proxy returned by ``Workflow.client(engine)``.

It exposes the workflow's entry methods. Calling one starts a run and waits for the result;
``proxy.async_(Wf.method, ...)`` (or ``proxy.async_.method(...)``) returns a :class:`MethodHandle`
instead; ``proxy.after(delay)`` delays the start; ``proxy.options(...)`` sets per-call start options.
Signal, query and update handlers are not entry methods: the proxy refuses them and names
``handle.signal(...)`` and its siblings.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Unpack

from temporal_runtime_core import Duration, UnknownMethodError, to_timedelta
from temporal_runtime_workflow import (
    RESERVED_NAMES,
    MethodHandle,
    StartOptionsDict,
    WithStart,
    Workflow,
    definition_of,
    handler_info,
)

from ._options import StartOptions
from ._with_start import RunWithStart

if TYPE_CHECKING:
    from ._client import WorkflowClient

__all__ = ["WorkflowProxy"]


# The entry-method names already checked, by workflow class: a proxy is usually created for each
# call (``Wf.client(engine).method(...)``), and the name's checks give the same answer every time.
_entry_names: weakref.WeakKeyDictionary[type[Workflow], set[str]] = weakref.WeakKeyDictionary()


class _ProxyBase:
    __slots__ = ("_get_client", "_options", "_workflow")

    def __init__(
        self, get_client: Callable[[], WorkflowClient], workflow: type[Workflow], options: StartOptions
    ) -> None:
        self._get_client = get_client
        self._workflow = workflow
        self._options = options

    def _entry(self, name: str) -> str:
        checked = _entry_names.get(self._workflow)
        if checked is not None and name in checked:
            return name
        if name.startswith("__"):
            raise AttributeError(name)
        defn = definition_of(self._workflow)
        info = handler_info(getattr(self._workflow, name, None))
        if info is not None:
            owner = defn.workflow_class.__name__
            raise UnknownMethodError(
                f"{owner}.{name} is a {info.kind} handler, not an entry method: a client proxy only "
                f"starts runs. Send it to a running workflow with handle.{info.kind}({owner}.{name}, ...) "
                "on the handle of that run (proxy.async_(...) or engine.get_handle_for(...) returns one)"
            )
        reserved = RESERVED_NAMES.get(name)
        if reserved is not None:  # a Workflow helper (exec, sleep, ...): never an entry method
            raise UnknownMethodError(
                f"{name!r} is {reserved.member}, {reserved.role}: a client proxy of workflow "
                f"{defn.name!r} does not offer it here; its methods are the entry methods: "
                f"{', '.join(sorted(defn.entry_methods)) or '(none)'}"
            )
        try:
            defn.entry(name)
        except UnknownMethodError as exc:
            raise UnknownMethodError(str(exc)) from None
        _entry_names.setdefault(self._workflow, set()).add(name)
        return name

    def _entry_of(self, method: object) -> str:
        """The name of entry method ``method`` (e.g. ``OrderWorkflow.process``) of the proxy's class."""
        name = getattr(method, "__name__", None)
        if not isinstance(name, str) or not callable(method):
            raise UnknownMethodError(
                f"The proxy takes an entry method such as {self._workflow.__name__}.method, got {method!r}"
            )
        defn = definition_of(self._workflow)
        spec = defn.entry_methods.get(name)
        if spec is None or spec.fn is not method:
            qualname = getattr(method, "__qualname__", name)
            info = handler_info(method)
            what = f"a {info.kind} handler, " if info is not None else ""
            hint = (
                f"; send it to a running workflow with handle.{info.kind}({qualname}, ...)"
                if info is not None
                else ""
            )
            raise UnknownMethodError(
                f"{qualname} is {what}not an entry method of {self._workflow.__name__}{hint}. A proxy "
                f"starts runs of its own class's entry methods: {', '.join(sorted(defn.entry_methods))}"
            )
        return name

    def __dir__(self) -> list[str]:
        return sorted(definition_of(self._workflow).entry_methods)


class _StartingProxy(_ProxyBase):
    """``proxy.async_`` and ``proxy.after(...)`` (typed as ``StartingView``): called with an entry
    method, or through its attribute of the method's name, they return a handle once the run started."""

    __slots__ = ()

    async def __call__(
        self, method: Callable[..., Awaitable[Any]], /, *args: Any, **kwargs: Any
    ) -> MethodHandle[Any]:
        name = self._entry_of(method)
        return await self._get_client().start_method(self._workflow, name, args, kwargs, self._options)

    def __getattr__(self, name: str) -> Callable[..., Awaitable[MethodHandle[Any]]]:
        method = self._entry(name)

        async def start(*args: Any, **kwargs: Any) -> MethodHandle[Any]:
            return await self._get_client().start_method(self._workflow, method, args, kwargs, self._options)

        start.__name__ = method
        return start


class WorkflowProxy(_ProxyBase):
    """Calls entry methods of one workflow class through a :class:`WorkflowClient`.

    ``get_client`` is called at call time, so a proxy can be created before its engine starts.
    """

    __slots__ = ()

    def __init__(
        self,
        get_client: Callable[[], WorkflowClient],
        workflow: type[Workflow],
        options: StartOptions | None = None,
    ) -> None:
        definition_of(workflow)
        super().__init__(get_client, workflow, options or StartOptions())

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        method = self._entry(name)

        async def execute(*args: Any, **kwargs: Any) -> Any:
            return await self._get_client().execute_method(
                self._workflow, method, args, kwargs, self._options
            )

        execute.__name__ = method
        return execute

    @property
    def async_(self) -> _StartingProxy:
        """Start without waiting: ``handle = await proxy.async_(Wf.method, args)`` (typed) or
        ``await proxy.async_.method(args)``."""
        return _StartingProxy(self._get_client, self._workflow, self._options)

    def after(self, delay: Duration) -> _StartingProxy:
        """Start after ``delay`` (seconds or timedelta): ``await proxy.after(3600)(Wf.method, args)``."""
        to_timedelta(delay, "after() delay")
        return _StartingProxy(self._get_client, self._workflow, self._options.merge(start_delay=delay))

    def options(self, **options: Unpack[StartOptionsDict]) -> WorkflowProxy:
        """A proxy whose calls use these start options (``id=``, ``execution_timeout=``, ...)."""
        return WorkflowProxy(self._get_client, self._workflow, self._options.merge(**options))

    # --- signal-with-start and update-with-start (#12) -------------------------------------------

    def with_start(
        self, method: Callable[..., Awaitable[Any]], /, *args: Any, **kwargs: Any
    ) -> WithStart[Any]:
        """The run to start (``Wf.method`` with its arguments, validated now) if none with the proxy's
        id is running, for a message sent with it: ``.signal(...)``, ``.update(...)`` or
        ``.start_update(...)`` on the result (see :class:`WithStart`)."""
        client = self._get_client()
        start = client.prepare_start(self._workflow, self._entry_of(method), args, kwargs, self._options)
        return RunWithStart(client, start, id_given=self._options.id is not None)

    def __repr__(self) -> str:
        return f"<WorkflowProxy {definition_of(self._workflow).name!r}>"

"""``MethodHandle``: a workflow run, typed by its entry method's result and its workflow class.

The handle's interface lives in the workflow layer, next to ``Workflow``, because ``Workflow``
declares what its client proxy returns (``proxy.async_(Wf.method, ...)`` is a ``MethodHandle``);
the client layer implements it over a temporalio handle. Signals, queries and updates are sent by
method reference (``handle.query(Wf.is_approved)`` answers ``bool``) or by name (answers ``Any``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Generic, overload

from typing_extensions import TypeVar

from temporal_runtime_core import Duration, WorkflowDescription, WorkflowStatus

from ._handler_methods import QueryMethod, SignalMethod, UpdateMethod
from ._handlers import message_target
from ._update_handle import UpdateHandle

if TYPE_CHECKING:
    import temporalio.client

__all__ = ["MethodHandle"]

R = TypeVar("R", covariant=True)
W = TypeVar("W", covariant=True, default=Any)


class MethodHandle(ABC, Generic[R, W]):
    """A started workflow run: ``await handle.result()`` returns the entry method's result, ``R``.

    ``W`` is the workflow class when known (a handle from ``proxy.async_(Wf.method, ...)``,
    ``engine.start_workflow`` or ``engine.get_handle_for``), so that messages by reference are
    checked against it: ``handle.signal(Other.approve)`` is a type error on a
    ``MethodHandle[R, Order]``. ``MethodHandle[R]`` (``W`` defaults to ``Any``) accepts any class's
    handlers.
    """

    __slots__ = ()

    @property
    @abstractmethod
    def id(self) -> str:
        """The workflow id."""

    @property
    @abstractmethod
    def run_id(self) -> str | None:
        """The run id this handle was created for (None for a handle by workflow id only)."""

    @property
    @abstractmethod
    def method(self) -> str | None:
        """The entry method the run executes, when known."""

    @property
    @abstractmethod
    def temporal_handle(self) -> temporalio.client.WorkflowHandle[Any, Any]:
        """The underlying temporalio handle, for what this API does not cover."""

    @abstractmethod
    async def result(self, timeout: Duration | None = None) -> R:
        """Wait for the run to finish and return its result.

        Raises :class:`TimeoutError` if ``timeout`` (seconds or timedelta) passes first (the run keeps
        going; the message says why it is stuck when the server knows), or a :class:`WorkflowError`
        subclass if the run failed, was cancelled, terminated or timed out.
        """

    # --- messages ------------------------------------------------------------------------------

    @overload
    async def signal[**P](
        self, signal: SignalMethod[W, P, Any], /, *args: P.args, **kwargs: P.kwargs
    ) -> None: ...
    @overload
    async def signal(self, signal: str, /, *args: Any) -> None: ...
    async def signal(self, signal: object, /, *args: Any, **kwargs: Any) -> None:
        """Send a signal: ``await handle.signal(Wf.approve, "alice")`` or by name,
        ``await handle.signal("approve", "alice")``. Arguments are validated before sending."""
        await self._signal(*message_target("signal", signal), args, kwargs)

    @overload
    async def query[**P, A](
        self, query: QueryMethod[W, P, Coroutine[Any, Any, A]], /, *args: P.args, **kwargs: P.kwargs
    ) -> A: ...
    @overload
    async def query[**P, A](self, query: QueryMethod[W, P, A], /, *args: P.args, **kwargs: P.kwargs) -> A: ...
    @overload
    async def query(self, query: str, /, *args: Any) -> Any: ...
    async def query(self, query: object, /, *args: Any, **kwargs: Any) -> Any:
        """Ask a query and return its answer: ``await handle.query(Wf.is_approved)`` is typed by the
        handler; by name (``handle.query("is_approved")``) the answer is ``Any``."""
        return await self._query(*message_target("query", query), args, kwargs)

    @overload
    async def update[**P, A](
        self, update: UpdateMethod[W, P, Coroutine[Any, Any, A]], /, *args: P.args, **kwargs: P.kwargs
    ) -> A: ...
    @overload
    async def update[**P, A](
        self, update: UpdateMethod[W, P, A], /, *args: P.args, **kwargs: P.kwargs
    ) -> A: ...
    @overload
    async def update(self, update: str, /, *args: Any) -> Any: ...
    async def update(self, update: object, /, *args: Any, **kwargs: Any) -> Any:
        """Send an update and wait for the handler's answer (:class:`UpdateFailedError` when the
        handler raises or the arguments are rejected)."""
        return await self._update(*message_target("update", update), args, kwargs)

    @overload
    async def start_update[**P, A](
        self, update: UpdateMethod[W, P, Coroutine[Any, Any, A]], /, *args: P.args, **kwargs: P.kwargs
    ) -> UpdateHandle[A]: ...
    @overload
    async def start_update[**P, A](
        self, update: UpdateMethod[W, P, A], /, *args: P.args, **kwargs: P.kwargs
    ) -> UpdateHandle[A]: ...
    @overload
    async def start_update(self, update: str, /, *args: Any) -> UpdateHandle[Any]: ...
    async def start_update(self, update: object, /, *args: Any, **kwargs: Any) -> UpdateHandle[Any]:
        """Send an update and return once the run has accepted it; ``await uh.result()`` waits for
        the answer. A rejected update raises :class:`UpdateFailedError` here."""
        return await self._start_update(*message_target("update", update), args, kwargs)

    # --- management ----------------------------------------------------------------------------

    @abstractmethod
    async def cancel(self) -> None:
        """Ask the run to cancel: it sees ``CancelledError`` at its current ``await`` and may clean up."""

    @abstractmethod
    async def terminate(self, reason: str | None = None) -> None:
        """End the run at once, recording ``reason``; no workflow code runs."""

    @abstractmethod
    async def describe(self) -> WorkflowDescription:
        """What the server knows about the run (status, times, method, memo, search attributes,
        pending activities, and the workflow-task failure that keeps it stuck, if any)."""

    @abstractmethod
    async def status(self) -> WorkflowStatus:
        """The run's current status."""

    # --- what implementations provide ----------------------------------------------------------
    # ``name`` is the handler's registered name; ``reference`` the handler function when the caller
    # passed one (an implementation that knows the workflow class checks it is that class's handler).

    @abstractmethod
    async def _signal(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> None:
        """Validate and send signal ``name``."""

    @abstractmethod
    async def _query(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> Any:
        """Validate and ask query ``name``; return the answer decoded into the handler's type."""

    @abstractmethod
    async def _update(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> Any:
        """Validate and send update ``name``; return the answer decoded into the handler's type."""

    @abstractmethod
    async def _start_update(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> UpdateHandle[Any]:
        """Validate and send update ``name``; return once the run accepted it."""

"""``WithStart``: signal-with-start and update-with-start, typed by the start and by the message.

``proxy.options(id="cart-7").with_start(Cart.run, cart)`` (or ``engine.with_start(Cart.run, cart,
id="cart-7")``) names the run to start when none with that id is running; the message then goes with
it in one request: ``.signal(Cart.add_item, item)`` returns the run's ``MethodHandle[R, Cart]``,
``.update(Cart.add_item, item)`` the update's answer, ``.start_update(...)`` an ``UpdateHandle``.

Why two steps: each call has one list of typed arguments (a ``ParamSpec``), and both the start and
the message have arguments of their own. Giving each its own call keeps both precisely typed with no
limit on their number, reuses the handle's message overloads (a handler of another class, or of
another kind, is a type error), and leaves no option keyword (``start=``) that a handler parameter
could collide with.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Generic, overload

from typing_extensions import TypeVar

from ._handler_methods import SignalMethod, UpdateMethod
from ._handlers import message_target
from ._method_handle import MethodHandle
from ._update_handle import UpdateHandle

__all__ = ["WithStart"]

R = TypeVar("R", covariant=True)
W = TypeVar("W", covariant=True, default=Any)


class WithStart(ABC, Generic[R, W]):
    """A start of workflow class ``W`` (whose entry method returns ``R``) waiting for the message it
    goes with: the run is started when no run with the id is running (the id conflict policy
    decides otherwise; default ``USE_EXISTING``), and the message is delivered to the running one.

    The entry method's arguments were validated when this was made; the message's are validated
    before anything is sent. ``W`` defaults to ``Any``.
    """

    __slots__ = ()

    @property
    @abstractmethod
    def id(self) -> str:
        """The workflow id the start and the message target."""

    # --- the messages --------------------------------------------------------------------------

    @overload
    async def signal[**P](
        self, signal: SignalMethod[W, P, Any], /, *args: P.args, **kwargs: P.kwargs
    ) -> MethodHandle[R, W]: ...
    @overload
    async def signal(self, signal: str, /, *args: Any) -> MethodHandle[R, W]: ...
    async def signal(self, signal: object, /, *args: Any, **kwargs: Any) -> MethodHandle[R, W]:
        """Signal-with-start: start the run if none is running, send the signal, return the run's
        handle (of the run that got the signal)."""
        return await self._signal(*message_target("signal", signal), args, kwargs)

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
        """Update-with-start: start the run if none is running, send the update and wait for its
        answer (:class:`UpdateFailedError` when it is rejected or its handler raises)."""
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
        """Update-with-start, returning once the run accepted the update (a rejected one raises
        :class:`UpdateFailedError` here); ``await uh.result()`` waits for the answer."""
        return await self._start_update(*message_target("update", update), args, kwargs)

    # --- what implementations provide ----------------------------------------------------------

    @abstractmethod
    async def _signal(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> MethodHandle[R, W]:
        """Validate signal ``name``'s arguments, then signal-with-start."""

    @abstractmethod
    async def _update(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> Any:
        """Validate update ``name``'s arguments, then update-with-start and wait for the answer."""

    @abstractmethod
    async def _start_update(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> UpdateHandle[Any]:
        """Validate update ``name``'s arguments, then update-with-start; return once accepted."""

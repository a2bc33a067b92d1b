"""``ChildHandle``: a started child workflow, typed by its entry method's result and its class.

The handle is the same for every runtime; what it talks to is a :class:`ChildRun`, which the
workflow runtime returns from ``start_child`` (a temporalio child handle on a worker, an in-process
run or a fake under ``WorkflowTester``). :class:`ChildCall` is what the runtime is asked to start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, overload

from typing_extensions import TypeVar

from temporal_runtime_core import UnknownMethodError

from ._child_options import ChildOptions
from ._definition import WorkflowDefinition
from ._handler_methods import SignalMethod
from ._handlers import message_target

__all__ = ["ChildCall", "ChildHandle", "ChildRun"]

R = TypeVar("R", covariant=True)
W = TypeVar("W", covariant=True, default=Any)


@dataclass(frozen=True, slots=True)
class ChildCall:
    """One child start: whom to start (``workflow_type``, entry ``method``), the validated keyword
    arguments of the envelope, the result type to decode into, the child's id and options.

    ``definition`` is the child's class definition when this process knows it (a start by reference),
    None for a start by name of a class served elsewhere."""

    workflow_type: str
    method: str
    kwargs: Mapping[str, Any]
    result_type: Any
    id: str
    options: ChildOptions
    definition: WorkflowDefinition | None

    @property
    def envelope(self) -> dict[str, Any]:
        """The child's input, ``{"method": ..., "kwargs": {...}}``, as a client start sends it."""
        return {"method": self.method, "kwargs": dict(self.kwargs)}


class ChildRun(Protocol):
    """What a runtime returns for a started child; the handle delegates to it."""

    @property
    def id(self) -> str: ...

    @property
    def run_id(self) -> str | None: ...

    async def result(self) -> Any:
        """The child's result (decoded into the call's result type), or
        :class:`ChildWorkflowFailedError`; ``asyncio.CancelledError`` when the parent is cancelled."""
        ...

    async def signal(self, name: str, args: list[Any]) -> None:
        """Send signal ``name`` with validated positional ``args``."""
        ...

    def cancel(self) -> None:
        """Ask the child to cancel."""
        ...


class ChildHandle(Generic[R, W]):
    """A started child workflow: ``await handle.result()`` returns the child method's result, ``R``.

    ``W`` is the child's workflow class when known (a start by reference), so that
    ``handle.signal(Other.approve)`` is a type error on a ``ChildHandle[R, Payment]``.
    """

    __slots__ = ("_call", "_run")

    def __init__(self, call: ChildCall, run: ChildRun) -> None:
        self._call = call
        self._run = run

    @property
    def id(self) -> str:
        """The child's workflow id."""
        return self._run.id

    @property
    def run_id(self) -> str | None:
        """The child's first run id (None under ``WorkflowTester`` for a fake child)."""
        return self._run.run_id

    @property
    def workflow_type(self) -> str:
        """The child's workflow type name."""
        return self._call.workflow_type

    @property
    def method(self) -> str:
        """The entry method the child runs."""
        return self._call.method

    async def result(self) -> R:
        """Wait for the child to finish and return its result.

        Raises :class:`ChildWorkflowFailedError` when the child failed, was cancelled, terminated or
        timed out (``error_type`` says which), and ``asyncio.CancelledError`` when this workflow is
        being cancelled (the child is asked to cancel too)."""
        result: R = await self._run.result()
        return result

    @overload
    async def signal[**P](
        self, signal: SignalMethod[W, P, Any], /, *args: P.args, **kwargs: P.kwargs
    ) -> None: ...
    @overload
    async def signal(self, signal: str, /, *args: Any) -> None: ...
    async def signal(self, signal: object, /, *args: Any, **kwargs: Any) -> None:
        """Send a signal to the child: ``await handle.signal(Payment.approve, "alice")`` or by name.
        Arguments are validated against the child's handler (when its class is known) before sending."""
        name, reference = message_target("signal", signal)
        await self._run.signal(name, self._signal_args(name, reference, args, kwargs))

    def cancel(self) -> None:
        """Ask the child to cancel: it sees ``CancelledError`` at its current ``await`` and may clean
        up; ``result()`` then raises :class:`ChildWorkflowFailedError` with ``error_type``
        ``"CancelledError"``."""
        self._run.cancel()

    def _signal_args(
        self, name: str, reference: object, args: tuple[Any, ...], kwargs: Mapping[str, Any]
    ) -> list[Any]:
        definition = self._call.definition
        if definition is None:
            if kwargs:
                raise UnknownMethodError(
                    f"Keyword arguments ({', '.join(kwargs)}) need the signal's signature, which this "
                    f"process does not know (child workflow {self._call.workflow_type!r} is not defined "
                    "here): pass the arguments positionally"
                )
            return list(args)
        spec = definition.signal(name)
        if reference is not None and spec.fn is not reference:
            raise UnknownMethodError(
                f"{getattr(reference, '__qualname__', reference)} is not a signal of child workflow "
                f"{definition.name!r} ({definition.origin}): its signal {name!r} is {spec.qualname}. "
                f"Pass a handler of {definition.workflow_class.__name__}"
            )
        return list(spec.bind(args, kwargs).values())

    def __repr__(self) -> str:
        return f"ChildHandle({self._call.workflow_type}.{self._call.method}, id={self.id!r})"

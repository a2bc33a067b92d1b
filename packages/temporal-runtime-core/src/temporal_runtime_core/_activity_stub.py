"""``activity_stub``: declare an activity served by another process or another language.

A stub is an activity handle without an implementation: workflows ``exec`` it, typed by its
``Args``/``Result``, and whichever worker polls the task queue for that name runs it. It never
enters a registry, so no worker of this process serves it, the "not registered" check of ``exec``
skips it, and it cannot replace or hide a registered activity of the same name: both mean the same
remote activity, and a worker of this process that serves the real one runs it when the stub is
exec'd on its queue.
"""

from __future__ import annotations

import inspect
from typing import Any, overload

from ._activity import ActivityDefinition, NoArgs
from ._activity_def import check_types
from ._codec import type_name
from ._errors import ActivityNotRegisteredError

__all__ = ["ActivityStub", "activity_stub"]


async def _served_elsewhere(*_args: object) -> Any:  # pragma: no cover - see require_implementation
    raise AssertionError("a stub has no implementation")


class ActivityStub[A, R](ActivityDefinition[A, R]):
    """An activity declared with :func:`activity_stub`: a name and DTO types, served elsewhere."""

    __slots__ = ("declared_in",)

    def __init__(self, name: str, *, args_type: object, result_type: object, declared_in: str) -> None:
        super().__init__(name, _served_elsewhere, args_type=args_type, result_type=result_type)
        self._inferred_result = None  # no implementation to take a return annotation from
        self.declared_in = declared_in

    @property
    def is_stub(self) -> bool:
        return True

    @property
    def origin(self) -> str:
        return f"{self.declared_in}.activity_stub({self.name!r})"

    def require_implementation(self) -> None:
        raise ActivityNotRegisteredError(
            f"Activity {self.name!r} is a stub (activity_stub in {self.declared_in}): it is served by "
            "another process, so it has no implementation here to call. Run it from a workflow with "
            "`await self.exec(stub, ...)`; in a unit test give WorkflowTester a fake for it "
            "(WorkflowTester(..., activities={stub: fake}))."
        )

    def __repr__(self) -> str:
        args = type_name(self.args_type) if self.takes_args else None
        result = None if self.result_type is None else type_name(self.result_type)
        return f"<activity stub {self.name!r} Args={args} Result={result} declared in {self.declared_in}>"


@overload
def activity_stub[A, R](name: str, *, Args: type[A], Result: type[R]) -> ActivityDefinition[A, R]: ...
@overload
def activity_stub[A](name: str, *, Args: type[A], Result: object = None) -> ActivityDefinition[A, Any]: ...
@overload
def activity_stub[R](name: str, *, Args: object, Result: type[R]) -> ActivityDefinition[Any, R]: ...
@overload
def activity_stub(name: str, *, Args: object, Result: object = None) -> ActivityDefinition[Any, Any]: ...
@overload
def activity_stub[R](name: str, *, Result: type[R]) -> ActivityDefinition[NoArgs, R]: ...
@overload
def activity_stub(name: str, *, Result: object = None) -> ActivityDefinition[NoArgs, Any]: ...
def activity_stub(name: str, *, Args: object = NoArgs, Result: object = None) -> ActivityDefinition[Any, Any]:
    """Declare the activity ``name``, served by another process or language, for workflows to exec.

    ``Args`` and ``Result`` take any type pydantic validates, as in ``activity_def``: the argument
    is validated before it is sent and the result when it comes back (plain JSON without
    ``Result``). Omit ``Args`` for an activity that takes no argument. Type checkers see
    ``ActivityDefinition[Args, Result]`` when both are classes (``Any`` for a type form that is not
    a class, such as ``str | None``: annotate the variable to keep it precise).

    The stub is not registered anywhere: no worker of this process serves it, and a registered
    activity of the same name is the same remote activity (see the module's notes).
    """
    check_types("activity_stub", name, Args, Result)
    frame = inspect.currentframe()
    caller = frame.f_back if frame is not None else None
    module = caller.f_globals.get("__name__", "?") if caller is not None else "?"
    del frame, caller  # no reference cycle through this frame
    return ActivityStub(name, args_type=Args, result_type=Result, declared_in=str(module))

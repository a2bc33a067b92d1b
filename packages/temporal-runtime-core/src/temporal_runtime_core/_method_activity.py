"""Method activities: ``activity_def`` on a method of a class whose instance the worker is given.

Activities that need resources (a database pool, an HTTP client) are methods of a class::

    class EmailActivities:
        def __init__(self, smtp: Smtp) -> None:
            self._smtp = smtp

        @activity_def("send_email", Args=Email)
        async def send(self, email: Email) -> Receipt: ...

``EmailActivities.send`` (class access) is the :class:`MethodActivity` handle workflows pass to
``exec``; ``EmailActivities(smtp).send`` (instance access) is the same activity bound to that
instance, which runs the implementation when awaited and is what a worker serves
(``TemporalEngine(activity_instances=[EmailActivities(smtp)])``). Workflow code only references the
class attribute, so the workflow sandbox never constructs an instance.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from types import MethodType
from typing import Any, Self, TypeGuard, overload

from ._activity import ActivityDefinition
from ._codec import DtoCodec, default_codec, type_name
from ._errors import DefinitionError

__all__ = ["MethodActivity", "defined_in_class"]


class MethodActivity[A, R](ActivityDefinition[A, R]):
    """An activity defined by ``activity_def(...)`` on a method, reached through its class.

    Pass it to ``self.exec(...)`` in workflows, as any activity handle. It has no implementation
    of its own to run (``fn`` takes ``self``): ``instance.method`` (or :meth:`bind`) is the activity
    bound to ``instance``, a plain :class:`ActivityDefinition` that runs it. ``owner`` is the class
    whose body defined it (set when the class is created).
    """

    __slots__ = ("attribute", "owner")

    def __init__(
        self,
        name: str,
        fn: Callable[..., Awaitable[R]] | Callable[..., R],
        *,
        args_type: Any,
        result_type: Any | None,
        codec: DtoCodec = default_codec,
    ) -> None:
        super().__init__(name, fn, args_type=args_type, result_type=result_type, codec=codec)
        self.owner: type | None = None
        self.attribute: str = getattr(fn, "__name__", name)

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner = owner
        self.attribute = name

    @property
    def class_name(self) -> str:
        """The qualified name of the class defining the method (from the qualname if not set yet)."""
        if self.owner is not None:
            return self.owner.__qualname__
        return getattr(self.fn, "__qualname__", "?").rpartition(".")[0] or "?"

    @overload
    def __get__(self, instance: None, owner: type | None = None, /) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None, /) -> ActivityDefinition[A, R]: ...
    def __get__(self, instance: object | None, owner: type | None = None, /) -> Any:
        if instance is None:
            return self
        return self.bind(instance)

    def bind(self, instance: object) -> ActivityDefinition[A, R]:
        """This activity running on ``instance`` (what ``instance.method`` returns)."""
        if self.owner is not None and not isinstance(instance, self.owner):
            raise DefinitionError(
                f"Method activity {self.name!r} ({self.origin}) can only be bound to an instance of "
                f"{self.class_name}, got {instance!r}"
            )
        # Resolve the result type once, for every bound copy to share; if it cannot be resolved yet,
        # the bound copy resolves it at first use (or says why not).
        with suppress(DefinitionError):
            _ = self.result_validation_type
        return self._with_implementation(MethodType(self.fn, instance))

    def require_implementation(self) -> None:
        call = (
            f"{self.class_name}(...).{self.attribute}(args)"
            if self.takes_args
            else f"{self.class_name}(...).{self.attribute}()"
        )
        raise DefinitionError(
            f"{self.class_name}.{self.attribute} is a method activity ({self.name!r}): it runs on an "
            f"instance of {self.class_name}. Call it on one, `await {call}`, or in a test "
            f"`ActivityTester().run(instance.{self.attribute}"
            + (f", {type_name(self.args_type)} value)`" if self.takes_args else ")`")
            + ". A worker runs it on the instance given as "
            f"TemporalEngine(activity_instances=[{self.class_name}(...)])."
        )

    @staticmethod
    def of_class(owner: type) -> list[MethodActivity[Any, Any]]:
        """The method activities ``owner`` defines or inherits (an attribute a subclass redefines
        hides the base class's one), in definition order."""
        seen: set[str] = set()
        found: list[MethodActivity[Any, Any]] = []
        for klass in owner.__mro__:
            for attribute, value in vars(klass).items():
                if attribute in seen:
                    continue
                seen.add(attribute)
                if _is_method_activity(value):
                    found.append(value)
        return found

    def __repr__(self) -> str:
        return f"<method {super().__repr__()[1:]}"


def _is_method_activity(value: object) -> TypeGuard[MethodActivity[Any, Any]]:
    # A class attribute's type arguments are not known: Any, for both type checkers.
    return isinstance(value, MethodActivity)


def defined_in_class(fn: object) -> bool:
    """Whether ``fn`` was defined in a class body (its qualname is ``Class.method``, possibly nested
    in a function: ``test.<locals>.Class.method``), so ``activity_def`` makes a method activity."""
    qualname = getattr(fn, "__qualname__", "")
    if not isinstance(qualname, str):
        return False
    parts = qualname.split(".")
    return len(parts) >= 2 and parts[-2] != "<locals>"

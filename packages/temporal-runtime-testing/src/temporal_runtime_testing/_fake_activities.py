"""The :class:`WorkflowTester`'s fake activities: checking a fake, calling it, recording the call.

A fake stands in for an activity implementation: a function of the validated ``Args``, an
exception (instance or class) to raise, or a value to return. A fake is called the way a worker
calls the implementation (arguments and result through JSON). What happens when it raises (the
failure a worker reports, retries in virtual time) is the retry loop's business
(:mod:`._retry_loop`).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeGuard, cast

import temporalio.exceptions

from temporal_runtime_core import (
    ActivityCancellation,
    ActivityDefinition,
    ActivityNotRegisteredError,
    DefinitionError,
    InvalidArgumentsError,
    InvalidResultError,
    MethodActivity,
    default_codec,
    type_name,
)
from temporal_runtime_workflow import AnyActivityCancellation, AnyRetryPolicy

from ._errors import MissingFakeError
from ._json_round_trip import through_json
from ._virtual_clock import VirtualClock

__all__ = [
    "ActivityCallRecord",
    "FakeEntry",
    "activity_args_json",
    "call_fake",
    "check_fake",
    "missing_fake_error",
]

type FakeEntry = tuple[ActivityDefinition[Any, Any], object]
"""An activity handle and the fake registered for it (a tester's fakes are keyed by activity name)."""


@dataclass(frozen=True, slots=True)
class ActivityCallRecord[A]:
    """One attempt of one activity call the workflow made (see :attr:`WorkflowTester.calls`)."""

    activity: ActivityDefinition[A, Any]
    """The activity handle the workflow passed to ``exec``."""
    args: A
    """The validated argument (a copy, as the activity received it)."""
    attempt: int
    """1 for the first attempt, 2 for the first retry, ..."""
    time: datetime
    """The virtual time the attempt started at."""
    timeout: timedelta
    """``timeout=`` of the ``exec`` call (start-to-close; recorded, not enforced)."""
    schedule_to_close_timeout: timedelta | None
    heartbeat_timeout: timedelta | None
    retry_policy: AnyRetryPolicy | None
    task_queue: str | None
    cancellation: AnyActivityCancellation = ActivityCancellation.TRY_CANCEL
    """``cancellation=`` of the ``exec`` call (recorded)."""
    local: bool = False
    """Whether the workflow ran it with ``exec_local``."""

    @property
    def name(self) -> str:
        """The activity's registered name."""
        return self.activity.name


# --- registering and calling fakes -----------------------------------------------------------------


def check_fake(activity: object, fake: object) -> ActivityDefinition[Any, Any]:
    """``activity`` as a handle, once ``fake`` is known to fit it (else :class:`DefinitionError`)."""
    if not _is_activity(activity):
        raise DefinitionError(
            "WorkflowTester fakes are keyed by activity handles (what activity_def(...) returned), "
            f"got {activity!r}"
            + (" (pass the handle itself, not its name)" if isinstance(activity, str) else "")
        )
    handle: ActivityDefinition[Any, Any] = activity
    if _is_activity(fake):
        try:
            fake.require_implementation()
        except (DefinitionError, ActivityNotRegisteredError) as exc:
            raise DefinitionError(
                f"The fake for activity {handle.name!r} cannot be {fake!r}: {exc}"
            ) from None
    if callable(fake) and not _is_exception_class(fake):
        try:
            signature = inspect.signature(fake)
        except (TypeError, ValueError):
            pass
        else:
            try:
                signature.bind(None) if handle.takes_args else signature.bind()
            except TypeError:
                if not handle.takes_args:
                    raise DefinitionError(
                        f"The fake for activity {handle.name!r} ({fake!r}) must take no argument, "
                        "as the activity has no Args=; define it as def fake() (or async def), or "
                        "pass a value or an exception instead"
                    ) from None
                raise DefinitionError(
                    f"The fake for activity {handle.name!r} ({fake!r}) must accept one positional "
                    f"argument, the activity's {type_name(handle.args_type)} value; define it as "
                    "def fake(args) (or async def), or pass a value or an exception instead"
                ) from None
    return handle


def _is_activity(value: object) -> TypeGuard[ActivityDefinition[Any, Any]]:
    # A value given by the test: its type arguments are not known (Any, for both type checkers).
    return isinstance(value, ActivityDefinition)


def activity_args_json(activity: ActivityDefinition[Any, Any], args: object) -> Any:
    """The argument of ``activity`` as plain JSON, as a worker receives it."""
    return through_json(args, f"the arguments of activity {activity.name!r}")


async def call_fake(
    clock: VirtualClock, activity: ActivityDefinition[Any, Any], fake: object, args: Any
) -> Any:
    """One attempt: call the fake like a worker calls the implementation; plain JSON back."""
    if isinstance(fake, BaseException):
        raise fake
    if _is_exception_class(fake):
        raise _instantiate(cast(type[BaseException], fake), activity.name)
    if callable(fake):
        value = activity.validate_args(activity_args_json(activity, args))
        clock.activity_started()
        try:
            result = fake(value) if activity.takes_args else fake()
            if inspect.isawaitable(result):
                result = await result
        finally:
            clock.activity_finished()
    else:
        result = fake
    try:
        validated = activity.validate_result(result)
        return json.loads(default_codec.encode(validated))
    except InvalidArgumentsError as exc:  # InvalidResultError, or a result JSON cannot carry
        raise temporalio.exceptions.ApplicationError(
            f"{exc} (returned by the fake {fake!r})", type=InvalidResultError.__name__, non_retryable=True
        ) from None


def missing_fake_error(
    activity: ActivityDefinition[Any, Any], method: str, workflow_class: str, faked: Iterable[str]
) -> MissingFakeError:
    """The error for ``method`` (of ``workflow_class``) calling ``activity``, which has no fake."""
    faked_names = ", ".join(sorted(faked)) or "none"
    if activity.is_stub:
        what = (
            "It is a stub (served by another process), so the tester can only fake it; <handle> is "
            f"what activity_stub({activity.name!r}, ...) returned ({activity.origin})"
        )
    elif isinstance(activity, MethodActivity):
        method_name = f"{activity.class_name}.{activity.attribute}"
        what = (
            f"<handle> is the method activity {method_name} ({activity.origin}); to run the real "
            f"method, pass it bound to an instance as the fake: {{{method_name}: "
            f"{activity.class_name}(...).{activity.attribute}}}"
        )
    else:
        what = (
            f"<handle> is what activity_def({activity.name!r}, ...) returned (implementation "
            f"{activity.origin})"
        )
    takes = type_name(activity.args_type) if activity.takes_args else "no argument"
    return MissingFakeError(
        f"Activity {activity.name!r} has no fake in this WorkflowTester, so {method} "
        f"cannot run it. Add one: WorkflowTester({workflow_class}, activities={{<handle>: fake}}) or "
        "tester.fake(<handle>, fake), where fake is a value to return, an exception to raise, or "
        f"a function taking {takes}. {what}. Activities with fakes: {faked_names}.",
        activity_name=activity.name,
    )


def _is_exception_class(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseException)


def _instantiate(cls: type[BaseException], activity_name: str) -> BaseException:
    try:
        return cls(f"raised by the fake of activity {activity_name!r}")
    except TypeError:
        return cls()

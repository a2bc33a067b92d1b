"""The hidden Temporal workflow class generated for each user ``Workflow`` subclass.

The adapter is an ordinary ``@workflow.defn`` class with one ``run(payload)`` method. The payload is
``{"method": "<entry method>", "kwargs": {...}}``; ``run`` validates it (see ``_envelope``) and calls
the user's method.
Signal, query and update handlers are attached for every ``@wf_signal``/``@wf_query``/
``@wf_update`` method.

Temporal's sandbox re-imports the workflow's module for each run as ``from <module> import
<adapter name>``, so the adapter lives in the user's module under a deterministic name.
"""

import logging
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import temporalio.common
import temporalio.exceptions
import temporalio.workflow

from temporal_runtime_core import (
    ActivityFailedError,
    InvalidArgumentsError,
    QueryWaitError,
    TemporalRuntimeError,
    UnknownMethodError,
)

from ._definition import Handler, WorkflowDefinition
from ._envelope import read_call, read_call_value
from ._methods import MethodSpec

__all__ = ["adapter_name", "build_adapter", "run_without_waiting", "to_failure"]

_log = logging.getLogger("temporal_runtime.workflow")

_NON_RETRYABLE = (InvalidArgumentsError, UnknownMethodError, TemporalRuntimeError)
_PASS_THROUGH: tuple[type[BaseException], ...] = (
    temporalio.exceptions.FailureError,
    temporalio.workflow.NondeterminismError,
    temporalio.workflow.ReadOnlyContextError,
)


def adapter_name(workflow_class: type) -> str:
    """The module attribute under which the adapter of ``workflow_class`` lives."""
    return f"_TemporalAdapter_{workflow_class.__qualname__.replace('.', '__')}"


def to_failure(exc: Exception) -> BaseException:
    """What to raise from workflow code so that ``exc`` fails the *workflow*, not the task.

    temporalio retries a workflow task forever when workflow code raises anything but a Temporal
    failure; a user's exception must reach the caller instead. The original exception stays the
    ``__cause__`` so its traceback is recorded in history.
    """
    if isinstance(exc, _PASS_THROUGH) or type(exc).__name__ == "_NotInWorkflowEventLoopError":
        return exc
    if isinstance(exc, ActivityFailedError) and isinstance(
        exc.__cause__, temporalio.exceptions.ActivityError
    ):
        return exc.__cause__  # keep Temporal's native activity failure chain
    failure = temporalio.exceptions.ApplicationError(
        str(exc) or type(exc).__name__,
        type=type(exc).__name__,
        non_retryable=isinstance(exc, _NON_RETRYABLE),
    )
    failure.__cause__ = exc
    return failure


async def _dispatch(defn: WorkflowDefinition, instance: object, payload: object) -> Any:
    try:
        if isinstance(payload, temporalio.common.RawValue):
            spec, kwargs = read_call(defn, payload.payload)
        else:
            spec, kwargs = read_call_value(defn, payload)
        return await getattr(instance, spec.name)(**kwargs)
    except Exception as exc:
        failure = to_failure(exc)
        if failure is exc:
            raise
        raise failure from exc


def _named[F: Callable[..., Any]](fn: F, owner: str, attr: str, module: str) -> F:
    fn.__name__ = attr
    fn.__qualname__ = f"{owner}.{attr}"
    fn.__module__ = module
    return fn


def _signal_handler(spec: MethodSpec) -> Callable[..., Coroutine[Any, Any, None]]:
    async def handler(self: Any, *args: Any) -> None:
        try:
            values = spec.validate_positional(args)
        except InvalidArgumentsError as exc:
            # Dropping matches temporalio's behaviour for undecodable signals; failing the workflow
            # because a sender sent garbage would lose the work already done.
            _log.warning("Dropped signal for %s: %s", spec.qualname, exc)
            return
        try:
            result = getattr(self._wf, spec.name)(*values)
            if spec.is_async:
                await result
        except Exception as exc:
            failure = to_failure(exc)
            if failure is exc:
                raise
            raise failure from exc

    return handler


def _update_handler(spec: MethodSpec) -> Callable[..., Coroutine[Any, Any, Any]]:
    async def handler(self: Any, *args: Any) -> Any:
        try:
            values = spec.validate_positional(args)
            result = getattr(self._wf, spec.name)(*values)
            return (await result) if spec.is_async else result
        except Exception as exc:
            # Any exception fails this update for its caller; the workflow itself carries on.
            failure = to_failure(exc)
            if isinstance(failure, temporalio.exceptions.ApplicationError) and failure is not exc:
                raise temporalio.exceptions.ApplicationError(
                    failure.message, type=failure.type, non_retryable=True
                ) from exc
            raise

    return handler


def _query_handler(spec: MethodSpec) -> Callable[..., Any]:
    def handler(self: Any, *args: Any) -> Any:
        values = spec.validate_positional(args)
        result = getattr(self._wf, spec.name)(*values)
        if not spec.is_async:
            return result
        return run_without_waiting(result, spec)

    return handler


def run_without_waiting(coro: Coroutine[Any, Any, Any], spec: MethodSpec) -> Any:
    """Run an ``async def`` query to completion synchronously; it must never suspend.

    A query that suspends, or that tries to wait (the runtime raises ``ReadOnlyContextError``),
    raises :class:`QueryWaitError` (a caller through a worker sees a :class:`QueryFailedError`).
    """
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    except temporalio.workflow.ReadOnlyContextError:
        pass  # it tried to schedule a timer, an activity, ...
    else:
        coro.close()
    raise QueryWaitError(
        f"Query {spec.qualname} tried to wait (await something that suspends). Queries are answered "
        "immediately and must only read workflow state; move waiting into the workflow or a signal."
    )


def _temporal_handler(handler: Handler, owner: str, module: str) -> tuple[str, Any] | None:
    """The adapter attribute that serves ``handler`` to Temporal, and its name (None for an entry
    method: those are reached through ``run``)."""
    spec = handler.spec
    attr = f"{handler.kind}__{spec.name}"
    match handler.kind:
        case "signal":
            fn: Callable[..., Any] = _signal_handler(spec)
            decorate: Callable[[Callable[..., Any]], Any] = temporalio.workflow.signal(name=handler.name)
        case "query":
            fn = _query_handler(spec)
            decorate = temporalio.workflow.query(name=handler.name)
        case "update":
            fn = _update_handler(spec)
            decorate = temporalio.workflow.update(name=handler.name)
        case "entry":
            return None
    return attr, decorate(_named(fn, owner, attr, module))


def build_adapter(defn: WorkflowDefinition) -> type:
    """Create the adapter class for ``defn``, decorate it for Temporal and publish it in the module."""
    user_cls = defn.workflow_class
    module_name = user_cls.__module__
    name = adapter_name(user_cls)

    def __init__(self: Any) -> None:
        self._wf = user_cls()

    # The raw payload: read_call validates its bytes straight into the entry method's types.
    async def run(self: Any, payload: temporalio.common.RawValue) -> Any:
        return await _dispatch(defn, self._wf, payload)

    # temporalio takes the payload types from the run method's annotations and skips `self` only
    # when it is unannotated: otherwise it would decode the payload as `Any` (JSON values).
    del run.__annotations__["self"]

    namespace: dict[str, Any] = {
        "__init__": _named(__init__, name, "__init__", module_name),
        "run": temporalio.workflow.run(_named(run, name, "run", module_name)),
        "__module__": module_name,
        "__qualname__": name,
        "__doc__": f"Temporal adapter generated by temporal-runtime for {defn.origin}.",
    }
    for handler in defn.handlers():
        served = _temporal_handler(handler, name, module_name)
        if served is not None:
            attr, method = served
            namespace[attr] = method

    adapter = type(name, (), namespace)
    adapter = temporalio.workflow.defn(name=defn.name)(adapter)
    module = sys.modules.get(module_name)
    if module is not None:
        setattr(module, name, adapter)
    return adapter

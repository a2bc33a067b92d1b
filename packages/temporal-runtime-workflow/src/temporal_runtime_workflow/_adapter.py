"""The hidden Temporal workflow class generated for each user ``Workflow`` subclass.

The adapter is an ordinary ``@workflow.defn`` class with one ``run(payload)`` method. The payload is
``{"method": "<entry method>", "kwargs": {...}}``; ``run`` validates it (see ``_envelope``) and calls
the user's method. What an exception raised there fails, the run or only the workflow task, is
decided in ``_failure_policy``.
Signal, query and update handlers are attached for every ``@wf_signal``/``@wf_query``/
``@wf_update`` method.

Temporal's sandbox re-imports the workflow's module for each run as ``from <module> import
<adapter name>``, so the adapter lives in the user's module under a deterministic name.
"""

import inspect
import logging
import sys
from collections.abc import Callable, Coroutine
from types import ModuleType
from typing import Any

import temporalio.common
import temporalio.workflow

from temporal_runtime_core import InvalidArgumentsError, QueryWaitError

from ._definition import Handler, WorkflowDefinition
from ._envelope import read_call, read_call_value, wrong_input_count
from ._failure_policy import failure_to_raise, update_failure
from ._handlers import validator_of
from ._info import METHOD_ATTRIBUTE
from ._methods import MethodSpec
from ._task_failures import forget_task_failure

__all__ = ["adapter_name", "build_adapter", "run_without_waiting"]

_log = logging.getLogger("temporal_runtime.workflow")


def adapter_name(workflow_class: type) -> str:
    """The module attribute under which the adapter of ``workflow_class`` lives."""
    return f"_TemporalAdapter_{workflow_class.__qualname__.replace('.', '__')}"


def _run_method(defn: WorkflowDefinition) -> Callable[..., Coroutine[Any, Any, Any]]:
    """The adapter's ``run``: read the call from the input, then call the entry method on the
    user's instance (one coroutine, called by temporalio, around the entry method's)."""

    async def run(self: Any, *payloads: Any) -> Any:
        spec: MethodSpec | None = None
        try:
            if len(payloads) != 1:
                raise wrong_input_count(defn, payloads)
            [payload] = payloads
            if isinstance(payload, temporalio.common.RawValue):
                spec, kwargs = read_call(defn, payload.payload)
            else:
                spec, kwargs = read_call_value(defn, payload)
            name = spec.name
            setattr(self, METHOD_ATTRIBUTE, name)  # note_entry_method(self, name), inline
            result = await getattr(self._wf, name)(**kwargs)
        except Exception as exc:
            where = spec.qualname if spec is not None else f"{defn.origin} (reading its input)"
            failure = failure_to_raise(exc, defn, where)
            if failure is exc:
                raise
            # Keep the cause the failure has: Temporal's activity failure must keep its own.
            raise failure from failure.__cause__
        if temporalio.workflow.in_workflow():
            forget_task_failure()
        return result

    return run


def _named[F: Callable[..., Any]](fn: F, owner: str, attr: str, module: str) -> F:
    fn.__name__ = attr
    fn.__qualname__ = f"{owner}.{attr}"
    fn.__module__ = module
    return fn


def _signal_handler(defn: WorkflowDefinition, spec: MethodSpec) -> Callable[..., Coroutine[Any, Any, None]]:
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
            # As in an entry method: a business failure fails the run, a bug the workflow task.
            failure = failure_to_raise(exc, defn, spec.qualname)
            if failure is exc:
                raise
            raise failure from failure.__cause__

    return handler


def _update_handler(defn: WorkflowDefinition, spec: MethodSpec) -> Callable[..., Coroutine[Any, Any, Any]]:
    async def handler(self: Any, *args: Any) -> Any:
        try:
            values = spec.validate_positional(args)
            result = getattr(self._wf, spec.name)(*values)
            return (await result) if spec.is_async else result
        except Exception as exc:
            # Any exception fails this update for its caller; the workflow itself carries on.
            failure = update_failure(exc, defn)
            if failure is exc:
                raise
            raise failure from failure.__cause__

    return handler


def _update_validator(defn: WorkflowDefinition, spec: MethodSpec) -> Callable[..., None]:
    """The validator temporalio runs before accepting update ``spec``: the arguments must validate
    and the ``@handler.validator`` method, if any, must not raise. Raising here *rejects* the
    update: its caller gets ``UpdateFailedError`` and the run's history records nothing of it."""
    user_validator = validator_of(spec.fn)

    def validator(self: Any, *args: Any) -> None:
        try:
            values = spec.validate_positional(args)
            if user_validator is not None:
                user_validator(self._wf, *values)
        except temporalio.workflow.ReadOnlyContextError:
            raise  # it tried to schedule something: temporalio fails the workflow task
        except Exception as exc:
            failure = update_failure(exc, defn)
            if failure is exc:
                raise
            raise failure from failure.__cause__

    return validator


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


def _temporal_handler(
    defn: WorkflowDefinition, handler: Handler, owner: str, module: str
) -> tuple[str, Any] | None:
    """The adapter attribute that serves ``handler`` to Temporal, and its name (None for an entry
    method: those are reached through ``run``)."""
    spec = handler.spec
    attr = f"{handler.kind}__{spec.name}"
    match handler.kind:
        case "signal":
            fn: Callable[..., Any] = _signal_handler(defn, spec)
            decorate: Callable[[Callable[..., Any]], Any] = temporalio.workflow.signal(name=handler.name)
        case "query":
            fn = _query_handler(spec)
            decorate = temporalio.workflow.query(name=handler.name)
        case "update":
            served = temporalio.workflow.update(name=handler.name)(
                _named(_update_handler(defn, spec), owner, attr, module)
            )
            served.validator(_named(_update_validator(defn, spec), owner, f"{attr}__validator", module))
            return attr, served
        case "entry":
            return None
    return attr, decorate(_named(fn, owner, attr, module))


def build_adapter(defn: WorkflowDefinition, module: ModuleType | None = None) -> type:
    """Create the adapter class for ``defn``, decorate it for Temporal and publish it in ``module``
    (default: the class's module as ``sys.modules`` has it now)."""
    user_cls = defn.workflow_class
    module_name = user_cls.__module__
    name = adapter_name(user_cls)

    def __init__(self: Any) -> None:
        try:
            self._wf = user_cls()
        except Exception as exc:
            # temporalio creates the instance outside `run`, so a constructor that raises fails the
            # workflow task whatever it raises; the failure policy still reports it once at ERROR.
            failure = failure_to_raise(exc, defn, f"{defn.origin}.__init__")
            if failure is exc:
                raise
            raise failure from failure.__cause__

    run = _run_method(defn)

    # temporalio reads the payload types off the run method's signature. It is told of one
    # parameter, the raw payload (read_call validates its bytes straight into the entry method's
    # types; temporalio still decodes other encodings), while the function takes any number: a run
    # started with none or several (temporalio then passes the decoded values) fails with our message
    # instead of a TypeError that would fail its workflow task forever. `self` must stay unannotated.
    run.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(
                "payload", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=temporalio.common.RawValue
            ),
        ]
    )
    run.__annotations__ = {"payload": temporalio.common.RawValue, "return": Any}

    namespace: dict[str, Any] = {
        "__init__": _named(__init__, name, "__init__", module_name),
        "run": temporalio.workflow.run(_named(run, name, "run", module_name)),
        "__module__": module_name,
        "__qualname__": name,
        "__doc__": f"Temporal adapter generated by temporal-runtime for {defn.origin}.",
    }
    for handler in defn.handlers():
        served = _temporal_handler(defn, handler, name, module_name)
        if served is not None:
            attr, method = served
            namespace[attr] = method

    adapter = type(name, (), namespace)
    # temporalio fails the run, not the task, for the listed exception types (see _failure_policy).
    decorate = temporalio.workflow.defn(name=defn.name, failure_exception_types=defn.failure_exceptions)
    adapter = decorate(adapter)
    if module is None:
        module = sys.modules.get(module_name)
    if module is not None:
        setattr(module, name, adapter)
    return adapter

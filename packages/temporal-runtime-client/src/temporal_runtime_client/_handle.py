"""``RunHandle``: the :class:`MethodHandle` of a run on a Temporal server, over a temporalio handle."""

from __future__ import annotations

import asyncio
import os
import sys
import warnings
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, cast

import temporalio.client
import temporalio.service
from typing_extensions import TypeVar

from temporal_runtime_core import (
    Duration,
    UnknownMethodError,
    WorkflowDescription,
    WorkflowRegistry,
    WorkflowStatus,
    to_timedelta,
)
from temporal_runtime_workflow import MessageKind, MethodHandle, MethodSpec, UpdateHandle, WorkflowDefinition

from ._describe import describe_run, run_status
from ._errors import raise_translated
from ._task_failure import last_task_failure, stuck_explanation
from ._transient_wait import is_transient, keep_waiting, read_through_refusals
from ._update_handle import RunUpdateHandle

__all__ = ["RunHandle", "raise_if_rejected"]

R = TypeVar("R", covariant=True)
W = TypeVar("W", covariant=True, default=Any)

_DIAGNOSIS_TIMEOUT: Final = 5.0
"""Seconds a timed-out ``result()`` may spend finding out why the run is stuck."""


async def _translated[T](call: Awaitable[T], workflow_id: str, run_id: str | None) -> T:
    try:
        return await call
    except Exception as exc:
        raise_translated(exc, workflow_id=workflow_id, run_id=run_id)


async def raise_if_rejected(
    started: temporalio.client.WorkflowUpdateHandle[Any], workflow_id: str, run_id: str | None
) -> None:
    """Raise :class:`UpdateFailedError` when the server's answer to a start already holds a failure:
    the update was rejected (by its validator, or its arguments), so no handle of it can be waited
    on. (An update whose handler failed before the server answered raises here too.)"""
    outcome = getattr(started, "_known_outcome", None)  # temporalio keeps the answer's outcome there
    if outcome is not None and outcome.HasField("failure"):
        await _translated(started.result(), workflow_id, run_id)


class RunHandle(MethodHandle[R, W]):
    """A workflow run on a Temporal server, started through temporal-runtime or looked up by id.

    ``await handle.result()`` returns the entry method's result, typed ``R``. A handle made from a
    workflow id alone (``engine.get_handle(id)``) knows no workflow class; given ``registry``, its
    first signal, query or update looks the run's workflow type up there (one ``describe`` call), so
    that a misspelt name or a wrong argument is caught as on a typed handle. Its results stay plain
    JSON values either way. ``client`` lets :meth:`describe` read the run's history to name the
    failure of a stuck run.
    """

    def __init__(
        self,
        handle: temporalio.client.WorkflowHandle[Any, Any],
        definition: WorkflowDefinition | None = None,
        method: str | None = None,
        *,
        client: temporalio.client.Client | None = None,
        registry: WorkflowRegistry | None = None,
    ) -> None:
        self._handle = handle
        self._definition = definition
        self._method = method
        self._client = client
        self._registry = registry if definition is None else None
        self._looked_up: WorkflowDefinition | None = None
        self._unknown_type: str | None = None

    @property
    def id(self) -> str:
        """The workflow id."""
        return self._handle.id

    @property
    def run_id(self) -> str | None:
        """The run id of the run this handle was created for (None for a handle by id only)."""
        return self._handle.result_run_id or self._handle.run_id

    @property
    def method(self) -> str | None:
        """The entry method this run executes, when known."""
        return self._method

    @property
    def temporal_handle(self) -> temporalio.client.WorkflowHandle[Any, Any]:
        """The underlying temporalio handle, for what this API does not cover."""
        return self._handle

    async def result(self, timeout: Duration | None = None) -> R:
        """Wait for the run to finish and return its result.

        Raises :class:`TimeoutError` if ``timeout`` (seconds or timedelta) passes first (the workflow
        keeps running; when its workflow task keeps failing, or no worker picks it up, the message
        says so), or a :class:`WorkflowError` subclass if the run failed, was cancelled, terminated
        or timed out. The server's transient refusals of the wait (RESOURCE_EXHAUSTED when a loaded
        cluster is over its long-poll limit, UNAVAILABLE while it restarts) are retried with backoff
        within ``timeout``; without one, for up to two minutes in a row, then an
        :class:`EngineError` says why.
        """
        if timeout is None:  # the common case, without the extra coroutine layer of _translated
            try:
                try:
                    return cast(R, await self._handle.result())
                except temporalio.service.RPCError as exc:
                    if not is_transient(exc):
                        raise
                    return cast(R, await keep_waiting(self._handle.result, exc, self.id))
            except Exception as exc:
                raise_translated(exc, workflow_id=self.id, run_id=self.run_id)
        limit = to_timedelta(timeout, "result timeout")  # before creating a coroutine it would leak
        call = _translated(
            read_through_refusals(self._handle.result, self.id, give_up_after=None), self.id, self.run_id
        )
        deadline = asyncio.timeout(limit.total_seconds())
        try:
            async with deadline:
                return cast(R, await call)
        except TimeoutError:
            if not deadline.expired():
                raise  # the workflow itself timed out (WorkflowTimedOutError)
        why = await self._why_stuck()
        raise TimeoutError(
            f"Workflow {self.id!r} did not finish within {limit}; it is still running"
            + (f", but {why}" if why else "")
        ) from None

    async def _why_stuck(self) -> str | None:
        """What keeps the run from finishing, when the server's description says (never raises: a
        caller whose wait timed out gets its TimeoutError either way)."""
        try:
            async with asyncio.timeout(_DIAGNOSIS_TIMEOUT):
                described = await self._handle.describe()
                return stuck_explanation(described, await last_task_failure(self._client, described))
        except Exception:
            return None

    async def _signal(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> None:
        values = _bind(await self._handler("signal", name, reference), args, kwargs)
        await _translated(self._handle.signal(name, args=values), self.id, self.run_id)

    async def _query(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> Any:
        spec = await self._handler("query", name, reference)
        values = _bind(spec, args, kwargs)
        return await _translated(
            self._handle.query(name, args=values, result_type=self._result_type(spec)), self.id, self.run_id
        )

    async def _update(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> Any:
        spec = await self._handler("update", name, reference)
        values = _bind(spec, args, kwargs)
        return await _translated(
            cast(
                Awaitable[Any],
                self._handle.execute_update(  # pyright: ignore[reportUnknownMemberType]
                    name, args=values, result_type=self._result_type(spec)
                ),
            ),
            self.id,
            self.run_id,
        )

    async def _start_update(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> UpdateHandle[Any]:
        spec = await self._handler("update", name, reference)
        values = _bind(spec, args, kwargs)
        started: temporalio.client.WorkflowUpdateHandle[Any] = await _translated(
            cast(
                Awaitable[temporalio.client.WorkflowUpdateHandle[Any]],
                self._handle.start_update(  # pyright: ignore[reportUnknownMemberType]
                    name,
                    args=values,
                    wait_for_stage=temporalio.client.WorkflowUpdateStage.ACCEPTED,
                    result_type=self._result_type(spec),
                ),
            ),
            self.id,
            self.run_id,
        )
        await raise_if_rejected(started, self.id, self.run_id)
        return RunUpdateHandle(started, name)

    async def cancel(self) -> None:
        """Ask the workflow to cancel (it may clean up before it ends)."""
        await _translated(self._handle.cancel(), self.id, self.run_id)

    async def terminate(self, reason: str | None = None) -> None:
        """End the workflow at once, recording ``reason``; no workflow code runs."""
        await _translated(self._handle.terminate(reason=reason), self.id, self.run_id)

    async def describe(self) -> WorkflowDescription:
        """What the server knows about this run: status, type, entry method, times, memo, search
        attributes, pending activities, and the :class:`WorkflowTaskFailure` that keeps it stuck, if
        any (read from the run's history only while its workflow task is being retried)."""
        return await describe_run(self._handle, self._client)

    async def status(self) -> WorkflowStatus:
        """The execution's current status."""
        return await run_status(self._handle)

    async def _handler(
        self, kind: MessageKind, name: str, reference: Callable[..., Any] | None = None
    ) -> MethodSpec | None:
        """The handler's spec when the workflow class is known, or can be looked up (None for a run
        whose workflow type this process does not define). A handler passed by ``reference`` must be
        the one the run's workflow class has under ``name``."""
        definition = self._definition or self._looked_up
        if definition is None and (self._registry is not None or self._unknown_type is not None):
            definition = self._looked_up = await self._look_up(kind, name)
        if definition is None:
            return None
        return definition.handler(kind, name, reference)

    async def _look_up(self, kind: MessageKind, name: str) -> WorkflowDefinition | None:
        """The definition of the run's workflow type in the registry; warns (once per handle) and
        stops looking when this process does not define it."""
        workflow_type = self._unknown_type
        if workflow_type is None:
            described = await _translated(self._handle.describe(), self.id, self.run_id)
            workflow_type = described.workflow_type
            found = None if self._registry is None else self._registry.get(workflow_type)
            if isinstance(found, WorkflowDefinition):
                self._registry = None
                return found
        self._registry = self._unknown_type = None  # one look-up, one warning per handle
        warnings.warn(
            f"Workflow {self.id!r} is of type {workflow_type!r}, which this process does not define: "
            f"{kind} {name!r} is sent unchecked. Import the module that defines the workflow class to "
            "have names and arguments checked before sending",
            UserWarning,
            stacklevel=2,
            skip_file_prefixes=_sdk_directories(),  # point at the caller's line, not ours
        )
        return None

    def of_unknown_type(self, workflow_type: str) -> RunHandle[R, W]:
        """Mark this by-id handle's run as of ``workflow_type``, which this process does not define:
        its first signal, query or update warns without looking the type up again."""
        self._registry, self._unknown_type = None, workflow_type
        return self

    def _result_type(self, spec: MethodSpec | None) -> Any:
        """The answer's type: the handler's return type on a typed handle; plain JSON on one by id."""
        return spec.return_type if spec is not None and self._definition is not None else None

    def __repr__(self) -> str:
        return f"<MethodHandle id={self.id!r} run_id={self.run_id!r} method={self._method!r}>"


def _sdk_directories() -> tuple[str, ...]:
    """The directories of temporal-runtime's packages loaded in this process."""
    files = [
        getattr(module, "__file__", None)
        for name, module in list(sys.modules.items())
        if name.startswith("temporal_runtime") and "." not in name
    ]
    return tuple(os.path.dirname(file) + os.sep for file in files if isinstance(file, str))


def _bind(spec: MethodSpec | None, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> list[Any]:
    """Validate signal/query/update arguments against ``spec``; they are sent positionally (as given
    when the handler is unknown, where keyword arguments cannot be placed)."""
    if spec is not None:
        return list(spec.bind(args, kwargs).values())
    if kwargs:
        raise UnknownMethodError(
            f"Keyword arguments ({', '.join(kwargs)}) need the handler's signature, which this process "
            "does not know (the run's workflow class is not defined here): pass the arguments positionally"
        )
    return list(args)

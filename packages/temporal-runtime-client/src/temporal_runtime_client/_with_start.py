"""``RunWithStart``: the :class:`WithStart` of a client: signal-with-start and update-with-start over
temporalio (``start_workflow(start_signal=...)`` and ``WithStartWorkflowOperation``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

import temporalio.client
import temporalio.common
from typing_extensions import TypeVar

from temporal_runtime_core import InvalidOptionError, UnknownMethodError
from temporal_runtime_workflow import MessageKind, MethodHandle, MethodSpec, UpdateHandle, WithStart

from ._errors import raise_translated
from ._handle import raise_if_rejected
from ._update_handle import RunUpdateHandle

if TYPE_CHECKING:
    from ._client import PreparedStart, WorkflowClient

__all__ = ["RunWithStart"]

R = TypeVar("R", covariant=True)
W = TypeVar("W", covariant=True, default=Any)

_UNSET = temporalio.common.WorkflowIDConflictPolicy.UNSPECIFIED


class RunWithStart(WithStart[R, W]):
    """A validated start (``client.prepare_start(...)``) waiting for the message it goes with."""

    __slots__ = ("_client", "_start")

    def __init__(self, client: WorkflowClient, start: PreparedStart, *, id_given: bool) -> None:
        if not id_given:
            raise InvalidOptionError(
                f"with_start({start.spec.qualname}, ...) needs the workflow id of the run to start or "
                'to message: set it first, e.g. proxy.options(id="cart-7").with_start(...) or '
                'engine.with_start(..., id="cart-7")'
            )
        if "start_signal" in start.kwargs:
            raise InvalidOptionError(
                f"with_start({start.spec.qualname}, ...) sends its own message: leave out the "
                "start_signal= option (or use it without with_start, for a plain signal-with-start)"
            )
        self._client = client
        self._start = start

    @property
    def id(self) -> str:
        return self._start.workflow_id

    def _spec(self, kind: MessageKind, name: str, reference: Callable[..., Any] | None) -> MethodSpec:
        definition = self._start.definition
        spec = definition.handler(kind, name)
        if reference is not None and spec.fn is not reference:
            raise UnknownMethodError(
                f"{getattr(reference, '__qualname__', reference)} is not a handler of workflow "
                f"{definition.name!r} ({definition.origin}), which this start runs: its {kind} {name!r} "
                f"is {spec.qualname}. Pass a handler of {definition.workflow_class.__name__}"
            )
        return spec

    async def _signal(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> MethodHandle[R, W]:
        values = list(self._spec("signal", name, reference).bind(args, kwargs).values())
        handle = await self._client.send_start(self._start, start_signal=name, start_signal_args=values)
        return cast(MethodHandle[R, W], handle)

    def _operation(self, completed: dict[str, Any]) -> temporalio.client.WithStartWorkflowOperation[Any, Any]:
        start = self._start
        kwargs = dict(completed)
        if kwargs.get("id_conflict_policy", _UNSET) == _UNSET:
            # "Create or message" is what update-with-start is for (Temporal requires a policy).
            kwargs["id_conflict_policy"] = temporalio.common.WorkflowIDConflictPolicy.USE_EXISTING
        return temporalio.client.WithStartWorkflowOperation(
            start.definition.name,
            start.payload,
            id=start.workflow_id,
            task_queue=start.task_queue,
            result_type=start.spec.return_type,
            **kwargs,
        )

    async def _update(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> Any:
        spec = self._spec("update", name, reference)
        values = list(spec.bind(args, kwargs).values())

        async def send(completed: dict[str, Any]) -> Any:
            call = cast(
                Awaitable[Any],
                self._client.temporal_client.execute_update_with_start_workflow(  # pyright: ignore[reportUnknownMemberType]
                    name,
                    args=values,
                    start_workflow_operation=self._operation(completed),
                    result_type=spec.return_type,
                ),
            )
            try:
                return await call
            except Exception as exc:
                raise_translated(exc, workflow_id=self.id)

        return await self._client.send_with_search_attributes(self._start, send)

    async def _start_update(
        self,
        name: str,
        reference: Callable[..., Any] | None,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
    ) -> UpdateHandle[Any]:
        spec = self._spec("update", name, reference)
        values = list(spec.bind(args, kwargs).values())

        async def send(completed: dict[str, Any]) -> temporalio.client.WorkflowUpdateHandle[Any]:
            call = cast(
                Awaitable[temporalio.client.WorkflowUpdateHandle[Any]],
                self._client.temporal_client.start_update_with_start_workflow(  # pyright: ignore[reportUnknownMemberType]
                    name,
                    args=values,
                    start_workflow_operation=self._operation(completed),
                    wait_for_stage=temporalio.client.WorkflowUpdateStage.ACCEPTED,
                    result_type=spec.return_type,
                ),
            )
            try:
                return await call
            except Exception as exc:
                raise_translated(exc, workflow_id=self.id)

        started = await self._client.send_with_search_attributes(self._start, send)
        await raise_if_rejected(started, self.id, None)
        return RunUpdateHandle(started, name)

    def __repr__(self) -> str:
        return f"<WithStart {self._start.spec.qualname} id={self.id!r}>"

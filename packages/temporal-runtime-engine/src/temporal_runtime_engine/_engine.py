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
from typing import TYPE_CHECKING, Any, Never, Self, cast

import temporalio.client
import temporalio.converter
import temporalio.runtime
import temporalio.service

from temporal_runtime_client import (
    DEFAULT_RESULT_POLL_LIMIT,
    ResultPollLimit,
    WorkflowClient,
    WorkflowProxy,
)
from temporal_runtime_core import (
    ActivityDefinition,
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

from ._activity_log_context import install_activity_log_context  # --- observability (#14) ---
from ._connection import ConnectionSettings, PemSource, connect, env_options
from ._converter import checked_payload_codec  # --- encryption (#14) ---
from ._embedded_server import EmbeddedServer, LocalServerSettings, settle_core_callbacks, start_local_server
from ._listing_operations import ListingOperations  # --- listing (#13) ---
from ._observability import Interceptor, ObservabilitySettings  # --- observability (#14) ---
from ._operations import RunOperations
from ._payload_limit import DEFAULT_PAYLOAD_SIZE_LIMIT, checked_payload_size_limit
from ._schedule_operations import ScheduleOperations  # --- schedules (#13) ---
from ._search_attribute_registration import SearchAttributeOperations
from ._serving import first_lost, ready_line, serve_until_signalled
from ._time_control import TimeControl
from ._worker import EngineWorker, Served, WorkerSettings, WorkerSpec, exception_types
from ._worker_tuning import WorkerTuning

if TYPE_CHECKING:
    import opentelemetry.trace  # --- observability (#14) ---

__all__ = ["TemporalEngine"]

log = logging.getLogger("temporal_runtime")


class TemporalEngine(
    RunOperations, ListingOperations, ScheduleOperations, SearchAttributeOperations, TimeControl
):
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
    instance's class, bound to it. ``workflows=[...]`` / ``activities=[...]`` choose a subset to
    serve (an empty list: none of that kind), so workflows and activities can run in separate
    processes; :meth:`add_worker` runs workers for more task queues on the same connection. Worker
    tuning (``max_concurrent_activities``, ``max_concurrent_workflow_tasks``,
    ``max_cached_workflows``, ``activity_threads``) goes to each worker; see docs/engine.md. With
    ``time_skipping=True``, :meth:`advance_time` and :meth:`now` control the test server's clock.

    ``payload_codec`` (e.g. :class:`AesGcmCodec`) encodes every payload the client and the workers
    exchange with the server, failure messages and memo included; see docs/security.md.

    ``payload_size_limit`` (bytes; default 2 MB, the server's default ``limit.blobSize.error``; None:
    no check) refuses larger encoded payloads with :class:`PayloadTooLargeError`; see docs/security.md.

    Observability (docs/observability.md): ``tracing=True`` (extra ``temporal-runtime[otel]``) traces
    the client and workers with temporalio's OpenTelemetry interceptor, on ``tracer_provider`` or the
    global one; ``interceptors`` are any temporalio interceptors for the client and workers;
    ``metrics_port`` serves Temporal's SDK metrics on ``http://{metrics_host}:{metrics_port}/metrics``
    (``metrics_host`` default 127.0.0.1; not with ``runtime=``).

    ``result_poll_limit`` (default 1,000; ``None`` turns it off) is how many result waits the client
    keeps long-polling the server at once; more callers wait their turn, the run awaited longest
    first (:class:`ResultPollLimit`).
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
        workflows: Iterable[type[Workflow]] | None = None,
        activities: Iterable[ActivityDefinition[Any, Any]] | None = None,
        max_concurrent_workflow_tasks: int | None = None,
        max_cached_workflows: int | None = None,
        # --- encryption (#14) ---
        payload_codec: temporalio.converter.PayloadCodec | None = None,
        # --- payload limit (#14) ---
        payload_size_limit: int | None = DEFAULT_PAYLOAD_SIZE_LIMIT,
        # --- observability (#14) ---
        tracing: bool = False,
        tracer_provider: opentelemetry.trace.TracerProvider | None = None,
        interceptors: Iterable[Interceptor] = (),
        metrics_port: int | None = None,
        metrics_host: str = "127.0.0.1",
        # --- scale (#16) ---
        result_poll_limit: int | None = DEFAULT_RESULT_POLL_LIMIT,
    ) -> None:
        if result_poll_limit is not None:
            ResultPollLimit(result_poll_limit)  # checks it now, not at start()
        self._result_poll_limit = result_poll_limit
        self._result_polls: ResultPollLimit | None = None
        self._observability = ObservabilitySettings.from_options(  # --- observability (#14) ---
            tracing=tracing,
            tracer_provider=tracer_provider,
            interceptors=interceptors,
            metrics_port=metrics_port,
            metrics_host=metrics_host,
            runtime=runtime,
        )
        self._payload_codec = checked_payload_codec(payload_codec)  # --- encryption (#14) ---
        self._payload_size_limit = checked_payload_size_limit(payload_size_limit)
        self._worker_settings = WorkerSettings.from_options(
            _require_name("task_queue", task_queue),
            default_workflow_registry if workflow_registry is None else workflow_registry,
            default_activity_registry if activity_registry is None else activity_registry,
            WorkerTuning.checked(
                "TemporalEngine",
                max_concurrent_activities=max_concurrent_activities,
                max_concurrent_workflow_tasks=max_concurrent_workflow_tasks,
                max_cached_workflows=max_cached_workflows,
                graceful_shutdown_timeout=graceful_shutdown_timeout,
                activity_threads=activity_threads,
            ),
            workflows=workflows,
            activities=activities,
            sandbox_passthrough=tuple(sandbox_passthrough),
            workflow_failure_exceptions=exception_types(workflow_failure_exceptions),
            activity_instances=activity_instances,
        )
        self._extra_workers: list[WorkerSpec] = []
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
        self._workers: list[EngineWorker] = []
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
        """The Temporal namespace the engine's client and workers use."""
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
        """Whether the engine runs on its own time-skipping test server (``time_skipping=True``)."""
        return self._local.time_skipping

    @property
    def workflow_registry(self) -> WorkflowRegistry:
        """The workflows the worker serves and the client resolves handles with."""
        return self._worker_settings.workflow_registry

    @property
    def activity_registry(self) -> ActivityRegistry:
        """The registry whose activities the engine's own worker serves (unless ``activities=`` picks)."""
        return self._worker_settings.activity_registry

    @property
    def payload_codec(self) -> temporalio.converter.PayloadCodec | None:  # --- encryption (#14) ---
        """The codec given as ``payload_codec=`` (pass it to ``assert_replays(payload_codec=...)``)."""
        return self._payload_codec

    # --- observability (#14) ---

    @property
    def tracing(self) -> bool:
        """Whether the client and workers trace with OpenTelemetry (``tracing=True``)."""
        return self._observability.tracing

    @property
    def metrics_address(self) -> str | None:
        """``host:port`` of the Prometheus ``/metrics`` endpoint (``metrics_port=``), or None."""
        metrics = self._observability.metrics
        return metrics.address if metrics is not None else None

    @property
    def result_polls(self) -> ResultPollLimit | None:
        """The client's :class:`ResultPollLimit` once started (None with ``result_poll_limit=None``):
        its ``polling`` and ``waiting`` count the result waits at the server and queued now."""
        return self._result_polls

    @property
    def ui_url(self) -> str | None:
        """The local Web UI's address, once the embedded dev server has started (None if headless)."""
        return self._ui_url

    # --- lifecycle -----------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """Whether :meth:`start` has connected the engine (and not :meth:`stop` since)."""
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
        async with self._start_lock:  # two concurrent start() calls: one server, one set of workers
            if self._client is not None:
                return None
            settings = self._worker_settings
            specs = ([settings.main] if self._start_worker else []) + self._extra_workers
            served = [settings.served(spec) for spec in specs]
            self._result_polls = (  # --- scale (#16): a new one per start, on this event loop ---
                None if self._result_poll_limit is None else ResultPollLimit(self._result_poll_limit)
            )
            plugin = settings.plugin(
                served,
                payload_codec=self._payload_codec,
                payload_size_limit=self._payload_size_limit,
                interceptors=(  # --- observability (#14), scale (#16) ---
                    *self._observability.interceptors,
                    *([] if self._result_polls is None else [self._result_polls]),
                ),
            )
            connection = self._observability.connection(self._connection)  # --- observability (#14) ---
            install_activity_log_context()  # --- observability (#14) ---
            if connection.url is None:
                self._server = await start_local_server(
                    self._local,
                    namespace=connection.namespace,
                    identity=connection.identity,
                    plugin=plugin,
                    runtime=connection.runtime,
                )
                self._ui_url = self._server.ui_url
                client = self._server.client
            else:
                client = await connect(connection, plugin)
            serves = _workflow_queues(specs, served)
            registry = self.workflow_registry
            self._client = WorkflowClient(client, self.task_queue, registry, worker_workflows=serves)
            try:
                for spec, what in zip(specs, served, strict=True):
                    self._workers.append(EngineWorker.start(client, settings, what, spec))
            except BaseException:
                await self.stop()
                self._stopped = False
                raise
            self._stopped = False
            log.info(ready_line(client, self._server, self.namespace, self.task_queue, self._workers))
            return None

    async def stop(self) -> None:
        """Stop the workers (all at once), then the local server if any. Running activities get
        ``graceful_shutdown_timeout`` (default 10 s; 0: none) to finish before they are cancelled."""
        self._stopped = self._stopped or self._client is not None
        workers, self._workers = self._workers, []
        await asyncio.gather(*(worker.stop() for worker in workers))
        self._client = None
        server, self._server = self._server, None
        if server is not None:
            await server.shutdown()
        else:
            await settle_core_callbacks()

    async def serve(self) -> None:
        """Start the engine and run it until SIGTERM or SIGINT (or cancellation), then stop it.

        If a worker stops by itself meanwhile (a fatal error polling the server), the engine is
        stopped and :class:`EngineError` raised, so a worker process exits rather than idle.

        For a worker process: ``asyncio.run(engine.serve())``. The engine owns the loop here, so it
        handles those signals (main thread only; the previous handlers return at the first one).
        """
        specs = [self._worker_settings.main, *self._extra_workers]
        grace = max(spec.tuning.shutdown for spec in specs)
        await serve_until_signalled(
            self.start, self.stop, grace=f"{grace.total_seconds():g}s", lost=lambda: first_lost(self._workers)
        )

    # --- more task queues (#13) ----------------------------------------------------------------

    def add_worker(
        self,
        task_queue: str,
        *,
        workflows: Iterable[type[Workflow]] = (),
        activities: Iterable[ActivityDefinition[Any, Any]] = (),
        max_concurrent_activities: int | None = None,
        max_concurrent_workflow_tasks: int | None = None,
        max_cached_workflows: int | None = None,
        graceful_shutdown_timeout: Duration | None = None,
        activity_threads: int | None = None,
    ) -> None:
        """Also run a worker for ``task_queue``, on the same connection, serving exactly
        ``workflows`` and ``activities`` (at least one of them), from :meth:`start` to :meth:`stop`.

        E.g. ``engine.add_worker("gpu-host-7", activities=[transcode])`` before ``start()``, and
        workflows call ``self.exec(transcode, args, timeout=..., task_queue="gpu-host-7")``. Tuning
        options left out are the engine's. Raises :class:`InvalidOptionError` for a bad option, a
        task queue the engine already serves or nothing to serve, and :class:`EngineError` once
        the engine is started.
        """
        if self._client is not None or self._start_lock.locked():
            raise EngineError(
                f"engine.add_worker({task_queue!r}) after engine.start(): a worker joins the engine when it "
                "starts. Call add_worker(...) before start() (or before `async with engine:`), or stop() the "
                "engine, add the worker and start it again"
            )
        tuning = WorkerTuning.checked(
            "engine.add_worker",
            max_concurrent_activities=max_concurrent_activities,
            max_concurrent_workflow_tasks=max_concurrent_workflow_tasks,
            max_cached_workflows=max_cached_workflows,
            graceful_shutdown_timeout=graceful_shutdown_timeout,
            activity_threads=activity_threads,
        )
        settings = self._worker_settings
        self._extra_workers.append(
            settings.extra_worker(task_queue, workflows, activities, tuning, taken=self.task_queues)
        )

    @property
    def task_queues(self) -> tuple[str, ...]:
        """The task queues this engine's workers poll: its own (unless ``start_worker=False``),
        then those of :meth:`add_worker`, in order."""
        own = (self.task_queue,) if self._start_worker else ()
        return own + tuple(s.task_queue for s in self._extra_workers)

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


def _workflow_queues(specs: list[WorkerSpec], served: list[Served]) -> dict[str, list[str]] | None:
    """For the client's check at start: each queue whose worker alone serves its workflows, with
    their names (a worker told ``workflows=[]`` leaves its queue's workflows to other processes)."""
    return {
        spec.task_queue: [d.name for d in what.workflows]
        for spec, what in zip(specs, served, strict=True)
        if spec.polls_workflows_alone
    }

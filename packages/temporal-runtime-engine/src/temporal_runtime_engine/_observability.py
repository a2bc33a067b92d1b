"""The engine's observability options in one object: ``tracing``, ``tracer_provider``,
``interceptors``, ``metrics_port`` / ``metrics_host`` (see ``_tracing`` and ``_metrics``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import temporalio.client
import temporalio.runtime
import temporalio.worker

from temporal_runtime_core import InvalidOptionError

from ._connection import ConnectionSettings
from ._metrics import MetricsEndpoint
from ._tracing import tracing_interceptors

if TYPE_CHECKING:
    import opentelemetry.trace

__all__ = ["Interceptor", "ObservabilitySettings"]

type Interceptor = temporalio.client.Interceptor | temporalio.worker.Interceptor
"""What ``TemporalEngine(interceptors=[...])`` takes: any temporalio client or worker interceptor."""


@dataclass(frozen=True, slots=True)
class ObservabilitySettings:
    tracing: bool
    interceptors: tuple[Interceptor, ...]
    """The user's interceptors, after the tracing ones when ``tracing``."""
    metrics: MetricsEndpoint | None

    @classmethod
    def from_options(
        cls,
        *,
        tracing: bool,
        tracer_provider: opentelemetry.trace.TracerProvider | None,
        interceptors: Iterable[Interceptor],
        metrics_port: int | None,
        metrics_host: str,
        runtime: temporalio.runtime.Runtime | None,
    ) -> ObservabilitySettings:
        if not isinstance(tracing, bool):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(f"TemporalEngine(tracing=...) must be True or False, got {tracing!r}")
        if tracer_provider is not None and not tracing:
            raise InvalidOptionError(
                "TemporalEngine(tracer_provider=...) is only used with tracing=True: add tracing=True "
                "(or drop tracer_provider=)"
            )
        own = list(interceptors)
        for interceptor in own:
            if not isinstance(interceptor, (temporalio.client.Interceptor, temporalio.worker.Interceptor)):  # pyright: ignore[reportUnnecessaryIsInstance]
                raise InvalidOptionError(
                    "TemporalEngine(interceptors=[...]) takes temporalio interceptors (subclasses of "
                    "temporalio.client.Interceptor and/or temporalio.worker.Interceptor), "
                    f"got {interceptor!r}"
                )
        metrics = None
        if metrics_port is not None:
            if runtime is not None:
                raise InvalidOptionError(
                    "TemporalEngine(metrics_port=...) and runtime=... cannot be combined: metrics_port "
                    "makes the engine run on a Runtime of its own that serves Prometheus metrics. Drop "
                    "runtime=, or drop metrics_port= and configure telemetry on your Runtime "
                    "(TelemetryConfig(metrics=...))"
                )
            metrics = MetricsEndpoint.checked(metrics_port, metrics_host)
        elif metrics_host != "127.0.0.1":
            raise InvalidOptionError(
                f"TemporalEngine(metrics_host={metrics_host!r}) is only used with metrics_port=...: add "
                "metrics_port (e.g. 9464), or drop metrics_host="
            )
        traced = tracing_interceptors(tracer_provider) if tracing else []
        return cls(tracing, (*traced, *own), metrics)

    def connection(self, settings: ConnectionSettings) -> ConnectionSettings:
        """``settings`` on the metrics Runtime when metrics are served (binding the port the first time)."""
        if self.metrics is None:
            return settings
        return dataclasses.replace(settings, runtime=self.metrics.runtime())

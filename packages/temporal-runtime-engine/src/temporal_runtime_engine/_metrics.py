"""``TemporalEngine(metrics_port=9464)``: Temporal's SDK metrics on a Prometheus ``/metrics`` endpoint.

The metrics are the Rust core's own (``temporal_workflow_completed``,
``temporal_activity_execution_latency``, poller and slot gauges, ...), served by temporalio's
``Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(...)))``. The engine then runs on a
Runtime of its own (created when it first starts, kept for its lifetime, so a restart keeps the
endpoint), which also forwards the core's logs like the shared one (``_core_logging``).

The endpoint binds ``metrics_host`` (default ``127.0.0.1``: reachable from this machine only). A
Prometheus server elsewhere, or one scraping a container, needs ``metrics_host="0.0.0.0"``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import temporalio.runtime

from temporal_runtime_core import EngineError, InvalidOptionError

from ._core_logging import new_engine_runtime

__all__ = ["MetricsEndpoint"]


@dataclass(slots=True)
class MetricsEndpoint:
    """Where the engine serves its metrics, and (once started) the Runtime serving them."""

    host: str
    port: int
    _runtime: temporalio.runtime.Runtime | None = field(default=None, repr=False)

    @classmethod
    def checked(cls, port: object, host: object) -> MetricsEndpoint:
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise InvalidOptionError(
                f"TemporalEngine(metrics_port=...) must be a TCP port number (1-65535), got {port!r}: "
                "e.g. metrics_port=9464, the port Prometheus scrapes /metrics on"
            )
        try:
            ipaddress.ip_address(str(host) if isinstance(host, str) else "")
        except ValueError:
            raise InvalidOptionError(
                f"TemporalEngine(metrics_host=...) must be an IP address to bind, got {host!r}: "
                "127.0.0.1 (this machine only, the default) or 0.0.0.0 (every interface); not a host name"
            ) from None
        return cls(str(host), port)

    @property
    def address(self) -> str:
        """``host:port`` (``[host]:port`` for IPv6), as Prometheus scrapes it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def runtime(self) -> temporalio.runtime.Runtime:
        """The Runtime serving ``/metrics`` (made, and the port bound, on the first call)."""
        if self._runtime is None:
            config = temporalio.runtime.PrometheusConfig(bind_address=self.address)
            try:
                self._runtime = new_engine_runtime(metrics=config)
            except ValueError as exc:
                raise EngineError(
                    f"TemporalEngine(metrics_port={self.port}) could not serve metrics on "
                    f"{self.address}: {exc}. Another process (or another engine) is using that port: "
                    "pick a free port, or stop what is listening there"
                ) from exc
        return self._runtime

"""The command-line options that become ``TemporalEngine`` keyword arguments, declared once.

Each :class:`EngineOption` is one click option whose value, when given, is passed to the engine as
the keyword argument it names. Options left out are not passed, so the engine's defaults and the
``TEMPORAL_*`` environment variables / profile (read by ``TemporalEngine.from_env``) apply: the
command line wins over the environment, the environment over the defaults. A new engine option is
one more entry in :data:`CONNECTION_OPTIONS` or :data:`WORKER_OPTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import click

from temporal_runtime_core import TemporalRuntimeError

from ._codec_server import load_codec  # --- encryption (#14) ---

__all__ = ["CONNECTION_OPTIONS", "WORKER_OPTIONS", "EngineOption", "engine_kwargs", "engine_options"]


@dataclass(frozen=True)
class EngineOption:
    """``flags`` on the command line, passed as ``TemporalEngine(kwarg=value)`` when given."""

    kwarg: str
    flags: tuple[str, ...]
    help: str
    click_attrs: Mapping[str, Any] = field(default_factory=dict[str, Any])
    """Further ``click.option`` arguments (``type``, ``metavar``, ``is_flag``, ...)."""

    def decorate[F: Callable[..., Any]](self, function: F) -> F:
        return click.option(*self.flags, self.kwarg, default=None, help=self.help, **self.click_attrs)(
            function
        )


_PEM: Final = click.Path(exists=True, dir_okay=False, path_type=Path)


# --- encryption (#14) ---
def _codec(_ctx: click.Context, _param: click.Parameter, spec: str | None) -> object:
    """``--codec MODULE:ATTR`` loaded (a usage error naming the fix if it names no codec)."""
    if spec is None:
        return None
    try:
        return load_codec(spec)
    except TemporalRuntimeError as exc:
        raise click.BadParameter(str(exc), param_hint="--codec") from exc


CONNECTION_OPTIONS: Final = (
    EngineOption(
        "url",
        ("--url", "--address"),
        "Temporal's frontend as HOST:PORT [env TEMPORAL_ADDRESS; default localhost:7233].",
        {"metavar": "HOST:PORT"},
    ),
    EngineOption(
        "namespace", ("--namespace", "-n"), "Temporal namespace [env TEMPORAL_NAMESPACE; default 'default']."
    ),
    EngineOption(
        "api_key",
        ("--api-key",),
        "API key (Temporal Cloud); turns TLS on. Prefer the env TEMPORAL_API_KEY: a command line is visible "
        "to every user of the machine.",
    ),
    EngineOption(
        "tls",
        ("--tls/--no-tls",),
        "Use TLS, or not [env TEMPORAL_TLS; default: on with an API key or a certificate, else off].",
    ),
    EngineOption(
        "tls_client_cert",
        ("--tls-cert-path",),
        "mTLS client certificate, a PEM file (with --tls-key-path) [env TEMPORAL_TLS_CLIENT_CERT_PATH].",
        {"type": _PEM},
    ),
    EngineOption(
        "tls_client_key",
        ("--tls-key-path",),
        "mTLS client private key, a PEM file [env TEMPORAL_TLS_CLIENT_KEY_PATH].",
        {"type": _PEM},
    ),
    EngineOption(
        "tls_server_ca",
        ("--tls-ca-path",),
        "CA certificate(s) the server's certificate must chain to, a PEM file "
        "[env TEMPORAL_TLS_SERVER_CA_CERT_PATH].",
        {"type": _PEM},
    ),
    EngineOption(
        "tls_server_name",
        ("--tls-server-name",),
        "Server name the server's certificate must carry (SNI) [env TEMPORAL_TLS_SERVER_NAME].",
    ),
    EngineOption(
        "identity", ("--identity",), "Identity this worker reports to Temporal [default: pid@host]."
    ),
    EngineOption(
        "connect_timeout",
        ("--connect-timeout",),
        "Seconds to wait for the server before failing [default 10].",
        {"type": click.FloatRange(min=0, min_open=True), "metavar": "SECONDS"},
    ),
)
"""Where and how to connect; the same names as the Temporal CLI's options where it has them."""

WORKER_OPTIONS: Final = (
    EngineOption(
        "max_concurrent_activities",
        ("--max-concurrent-activities",),
        "Activities this worker runs at once [default: temporalio's, 100].",
        {"type": click.IntRange(min=1), "metavar": "N"},
    ),
    EngineOption(
        "max_concurrent_workflow_tasks",
        ("--max-concurrent-workflow-tasks",),
        "Workflow tasks this worker runs at once [default: temporalio's, 100].",
        {"type": click.IntRange(min=1), "metavar": "N"},
    ),
    EngineOption(
        "max_cached_workflows",
        ("--max-cached-workflows",),
        "Workflow runs kept in memory between tasks (0: none; fewer means less memory, more replays) "
        "[default: temporalio's, 1000].",
        {"type": click.IntRange(min=0), "metavar": "N"},
    ),
    EngineOption(
        "activity_threads",
        ("--activity-threads",),
        "Threads running thread activities (plain `def` ones) "
        "[default: --max-concurrent-activities, else 10].",
        {"type": click.IntRange(min=1), "metavar": "N"},
    ),
    EngineOption(
        "graceful_shutdown_timeout",
        ("--graceful-shutdown-timeout",),
        "Seconds running activities get to finish after SIGTERM/SIGINT before they are cancelled "
        "[default 10].",
        {"type": click.FloatRange(min=0), "metavar": "SECONDS"},
    ),
    # --- encryption (#14) ---
    EngineOption(
        "payload_codec",
        ("--codec",),
        "Payload codec (encryption) as MODULE:ATTR: a temporalio PayloadCodec, or a function or class "
        "making one; temporal_runtime:AesGcmCodec.from_env reads the AesGcmCodec keys from "
        "$TEMPORAL_RUNTIME_ENCRYPTION_KEYS [default: none].",
        {"metavar": "MODULE:ATTR", "callback": _codec},
    ),
    # --- observability (#14) ---
    EngineOption(
        "metrics_port",
        ("--metrics-port",),
        "Serve Temporal's SDK metrics for Prometheus on http://HOST:N/metrics [default: no metrics].",
        {"type": click.IntRange(min=1, max=65535), "metavar": "N"},
    ),
    EngineOption(
        "metrics_host",
        ("--metrics-host",),
        "IP address the metrics endpoint binds; 0.0.0.0 for every interface (e.g. in a container) "
        "[default 127.0.0.1].",
        {"metavar": "IP"},
    ),
    EngineOption(
        "tracing",
        ("--tracing",),
        "Trace with OpenTelemetry (needs temporal-runtime[otel]), on the global tracer provider: set it up "
        "in a module you load, or run under opentelemetry-instrument [default: off].",
        {"is_flag": True},
    ),
)
"""How the worker runs (temporalio's worker tuning, its payload codec, metrics and tracing)."""


def engine_options[F: Callable[..., Any]](options: Iterable[EngineOption]) -> Callable[[F], F]:
    """A decorator adding every option of ``options`` to a click command."""

    def decorate(function: F) -> F:
        for option in reversed(tuple(options)):  # click lists them in the order given
            function = option.decorate(function)
        return function

    return decorate


def engine_kwargs(options: Iterable[EngineOption], values: Mapping[str, object]) -> dict[str, Any]:
    """The ``TemporalEngine`` keyword arguments for the ``options`` given on the command line
    (``values`` are a command's parameters, by name; None means not given)."""
    kwargs = {o.kwarg: values[o.kwarg] for o in options if values.get(o.kwarg) is not None}
    certificates = ("tls_client_cert", "tls_client_key", "tls_server_ca", "tls_server_name")
    if "tls" not in kwargs and any(name in kwargs for name in certificates):
        # Certificates on the command line replace the TLS settings of the environment or profile.
        kwargs["tls"] = True
    return kwargs

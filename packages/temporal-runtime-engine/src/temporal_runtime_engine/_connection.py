"""Connecting to a real Temporal cluster: TLS, mTLS, API keys, env/profile config, timeouts and
the namespace check."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import temporalio.api.workflowservice.v1
import temporalio.client
import temporalio.runtime
import temporalio.service

from temporal_runtime_core import Duration, EngineConnectionError, InvalidOptionError, to_timedelta

from ._connection_diagnosis import Attempt, diagnose, status_hint
from ._core_logging import engine_runtime
from ._plugin import RuntimePlugin

__all__ = [
    "DEFAULT_PORT",
    "ConnectionSettings",
    "PemSource",
    "build_tls",
    "connect",
    "env_options",
    "load_env_config",
    "normalize_url",
]

DEFAULT_PORT = 7233
"""The port of Temporal's frontend when ``url`` names none."""

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")

type PemSource = bytes | str | os.PathLike[str]
"""PEM data as bytes, or the path of a PEM file."""


def _read_pem(value: PemSource | None, option: str) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    path = Path(value)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidOptionError(f"{option}: cannot read PEM file {str(path)!r}: {exc.strerror}") from None


def build_tls(
    tls: bool | temporalio.service.TLSConfig | None,
    *,
    client_cert: PemSource | None = None,
    client_key: PemSource | None = None,
    server_ca: PemSource | None = None,
    server_name: str | None = None,
    api_key: str | None = None,
) -> bool | temporalio.service.TLSConfig:
    """temporalio's ``tls`` argument from the engine's TLS options.

    Any certificate option turns TLS on; an API key implies TLS unless ``tls=False`` is explicit
    (Temporal Cloud requires it).
    """
    if (client_cert is None) != (client_key is None):
        raise InvalidOptionError("mTLS needs both tls_client_cert and tls_client_key (got only one of them)")
    pem_given = any(v is not None for v in (client_cert, server_ca, server_name))
    if isinstance(tls, temporalio.service.TLSConfig):
        if pem_given:
            raise InvalidOptionError("pass either tls=TLSConfig(...) or the tls_* options, not both")
        return tls
    if tls is False and pem_given:
        raise InvalidOptionError("tls=False contradicts the tls_* certificate options")
    if pem_given:
        return temporalio.service.TLSConfig(
            client_cert=_read_pem(client_cert, "tls_client_cert"),
            client_private_key=_read_pem(client_key, "tls_client_key"),
            server_root_ca_cert=_read_pem(server_ca, "tls_server_ca"),
            domain=server_name,
        )
    if tls is None:
        return api_key is not None
    return tls


def load_env_config(
    profile: str | None = None,
    *,
    config_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Connection settings from Temporal's standard environment variables and profile file.

    Reads ``TEMPORAL_ADDRESS``, ``TEMPORAL_NAMESPACE``, ``TEMPORAL_API_KEY``, ``TEMPORAL_TLS_*`` and
    ``TEMPORAL_PROFILE``, and the TOML profiles file (``TEMPORAL_CONFIG_FILE`` or the platform
    default), exactly like the Temporal CLI and SDKs do.
    """
    import temporalio.envconfig  # only here, to keep it out of `import temporal_runtime`

    try:
        config = temporalio.envconfig.ClientConfig.load_client_connect_config(
            profile=profile,
            config_file=str(config_file) if config_file is not None else None,
            override_env_vars=env,
        )
    except Exception as exc:  # malformed TOML, unknown profile, unreadable file
        raise InvalidOptionError(f"Cannot load Temporal client configuration: {exc}") from exc
    return dict(config)


def env_options(
    profile: str | None = None, *, config_file: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """``TemporalEngine`` options from :func:`load_env_config` (address, namespace, API key, TLS,
    RPC metadata); the address defaults to ``localhost:7233`` and the namespace to ``default``."""
    loaded = load_env_config(profile, config_file=config_file)
    options: dict[str, Any] = {
        "url": loaded.get("target_host") or "localhost:7233",
        "namespace": loaded.get("namespace") or "default",
        "api_key": loaded.get("api_key"),
        "rpc_metadata": loaded.get("rpc_metadata"),
    }
    if "tls" in loaded:
        options["tls"] = loaded["tls"]
    return options


def normalize_url(url: object) -> str:
    """``url`` as ``host:port``: the port defaults to 7233; IPv6 hosts are bracketed (``[::1]:7233``).

    A scheme (``http://``), an empty host, a port that is not a number in 1-65535 or an IPv6
    address without brackets is an :class:`InvalidOptionError` naming the value to pass instead.
    """
    if not isinstance(url, str) or not url.strip():
        raise InvalidOptionError(
            f"TemporalEngine(url=...) must be 'host:port' (e.g. url='localhost:7233'), got {url!r}; "
            "leave url out to start the embedded local server"
        )
    text = url.strip()
    scheme = _SCHEME.match(text)
    if scheme is not None:
        rest = text[scheme.end() :].split("/", 1)[0]
        fixed = normalize_url(rest) if rest else f"localhost:{DEFAULT_PORT}"
        secure = scheme.group(1).lower() in ("https", "grpcs")
        tls_hint = " (and tls=True or api_key=... for a TLS server)" if secure else ""
        raise InvalidOptionError(
            f"TemporalEngine(url={url!r}): Temporal's address is host:port, without a scheme such as "
            f"{scheme.group(0)}: pass url={fixed!r}{tls_hint}"
        )
    port: str | None
    if text.startswith("["):
        bracketed, bracket, after = text.partition("]")
        if not bracket or (after and not after.startswith(":")) or bracketed == "[":
            raise InvalidOptionError(f"TemporalEngine(url={url!r}): write an IPv6 address as '[::1]:7233'")
        host, port = bracketed + "]", after[1:] if after else None
    elif text.count(":") > 1:
        raise InvalidOptionError(
            f"TemporalEngine(url={url!r}): write an IPv6 address in brackets, "
            f"e.g. url='[{text}]:{DEFAULT_PORT}'"
        )
    else:
        host, colon, after = text.partition(":")
        port = after if colon else None
    if not host:
        raise InvalidOptionError(f"TemporalEngine(url={url!r}) names no host: pass e.g. url='localhost:7233'")
    if port is None:
        return f"{host}:{DEFAULT_PORT}"
    if not (port.isdigit() and 0 < int(port) < 65536):
        raise InvalidOptionError(
            f"TemporalEngine(url={url!r}): the port must be a number from 1 to 65535, got {port!r}: "
            f"pass e.g. url='{host}:{DEFAULT_PORT}'"
        )
    return f"{host}:{int(port)}"


@dataclass(frozen=True)
class ConnectionSettings:
    """Where and how the engine connects: ``url`` None means the embedded local server.

    ``namespace``, ``identity`` and ``runtime`` apply to the embedded server's client too.
    """

    url: str | None = None
    namespace: str = "default"
    api_key: str | None = None
    tls: bool | temporalio.service.TLSConfig = False
    rpc_metadata: Mapping[str, str] = field(default_factory=dict[str, str])
    identity: str | None = None
    timeout: timedelta = timedelta(seconds=10)
    runtime: temporalio.runtime.Runtime | None = None
    """The temporalio Runtime to run on; None: :func:`engine_runtime`."""

    @classmethod
    def from_options(
        cls,
        url: str | None,
        namespace: str,
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
        runtime: temporalio.runtime.Runtime | None = None,
    ) -> ConnectionSettings:
        """Settings from ``TemporalEngine``'s options, validated (:class:`InvalidOptionError`)."""
        if runtime is not None and not isinstance(runtime, temporalio.runtime.Runtime):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(
                f"TemporalEngine(runtime=...) must be a temporalio.runtime.Runtime, got {runtime!r}: "
                "leave it out to use the engine's own"
            )
        return cls(
            url=None if url is None else normalize_url(url),
            namespace=namespace,
            api_key=api_key,
            tls=build_tls(
                tls,
                client_cert=tls_client_cert,
                client_key=tls_client_key,
                server_ca=tls_server_ca,
                server_name=tls_server_name,
                api_key=api_key,
            ),
            rpc_metadata=dict(rpc_metadata or {}),
            identity=identity,
            timeout=to_timedelta(connect_timeout, "connect_timeout"),
            runtime=runtime,
        )

    @property
    def where(self) -> str:
        return f"Temporal at {self.url!r} (namespace {self.namespace!r})"

    @property
    def attempt(self) -> Attempt:
        """What :mod:`._connection_diagnosis` needs to know of these settings."""
        config = self.tls if isinstance(self.tls, temporalio.service.TLSConfig) else None
        return Attempt(
            url=self.url or "",
            tls=bool(self.tls),
            client_cert=config is not None and config.client_cert is not None,
            server_ca=config is not None and config.server_root_ca_cert is not None,
            server_name=config.domain if config is not None else None,
            api_key=self.api_key is not None,
        )

    def unreachable(self, detail: str) -> str:
        """Why a connection failed: the cause and fix when the failure is a known one (TLS, mTLS,
        credentials: :func:`diagnose`), else what was tried and the likely causes; then ``detail``."""
        hint = diagnose(detail, self.attempt)
        if hint is not None:
            return f"Could not connect to {self.where}: {hint}. Detail: {detail}"
        tls = "TLS on" if self.tls else "TLS off"
        return (
            f"Could not connect to {self.where}. Likely causes: no Temporal server is listening there "
            "(start one with `temporal server start-dev`, or leave url out to use the embedded local "
            f"server), the host or port is wrong, or only one side uses TLS (this engine: {tls}; "
            f"tls=True or api_key=... turn it on). Detail: {detail}"
        )

    def resolved_runtime(self) -> temporalio.runtime.Runtime:
        return self.runtime if self.runtime is not None else engine_runtime()


async def connect(settings: ConnectionSettings, plugin: RuntimePlugin) -> temporalio.client.Client:
    """A client for ``settings.url`` with ``plugin``, after checking that the namespace exists.

    Any failure (wrong host, TLS mismatch, unknown namespace) is an :class:`EngineConnectionError`
    raised within ``settings.timeout`` (for each of the two steps).
    """
    if settings.url is None:
        raise InvalidOptionError("connect() needs a url; without one the engine starts a local server")
    try:
        client = await asyncio.wait_for(
            temporalio.client.Client.connect(
                settings.url,
                namespace=settings.namespace,
                api_key=settings.api_key,
                tls=settings.tls,
                rpc_metadata=settings.rpc_metadata,
                plugins=[plugin],
                identity=settings.identity,
                runtime=settings.resolved_runtime(),
            ),
            settings.timeout.total_seconds(),
        )
    except TimeoutError:
        raise EngineConnectionError(
            settings.unreachable(f"no answer within connect_timeout={settings.timeout}")
        ) from None
    except Exception as exc:
        raise EngineConnectionError(settings.unreachable(str(exc))) from exc
    await _check_namespace(client, settings)
    return client


async def _check_namespace(client: temporalio.client.Client, settings: ConnectionSettings) -> None:
    request = temporalio.api.workflowservice.v1.DescribeNamespaceRequest(namespace=settings.namespace)
    try:
        await client.workflow_service.describe_namespace(request, timeout=settings.timeout)
    except temporalio.service.RPCError as exc:
        if exc.status == temporalio.service.RPCStatusCode.NOT_FOUND:
            raise EngineConnectionError(
                f"Namespace {settings.namespace!r} does not exist on {settings.url!r}; create it "
                f"(temporal operator namespace create {settings.namespace}) or pass namespace=..."
            ) from None
        if exc.status == temporalio.service.RPCStatusCode.UNAUTHENTICATED:
            hint = status_hint(exc.status.name, exc.message, settings.attempt)
            raise EngineConnectionError(f"Could not use {settings.where}: {hint or exc}") from exc
        if exc.status != temporalio.service.RPCStatusCode.PERMISSION_DENIED:
            raise EngineConnectionError(f"Could not use {settings.where}: {exc}") from exc

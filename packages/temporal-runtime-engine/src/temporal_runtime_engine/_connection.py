"""Connection settings for a real Temporal cluster: TLS, mTLS, API keys and env/profile config."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import temporalio.service

from temporal_runtime_core import InvalidOptionError

__all__ = ["PemSource", "build_tls", "load_env_config"]

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

"""``temporal-runtime codec-server``: Temporal's codec-server protocol, so the Web UI and the
Temporal CLI show decrypted payloads to the people allowed to reach it."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Final

import click
import temporalio.converter

from temporal_runtime_core import InvalidOptionError
from temporal_runtime_engine import AesGcmCodec, CodecServer

from ._imports import import_modules, make_cwd_importable
from ._options import logging_options, run_command, setup_logging
from ._signals import wait_for_stop_signal

__all__ = ["DEFAULT_PORT", "codec_server_command", "load_codec"]

log = logging.getLogger("temporal_runtime")

DEFAULT_PORT: Final = 8081
"""The port of Temporal's codec-server samples."""

KEYS_ENV: Final = AesGcmCodec.KEYS_ENV
ACTIVE_KEY_ENV: Final = AesGcmCodec.ACTIVE_KEY_ENV
DEFAULT_CORS_ORIGINS: Final = CodecServer.DEFAULT_CORS_ORIGINS

_EPILOG: Final = f"""\b
Examples:
  {KEYS_ENV}="k1=$(cat key.b64)" temporal-runtime codec-server
  temporal-runtime codec-server --codec myapp.codecs:codec --port 8081
  temporal-runtime codec-server --cors-origin https://temporal.example.com --authorization-env CODEC_AUTH
  # then: temporal server start-dev --ui-codec-endpoint http://127.0.0.1:8081
  #   or: the Web UI's Codec Server setting
  #   or: temporal workflow show -w ID --codec-endpoint http://127.0.0.1:8081

\b
Keys come from the environment, never the command line (which `ps` shows to everyone):
{KEYS_ENV} holds id=BASE64KEY entries separated by commas,
{ACTIVE_KEY_ENV} the id of the key that encrypts (needed with several keys).
Anyone who reaches the server can decrypt: keep it on loopback (the default --host) or
behind authentication (--authorization-env).

\b
Exit codes: 0 after SIGTERM/SIGINT, 1 on an error (no codec, a bad key, the port in use), 2 on a
usage error.
"""


@click.command(
    "codec-server",
    epilog=_EPILOG,
    short_help="Serve Temporal's codec-server protocol (decrypted payloads in the Web UI).",
)
@click.option(
    "--port",
    "-p",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface)."
)
@click.option(
    "--codec",
    "codec_spec",
    metavar="MODULE:ATTR",
    help="A temporalio PayloadCodec, or a function or class making one, e.g. myapp.codecs:codec "
    f"[default: an AesGcmCodec from ${KEYS_ENV}].",
)
@click.option(
    "--keys-env",
    default=KEYS_ENV,
    show_default=True,
    metavar="VAR",
    help="Environment variable holding the AesGcmCodec keys (id=BASE64KEY,...), without --codec.",
)
@click.option(
    "--active-key-env",
    default=ACTIVE_KEY_ENV,
    show_default=True,
    metavar="VAR",
    help="Environment variable holding the id of the key that encrypts, without --codec.",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="A browser origin allowed to call the server: the Web UI's address as the browser shows it "
    f"(repeatable) [default: {', '.join(DEFAULT_CORS_ORIGINS)}].",
)
@click.option(
    "--authorization-env",
    metavar="VAR",
    help="Require every request's Authorization header to equal the value of this environment variable.",
)
@logging_options
def codec_server_command(
    port: int,
    host: str,
    codec_spec: str | None,
    keys_env: str,
    active_key_env: str,
    cors_origins: Sequence[str],
    authorization_env: str | None,
    log_level: str,
    verbose: bool,
) -> None:
    """Serve POST /encode and POST /decode (Temporal's codec-server protocol) until SIGTERM/SIGINT.

    It logs one ready line on stderr with its address once it listens.
    """
    setup_logging(log_level)

    async def serve() -> None:
        codec = (
            load_codec(codec_spec)
            if codec_spec is not None
            else AesGcmCodec.from_env(keys_env, active_key_env)
        )
        authorization = None
        if authorization_env is not None:
            authorization = os.environ.get(authorization_env, "").strip()
            if not authorization:
                raise InvalidOptionError(
                    f"--authorization-env {authorization_env}: ${authorization_env} is empty or not set: "
                    "set it to the exact Authorization header requests must carry (e.g. 'Bearer <token>')"
                )
        server = CodecServer(
            codec,
            host=host,
            port=port,
            cors_origins=cors_origins or DEFAULT_CORS_ORIGINS,
            authorization=authorization,
        )
        server.start()
        try:
            log.info(ready_line(server, authorization is not None))
            signum = await wait_for_stop_signal()
            log.info("temporal-runtime: %s received, stopping the codec server", signum.name)
        finally:
            server.stop()

    run_command("codec-server", serve, verbose=verbose)


def ready_line(server: CodecServer, authorization: bool) -> str:
    """The one INFO line once the server listens: where, with what codec, for which origins."""
    auth = "Authorization required" if authorization else "no Authorization check"
    return (
        f"temporal-runtime: codec server ready: {server.url} (POST /encode, /decode) with {server.codec!r}; "
        f"CORS origins {', '.join(server.cors_origins)}; {auth}; point the Web UI at it with "
        f"`temporal server start-dev --ui-codec-endpoint {server.url}` or its Codec Server setting"
    )


def load_codec(spec: str) -> temporalio.converter.PayloadCodec:
    """The codec ``MODULE:ATTR`` names: a ``PayloadCodec``, or a callable (function, class) that makes
    one when called without arguments. :class:`InvalidOptionError` naming the fix otherwise."""
    module_name, colon, attribute = spec.partition(":")
    if not colon or not module_name or not attribute:
        raise InvalidOptionError(
            f"--codec {spec!r}: write MODULE:ATTR, e.g. myapp.codecs:codec (a PayloadCodec, or a function "
            "returning one)"
        )
    make_cwd_importable()
    [module] = import_modules([module_name])
    value: object = module
    for part in attribute.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise InvalidOptionError(
                f"--codec {spec!r}: module {module_name!r} has no attribute {attribute!r}; define it, or fix "
                "the name"
            ) from None
    if not isinstance(value, temporalio.converter.PayloadCodec) and callable(value):
        value = value()
    if not isinstance(value, temporalio.converter.PayloadCodec):
        raise InvalidOptionError(
            f"--codec {spec!r} is {value!r}, not a temporalio.converter.PayloadCodec: name a codec object, "
            "or a function or class that returns one when called without arguments"
        )
    return value

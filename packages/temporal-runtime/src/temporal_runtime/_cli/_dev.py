"""``temporal-runtime dev``: the embedded Temporal dev server in the foreground, on a fixed port,
for every process on the machine (workers, apps, the ``temporal`` CLI) to share."""

from __future__ import annotations

import logging
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import click

from temporal_runtime_core import (
    LocalServerError,
    SearchAttribute,
    SearchAttributeType,
    TemporalRuntimeError,
)
from temporal_runtime_engine import find_server_binary, launch_dev_server

from ._options import logging_options, run_command, setup_logging
from ._signals import wait_for_stop_signal

__all__ = ["DEFAULT_PORT", "dev_command", "ready_line"]

log = logging.getLogger("temporal_runtime")

DEFAULT_PORT: Final = 7233
"""Temporal's usual frontend port, which workers and the ``temporal`` CLI try when told nothing."""

_EPILOG: Final = """\b
Examples:
  temporal-runtime dev                              # in memory, localhost:7233, Web UI :8233
  temporal-runtime dev --db temporal.db             # keep runs and schedules across restarts
  temporal-runtime dev --port 7244 --headless --namespace orders
  # then, in other terminals:
  temporal-runtime worker myapp.workflows myapp.activities
  temporal workflow list --address localhost:7233

\b
Exit codes: 0 after SIGTERM/SIGINT (the server stops with it; it never outlives this process),
1 on an error (the Temporal CLI missing, a port in use), 2 on a usage error, 130 when a second
Ctrl-C interrupts the stop.
"""


def _declare_search_attributes(
    _ctx: click.Context, _param: click.Parameter, values: Sequence[str]
) -> tuple[str, ...]:
    """Declare each ``--search-attribute NAME=TYPE`` in this process, so the server registers it
    with the declared keys (``EntryMethod`` among them); their names."""
    kinds = {kind.value.lower(): kind for kind in SearchAttributeType}
    names: list[str] = []
    for value in values:
        name, _, kind = value.partition("=")
        if not name or kind.lower() not in kinds:
            raise click.BadParameter(
                f"{value!r}: use NAME=TYPE, e.g. CustomerId=Keyword, with TYPE one of "
                f"{', '.join(k.value for k in SearchAttributeType)}",
                param_hint="--search-attribute",
            )
        try:
            names.append(SearchAttribute(name, kinds[kind.lower()]).name)
        except TemporalRuntimeError as exc:
            raise click.BadParameter(str(exc), param_hint="--search-attribute") from exc
    return tuple(names)


@click.command(
    "dev", epilog=_EPILOG, short_help="Run a local Temporal dev server for every process on this machine."
)
@click.option(
    "--db",
    "--db-filename",
    "-f",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file keeping the server's state across restarts (created if missing) [default: in memory].",
)
@click.option(
    "--port",
    "-p",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port of Temporal's frontend (gRPC).",
)
@click.option("--ui-port", type=click.IntRange(1, 65535), help="Port of the Web UI [default: --port + 1000].")
@click.option("--headless", is_flag=True, help="Do not start the Web UI.")
@click.option(
    "--namespace",
    "-n",
    "namespaces",
    multiple=True,
    help="Namespace to create (repeatable) [default: 'default', which always exists].",
)
@click.option(
    "--search-attribute",
    "search_attributes",
    multiple=True,
    metavar="NAME=TYPE",
    callback=_declare_search_attributes,
    help="A search attribute to register, e.g. CustomerId=Keyword (repeatable; TYPE is one of "
    "Keyword, Text, Int, Double, Bool, Datetime, KeywordList). EntryMethod is always registered; "
    "the keys your modules declare can also be added later with engine.register_search_attributes().",
)
@click.option(
    "--ip",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0: every interface; the server has no authentication).",
)
@logging_options
def dev_command(
    db: Path | None,
    port: int,
    ui_port: int | None,
    headless: bool,
    namespaces: Sequence[str],
    search_attributes: Sequence[str],
    ip: str,
    log_level: str,
    verbose: bool,
) -> None:
    """Run a local Temporal dev server (the Temporal CLI's `server start-dev`) until SIGTERM/SIGINT.

    It logs one ready line on stderr with its address and Web UI once it serves. Workers and apps of
    other processes reach it with TEMPORAL_ADDRESS=HOST:PORT (or --url / url=).
    """
    setup_logging(log_level)
    web_port = None if headless else (ui_port if ui_port is not None else port + 1000)

    async def serve() -> None:
        binary = find_server_binary()
        for what, number in (("--port", port), ("--ui-port", web_port)):
            if number is not None:
                _check_free(ip, number, what)
        created = list(dict.fromkeys(namespaces or ("default",)))
        extra = [arg for name in created[1:] for arg in ("--namespace", name)]
        server = await launch_dev_server(
            binary, namespace=created[0], ip=ip, port=port, ui_port=web_port, db_filename=db, extra_args=extra
        )
        try:
            log.info(ready_line(server.address, created, server.ui_url, db))
            signum = await wait_for_stop_signal()
            log.info("temporal-runtime: %s received, stopping the dev server", signum.name)
        finally:
            await server.shutdown()

    run_command("dev", serve, verbose=verbose)


def ready_line(address: str, namespaces: Sequence[str], ui_url: str | None, db: Path | None) -> str:
    """The one INFO line once the server serves: where, which namespaces, the Web UI, the state."""
    listed = ", ".join(repr(n) for n in namespaces)
    state = f"state in {db}" if db is not None else "state in memory"
    ui = f"Web UI {ui_url}" if ui_url is not None else "no Web UI (--headless)"
    return (
        f"temporal-runtime: dev server ready: address {address}, namespaces {listed}, {ui}, {state}; "
        f"connect with TEMPORAL_ADDRESS={address}"
    )


def _check_free(ip: str, port: int, option: str) -> None:
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((ip, port))
        except OSError as exc:
            raise LocalServerError(
                f"port {port} on {ip} is not free ({exc.strerror}): is another server running there? "
                f"Stop it, or pass another {option}"
            ) from None

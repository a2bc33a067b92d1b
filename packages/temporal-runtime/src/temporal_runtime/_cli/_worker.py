"""``temporal-runtime worker MODULE...``: a worker process serving what the modules register."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import click

from temporal_runtime_core import (
    EngineConnectionError,
    EngineError,
    TemporalRuntimeError,
    default_activity_registry,
    default_workflow_registry,
)
from temporal_runtime_engine import TemporalEngine

from ._engine_options import CONNECTION_OPTIONS, WORKER_OPTIONS, engine_kwargs, engine_options
from ._imports import import_modules, make_cwd_importable
from ._options import fail, logging_options, run_command, setup_logging

__all__ = ["build_engine", "worker_command"]

DEFAULT_TASK_QUEUE: Final = "temporal-runtime"

_EPILOG: Final = """\b
Examples:
  temporal-runtime worker myapp.workflows myapp.activities --task-queue orders
  temporal-runtime worker myapp.activities --url temporal.internal:7233 --namespace prod
  TEMPORAL_ADDRESS=ns.acct.tmprl.cloud:7233 TEMPORAL_NAMESPACE=ns.acct TEMPORAL_API_KEY=... \\
      temporal-runtime worker myapp.workflows
  temporal-runtime worker myapp.workflows --profile staging   # a profile of temporal.toml

\b
Configuration: options win over the TEMPORAL_* environment variables (TEMPORAL_ADDRESS,
TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE), which
win over the profile file, exactly like the Temporal CLI. The current directory is importable.

\b
Exit codes: 0 after SIGTERM/SIGINT (running activities get --graceful-shutdown-timeout to finish),
1 on an error (a module that cannot be imported, nothing to serve, no server), 2 on a usage error,
130 when a second Ctrl-C interrupts the graceful shutdown.
"""


@click.command(
    "worker", epilog=_EPILOG, short_help="Serve the workflows and activities of MODULE... (a worker process)."
)
@click.argument("modules", nargs=-1, required=True, metavar="MODULE...")
@click.option(
    "--task-queue",
    "-t",
    default=DEFAULT_TASK_QUEUE,
    show_default=True,
    help="Task queue the worker polls (workflows start on it unless told otherwise).",
)
@click.option(
    "--profile", help="Profile of the Temporal config file to use [env TEMPORAL_PROFILE; default 'default']."
)
@click.option(
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The Temporal config file (TOML) [env TEMPORAL_CONFIG_FILE; default the Temporal CLI's].",
)
@engine_options(CONNECTION_OPTIONS + WORKER_OPTIONS)
@logging_options
def worker_command(
    modules: Sequence[str],
    task_queue: str,
    profile: str | None,
    config_file: Path | None,
    log_level: str,
    verbose: bool,
    **engine_values: object,
) -> None:
    """Import MODULE... and serve the workflows and activities they register until SIGTERM/SIGINT.

    MODULE is a dotted module name (myapp.workflows), importable from the current directory or
    PYTHONPATH. The worker serves every workflow class and activity registered by the time the modules
    are imported (theirs and those of modules they import), on one task queue. It logs one ready line
    (server, namespace, task queue, what it serves) on stderr once it polls.
    """
    setup_logging(log_level)
    try:
        engine = build_engine(modules, task_queue, profile, config_file, engine_values)
    except TemporalRuntimeError as error:  # a bad module, nothing to serve, an option the engine rejects
        fail("worker", error, verbose=verbose)

    async def serve() -> None:
        try:
            await engine.serve()
        except EngineConnectionError as error:
            raise EngineConnectionError(
                f"{error} (for a local server, run `temporal-runtime dev` in another terminal)"
            ) from error

    run_command("worker", serve, verbose=verbose)


def build_engine(
    modules: Sequence[str],
    task_queue: str,
    profile: str | None,
    config_file: Path | None,
    values: dict[str, object],
) -> TemporalEngine:
    """Import ``modules``, check they register something, and configure the engine: the command
    line's options over ``TemporalEngine.from_env`` (the environment and the profile)."""
    make_cwd_importable()
    import_modules(modules)
    if len(default_workflow_registry) == 0 and len(default_activity_registry) == 0:
        raise EngineError(
            f"the modules {', '.join(repr(m) for m in modules)} register no workflows or activities: name "
            "the modules that define them (`class MyWorkflow(Workflow)` or `@activity_def(...)` at module "
            "level, on the default registry)"
        )
    options = engine_kwargs(CONNECTION_OPTIONS + WORKER_OPTIONS, values)
    return TemporalEngine.from_env(profile, config_file=config_file, task_queue=task_queue, **options)

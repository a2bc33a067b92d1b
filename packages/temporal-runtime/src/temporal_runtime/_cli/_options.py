"""What every command shares: ``--log-level``/``--verbose``, logging set-up, and turning a
temporal-runtime error into one line on stderr and a non-zero exit code."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import traceback
from collections.abc import Callable, Coroutine
from typing import Any, Final, NoReturn

import click

from temporal_runtime_core import TemporalRuntimeError

__all__ = ["EXIT_FAILURE", "EXIT_INTERRUPTED", "fail", "logging_options", "run_command", "setup_logging"]

EXIT_FAILURE: Final = 1
"""The exit code of a command that failed (a bad module, no server, ...); click's usage errors exit 2."""

EXIT_INTERRUPTED: Final = 130
"""The exit code after a second Ctrl-C, which interrupts the graceful stop the first one began."""

LOG_LEVELS: Final = ("debug", "info", "warning", "error")
LOG_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def logging_options[F: Callable[..., Any]](function: F) -> F:
    """``--log-level`` and ``-v``/``--verbose``, for every command."""
    function = click.option(
        "--log-level",
        type=click.Choice(LOG_LEVELS, case_sensitive=False),
        default="info",
        show_default=True,
        help="Level of the log lines written to stderr (the ready line is INFO).",
    )(function)
    return click.option(
        "-v", "--verbose", is_flag=True, help="On an error, print its traceback too (not only its message)."
    )(function)


def setup_logging(level: str) -> None:
    """Log lines of ``level`` and above from every logger go to stderr, one per line."""
    logging.basicConfig(level=level.upper(), format=LOG_FORMAT, stream=sys.stderr, force=True)


def fail(command: str, error: BaseException, *, verbose: bool) -> NoReturn:
    """Print ``error`` as ``temporal-runtime COMMAND: error: ...`` (with its traceback if ``verbose``)
    on stderr and exit with :data:`EXIT_FAILURE`."""
    if verbose:
        traceback.print_exception(error, file=sys.stderr)
    hint = "" if verbose else " (-v/--verbose shows the traceback)" if error.__cause__ is not None else ""
    click.echo(f"temporal-runtime {command}: error: {error}{hint}", err=True)
    sys.exit(EXIT_FAILURE)


def run_command(command: str, main: Callable[[], Coroutine[Any, Any, None]], *, verbose: bool) -> None:
    """``asyncio.run(main())``; a temporal-runtime error ends the process through :func:`fail`, a
    second Ctrl-C with :data:`EXIT_INTERRUPTED`."""
    try:
        asyncio.run(main())
    except TemporalRuntimeError as error:
        fail(command, error, verbose=verbose)
    except KeyboardInterrupt:
        click.echo(f"temporal-runtime {command}: interrupted", err=True)
        # Not sys.exit: the interrupted shutdown leaves temporalio's core threads running (a worker
        # still stopping, activities still going), and the interpreter's finalization under them
        # can crash the process (seen as SIGSEGV in CI). Flush what was written and leave at once.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)

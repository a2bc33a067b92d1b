"""The ``temporal-runtime`` command group: ``--version``, ``--help`` and the commands.

Adding a command is one new module defining a ``click.Command`` and one entry in ``COMMANDS``.
"""

from __future__ import annotations

from typing import Final

import click

from .._version import __version__
from ._codec_server import codec_server_command  # --- encryption (#14) ---
from ._dev import dev_command
from ._worker import worker_command

__all__ = ["COMMANDS", "cli", "main"]

PROG_NAME: Final = "temporal-runtime"

COMMANDS: Final[tuple[click.Command, ...]] = (
    worker_command,
    dev_command,
    codec_server_command,  # --- encryption (#14) ---
)
"""Every command of ``temporal-runtime``, in the order ``--help`` lists them."""

_EPILOG: Final = """\b
Examples:
  temporal-runtime dev --db temporal.db          # a local server for every process on this machine
  temporal-runtime worker myapp.workflows myapp.activities --task-queue orders
  TEMPORAL_ADDRESS=temporal:7233 python -m temporal_runtime worker myapp.workflows
  temporal-runtime codec-server --port 8081       # decrypted payloads in the Web UI (keys from the env)

Run `temporal-runtime COMMAND --help` for a command's options. Docs: docs/worker-processes.md.
"""


@click.group(
    name=PROG_NAME,
    epilog=_EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", "-V", prog_name=PROG_NAME, message="%(prog)s %(version)s")
def cli() -> None:
    """temporal-runtime: run workers and a local Temporal server for temporal-runtime applications."""


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """The ``temporal-runtime`` console script and ``python -m temporal_runtime``."""
    cli.main(prog_name=PROG_NAME)

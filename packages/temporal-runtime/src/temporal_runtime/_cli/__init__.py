"""The ``temporal-runtime`` command line (also ``python -m temporal_runtime``).

One module per command (``_worker``, ``_dev``), each defining one click command that ``_app`` adds
to the group; the options they share live in ``_options`` (logging, errors) and
``_engine_options`` (the command-line options that become ``TemporalEngine`` arguments).
"""

from ._app import cli, main

__all__ = ["cli", "main"]

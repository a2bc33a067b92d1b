"""Which adapter a sandbox imports its workflow module for, so that it builds only that one.

Temporal's sandbox re-imports a workflow's module for every run (``from <module> import <adapter
name>``), which runs the ``Workflow`` metaclass for every workflow class in it. In the host process
each class needs its adapter (the worker lists them); inside a run's sandbox only the adapter of
the class being run is ever imported. The engine's runner (``ModuleValidatingRunner``) says which
one around the instance creation that does the import (:func:`adapter_wanted`); the metaclass then
builds the other classes' adapters only if something asks for them (``defn.adapter_class``).

Only the names of a module and of one adapter cross into the sandbox, for the duration of one
synchronous instance creation on this thread: no object of one run is shared with another. This
module is passed through (the SDK's own packages are), so the sandbox sees the host's value.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from contextlib import contextmanager

import temporalio.workflow

__all__ = ["adapter_wanted", "defers_adapter"]

_local = threading.local()


@contextmanager
def adapter_wanted(module: str, adapter: str) -> Generator[None]:
    """While a sandbox on this thread imports ``module`` to run the adapter class named ``adapter``."""
    previous: tuple[str, str] | None = getattr(_local, "wanted", None)
    _local.wanted = (module, adapter)
    try:
        yield
    finally:
        _local.wanted = previous


def defers_adapter(module: str, adapter: str) -> bool:
    """Whether the adapter ``adapter`` of ``module`` can be built on demand instead of now: inside a
    sandbox importing ``module`` for another adapter of it. Anywhere else (the host, a sandbox
    created by another runner) every adapter is built at once, as it always was."""
    wanted: tuple[str, str] | None = getattr(_local, "wanted", None)
    if wanted is None or wanted[0] != module or wanted[1] == adapter:
        return False
    return temporalio.workflow.unsafe.in_sandbox()

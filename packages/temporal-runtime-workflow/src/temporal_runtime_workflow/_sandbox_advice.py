"""Our advice for what Temporal's workflow sandbox forbids, in place of temporalio's.

temporalio answers ``random.random()`` or ``import httpx`` in workflow code with "mark the import as
pass through", advice for temporalio's own API. Here the message names the call, the deterministic
replacement on ``Workflow`` (``self.now()``, ...) or an activity, and, for a third-party module that
is safe to share, ``TemporalEngine(sandbox_passthrough=[...])``.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Collection
from typing import Final

import temporalio.workflow

from temporal_runtime_core import SandboxViolationError

__all__ = ["explain_sandbox_violation", "is_sandbox_violation"]

_RETRIED: Final = (
    "This fails the workflow task, which Temporal retries: the run stays RUNNING and resumes once "
    "the fixed code is deployed."
)


def is_sandbox_violation(exc: BaseException) -> bool:
    """Whether ``exc`` is temporalio's ``RestrictedWorkflowAccessError`` (recognised by shape: the
    workflow layer does not import temporalio's sandbox)."""
    return isinstance(exc, temporalio.workflow.NondeterminismError) and isinstance(
        getattr(exc, "qualified_name", None), str
    )


def explain_sandbox_violation(
    exc: BaseException, *, workflow: str, workflow_modules: Collection[str], at_import: bool = False
) -> SandboxViolationError:
    """Our error for the sandbox violation ``exc`` (see :func:`is_sandbox_violation`), raised by the
    code of ``workflow`` (the subject of the message: ``"Workflow 'Orders' (shop.Orders)"``, or
    ``"its module shop"`` when ``at_import``, i.e. while the worker imported the workflow modules
    ``workflow_modules``)."""
    qualified: str = getattr(exc, "qualified_name", "") or str(exc)
    call = _call_name(qualified)
    module = _imported_module(exc, workflow_modules)
    if module is not None:
        message = (
            f"{workflow} imports {module}, which uses {call} at import time: Temporal's workflow sandbox "
            "forbids that, because workflow code must be deterministic. "
            f"{_passthrough_advice(module, workflow_modules)}"
        )
    elif at_import:
        message = (
            f"{workflow} uses {call} at import time, which Temporal's workflow sandbox forbids (the "
            "module is imported again for every run, and workflow code must be deterministic). Move "
            f"that call into the workflow ({_replacement(qualified)}) or into an activity."
        )
    else:
        fix = _replacement(qualified)
        message = (
            f"{workflow} called {call}, which Temporal's workflow sandbox forbids: workflow code must be "
            "deterministic, so that replaying the run's history takes the same path. "
            f"{fix[0].upper()}{fix[1:]}."
        )
    if not at_import:
        message = f"{message} {_RETRIED}"
    # In place of temporalio's error (whose advice is not ours), with its traceback: it shows the
    # line of workflow code, and the imports, that made the violation.
    error = SandboxViolationError(message).with_traceback(exc.__traceback__)
    error.__suppress_context__ = True
    return error


def _call_name(qualified: str) -> str:
    """``random.random.__call__`` -> ``random.random()``; ``urllib.request.Request.__mro_entries__``
    -> ``urllib.request.Request``."""
    parts = qualified.removeprefix("__builtins__.").split(".")
    called = parts[-1] == "__call__"
    while len(parts) > 1 and parts[-1].startswith("__") and parts[-1].endswith("__"):
        parts.pop()
    return ".".join(parts) + ("()" if called else "")


def _replacement(qualified: str) -> str:
    """The deterministic way to do what ``qualified`` does, as a phrase ("use self.now() ...")."""
    name = qualified.removeprefix("__builtins__.")
    if name.startswith("time.sleep"):
        return "use `await self.sleep(seconds)`, the durable timer"
    if name.startswith(("datetime.", "time.")):
        return "use self.now(), the workflow's deterministic clock (UTC)"
    if name.startswith(("random.", "secrets.", "os.urandom")):
        return _planned("random", "a deterministic random.Random") + " or draw the value in an activity"
    if name.startswith("uuid."):
        return _planned("uuid4", "a deterministic uuid") + " or make the id in an activity"
    return (
        "do I/O and other non-deterministic work in an activity: "
        "`await self.exec(activity, args, timeout=...)`"
    )


def _planned(member: str, what: str) -> str:
    """Name ``self.<member>()`` if ``Workflow`` has it; otherwise say that it is coming."""
    from ._workflow import Workflow  # the advice is built after the workflow layer is imported

    if hasattr(Workflow, member):
        return f"use self.{member}() ({what}, the same on replay)"
    return f"pass the value in as an argument (a deterministic self.{member}() is coming)"


def _passthrough_advice(module: str, workflow_modules: Collection[str]) -> str:
    top = _top(module)
    if top in sys.stdlib_module_names:
        return f"Import {module} only in activity modules and use it from an activity."
    # The sandbox passes a module's submodules through with it: name the whole package unless it
    # holds workflow modules, whose isolation is the point of the sandbox.
    shared = module if top in {_top(m) for m in workflow_modules} else top
    return (
        f"If {shared} is safe to share with workflow code (no I/O, threads or global state that "
        "workflow code relies on), let it through the sandbox: "
        f'TemporalEngine(sandbox_passthrough=["{shared}"]). Otherwise import it only in activity '
        "modules and use it from an activity."
    )


def _top(module: str) -> str:
    return module.split(".", 1)[0]


def _imported_module(exc: BaseException, workflow_modules: Collection[str]) -> str | None:
    """The module whose import made the violation, when it is not a workflow module: of the modules
    being imported when it happened (the traceback's module-level frames, outermost first), the first
    from another package than the workflows' (a third-party library), else the first that is not a
    workflow module."""
    importing: list[str] = []
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        name = frame.f_globals.get("__name__")
        if (
            frame.f_code.co_name == "<module>"
            and isinstance(name, str)
            and name not in workflow_modules
            and not name.startswith("temporalio")
        ):
            importing.append(name)
    tops = {_top(m) for m in workflow_modules}
    return next((m for m in importing if _top(m) not in tops), importing[0] if importing else None)

"""``RuntimePlugin``: temporal-runtime's data converter and workflow sandbox, as one temporalio plugin.

temporalio applies a plugin given to ``Client.connect`` (``WorkflowEnvironment.start_local`` and
``start_time_skipping`` connect with the plugins they are given) to that client and to every
``Worker`` built on the client; a ``Replayer`` takes it directly. So the engine's client, its
worker and the testing kit's replayer get the same converter and the same sandbox from one object,
and so does a plain temporalio ``Worker`` built on ``engine.temporal_client``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, Final

import temporalio.client
import temporalio.converter
import temporalio.plugin
import temporalio.worker
from temporalio.worker import WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from temporal_runtime_core import ActivityDefinition
from temporal_runtime_workflow import WorkflowDefinition

from ._converter import data_converter
from ._module_validating_runner import ModuleValidatingRunner
from ._payload_limit import DEFAULT_PAYLOAD_SIZE_LIMIT, PayloadLimitCodec
from ._sandbox import check_reimportable, passthrough_modules

__all__ = ["PLUGIN_NAME", "RuntimePlugin"]

PLUGIN_NAME: Final = "temporal-runtime"


class RuntimePlugin(temporalio.plugin.SimplePlugin):
    """The DTO data converter for a client or replayer, and the workflow sandbox for a worker or
    replayer serving ``workflows`` (which lets through the SDK, pydantic, the DTO modules of
    ``workflows`` and ``activities``, the modules defining ``activities`` but no workflow, and
    ``sandbox_passthrough``; see :mod:`temporal_runtime_engine._sandbox`).

    Give it to ``temporalio.client.Client.connect(..., plugins=[plugin])`` (every worker on that
    client then uses it; do not give it to the worker again) or to
    ``temporalio.worker.Replayer(..., plugins=[plugin])``. The converter keeps the payload codec of
    the converter it replaces, unless ``payload_codec`` is given (the engine's ``payload_codec=``):
    then that codec encodes every payload, failure messages and stack traces included (see
    :func:`~temporal_runtime_engine._converter.data_converter`); and (unless ``payload_size_limit``
    is None) it refuses encoded payloads over that many bytes with ``PayloadTooLargeError`` (see
    ``_payload_limit``). ``interceptors`` (the engine's ``interceptors=``, after the tracing ones with
    ``tracing=True``) go to the client and its workers. A sandboxed runner the worker already has
    (temporalio's default, or one with custom restrictions) is extended with the modules to let
    through; a runner that is not sandboxed is the caller's explicit choice and is left as it is.
    """

    def __init__(
        self,
        workflows: Iterable[WorkflowDefinition] = (),
        activities: Iterable[ActivityDefinition[Any, Any]] = (),
        sandbox_passthrough: Iterable[str] = (),
        # --- encryption (#14) ---
        payload_codec: temporalio.converter.PayloadCodec | None = None,
        # --- payload limit (#14) ---
        payload_size_limit: int | None = DEFAULT_PAYLOAD_SIZE_LIMIT,
        # --- observability (#14) ---
        interceptors: Iterable[temporalio.client.Interceptor | temporalio.worker.Interceptor] = (),
    ) -> None:
        # Not `workflows`/`activities`: SimplePlugin appends attributes of those names to a worker's.
        self.workflow_definitions: tuple[WorkflowDefinition, ...] = tuple(workflows)
        self.activity_definitions: tuple[ActivityDefinition[Any, Any], ...] = tuple(activities)
        self.sandbox_passthrough: tuple[str, ...] = tuple(sandbox_passthrough)
        # --- encryption (#14) ---
        self.payload_codec = payload_codec
        # temporalio annotates SimplePlugin's `activities` parameter with a bare `Callable`.
        self.payload_size_limit = payload_size_limit
        # --- observability (#14) ---
        # SimplePlugin appends them to the client's, and to each worker's those not on its client.
        self.engine_interceptors = tuple(interceptors)
        super().__init__(  # pyright: ignore[reportUnknownMemberType]
            PLUGIN_NAME,
            data_converter=self.converter,
            workflow_runner=self.sandboxed,
            interceptors=list(self.engine_interceptors) or None,
        )

    def converter(
        self, base: temporalio.converter.DataConverter | None
    ) -> temporalio.converter.DataConverter:
        """The data converter replacing ``base`` (the client's or replayer's): the DTO payload
        converter, ``payload_codec`` if given, then the payload size check when a limit is set
        (called by temporalio)."""
        # --- encryption (#14) ---
        converter = data_converter(base, payload_codec=self.payload_codec)
        if self.payload_size_limit is None:  # --- payload limit (#14) ---
            return converter
        limited = PayloadLimitCodec(self.payload_size_limit, converter.payload_codec)
        return dataclasses.replace(converter, payload_codec=limited)

    def sandboxed(self, runner: WorkflowRunner | None) -> WorkflowRunner:
        """``runner`` (by default temporalio's sandboxed runner) letting the shareable modules through.

        Called by temporalio when a worker or replayer is built with this plugin; each workflow's
        module is first checked to be re-importable by name (``check_reimportable``). temporalio's
        own runner becomes a :class:`ModuleValidatingRunner` (the same sandbox, validating each
        module of adapters once at worker start rather than once per class).
        """
        base = SandboxedWorkflowRunner() if runner is None else runner
        if not isinstance(base, SandboxedWorkflowRunner):
            return base
        for defn in self.workflow_definitions:
            check_reimportable(defn)
        modules = passthrough_modules(
            self.workflow_definitions, self.activity_definitions, self.sandbox_passthrough
        )
        restrictions = base.restrictions.with_passthrough_modules(*modules)
        if type(base) is not SandboxedWorkflowRunner:  # a subclass of the user's: keep its behaviour
            return dataclasses.replace(base, restrictions=restrictions)
        return ModuleValidatingRunner(
            restrictions=restrictions,
            runner_class=base.runner_class,
            generated=frozenset(d.adapter_class for d in self.workflow_definitions),
        )

    def __repr__(self) -> str:
        codec = f" payload_codec={self.payload_codec!r}" if self.payload_codec is not None else ""
        return (
            f"<RuntimePlugin workflows={[d.name for d in self.workflow_definitions]!r} "
            f"activities={[a.name for a in self.activity_definitions]!r}{codec}>"
        )

"""The workflow registry: what the engine needs to know about each workflow class."""

from __future__ import annotations

from typing import Final, Protocol

from ._registry import Registry

__all__ = ["WorkflowRegistry", "WorkflowSpec", "default_workflow_registry"]


class WorkflowSpec(Protocol):
    """A registered workflow, as the registry and the engine see it.

    The workflow layer provides the implementation; this layer only names what it must offer.
    """

    @property
    def name(self) -> str:
        """The workflow type name on the Temporal server."""
        ...

    @property
    def origin(self) -> str:
        """``module.qualname`` of the user's class."""
        ...

    @property
    def workflow_class(self) -> type:
        """The user's workflow class."""
        ...

    @property
    def adapter_class(self) -> type:
        """The generated class a worker runs for this workflow."""
        ...


type WorkflowRegistry = Registry[WorkflowSpec]
"""A registry of workflow classes by workflow name (``class W(Workflow, registry=...)``,
``TemporalEngine(workflow_registry=...)``); :data:`default_workflow_registry` is the process-wide one."""

default_workflow_registry: Final[WorkflowRegistry] = Registry("workflow")
"""The process-wide workflow registry that ``Workflow`` subclasses join unless told otherwise."""

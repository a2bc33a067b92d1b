"""``ModuleValidatingRunner``: temporalio's sandboxed runner, validating each workflow *module* once.

When a worker is built, temporalio's ``SandboxedWorkflowRunner.prepare_workflow`` validates every
workflow class by importing its whole module afresh in a new sandbox and creating an instance with
placeholder info. For ``n`` classes in one module that is ``n`` imports of ``n`` classes, so worker
start-up grows with the square of the number of classes (200 classes: seconds).

temporal-runtime generates the Temporal class of every workflow (the adapter, see
``temporal_runtime_workflow._adapter``): it lives in the user's module, is created by that module's
import, and its instance creation runs no user code (the user's class is instantiated at the first
activation). So the sandbox verdict on one adapter is the verdict on its module: importing the
module is the only part that depends on the user, and it is the same import for every sibling.
This runner validates the first adapter of each module in full, as temporalio does, and accepts
its siblings on that verdict. A module whose import violates the sandbox still fails at worker
start, on whichever of its classes comes first, with the same error (and so the same
``DefinitionError`` from ``sandbox_errors_explained``). Classes the runner did not generate (a raw
temporalio workflow on the same worker) are validated one by one, as before. Each run still gets
its own fresh sandbox: only start-up validation is shared.
"""

from __future__ import annotations

import dataclasses

import temporalio.workflow
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from temporal_runtime_workflow import adapter_wanted

__all__ = ["ModuleValidatingRunner"]


@dataclasses.dataclass(frozen=True)
class ModuleValidatingRunner(SandboxedWorkflowRunner):
    """A ``SandboxedWorkflowRunner`` that validates ``generated`` adapter classes once per module.

    Args:
        generated: the adapter classes temporal-runtime built; any other class is validated alone.
    """

    generated: frozenset[type] = frozenset()
    _validated_modules: set[str] = dataclasses.field(
        default_factory=set[str], init=False, repr=False, compare=False
    )

    def prepare_workflow(self, defn: temporalio.workflow._Definition) -> None:
        """Validate ``defn`` in the sandbox unless a sibling adapter of its module already passed."""
        if defn.cls not in self.generated:
            super().prepare_workflow(defn)
            return
        module = defn.cls.__module__
        if module in self._validated_modules:
            return
        super().prepare_workflow(defn)  # raises for a module the sandbox refuses: nothing recorded
        self._validated_modules.add(module)

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        """A sandboxed instance of ``det.defn.cls``; for a generated adapter, the module's other
        workflow classes get their adapters only on demand inside that sandbox (each run's sandbox
        imports its module afresh, and imports only the one adapter it runs)."""
        cls = det.defn.cls
        if cls not in self.generated:
            return super().create_instance(det)
        with adapter_wanted(cls.__module__, cls.__name__):
            return super().create_instance(det)

    @property
    def validated_modules(self) -> frozenset[str]:
        """The modules whose adapters passed validation so far (for tests and diagnostics)."""
        return frozenset(self._validated_modules)

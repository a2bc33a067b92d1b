"""Non-deterministic calls and restricted imports in workflow code get our advice (the call, its
deterministic replacement, ``sandbox_passthrough=``), not temporalio's "mark the import as pass
through"; they are bugs, so they fail the workflow task (retried) with that message, in the run's
history and in the worker's ERROR log."""

from __future__ import annotations

import asyncio
import importlib
import logging
import random
import time
import uuid
from datetime import datetime

import pytest
import temporalio.api.enums.v1

from temporal_runtime import (
    DefinitionError,
    MethodHandle,
    TemporalEngine,
    Workflow,
    WorkflowStatus,
)
from temporal_runtime.testing import TemporalTestServer

pytestmark = [
    pytest.mark.integration,
    # temporalio warns of modules first imported while a workflow runs (`import httpx` below)
    pytest.mark.filterwarnings("ignore:Module .* was imported after initial workflow load:UserWarning"),
]

RETRIED = (
    "This fails the workflow task, which Temporal retries: the run stays RUNNING and resumes once the "
    "fixed code is deployed."
)
WHO = "Workflow 'NondeterministicWorkflow' (tests.integration.test_sandbox_advice.NondeterministicWorkflow)"
FORBIDS = (
    "which Temporal's workflow sandbox forbids: workflow code must be deterministic, so that replaying "
    "the run's history takes the same path."
)


class NondeterministicWorkflow(Workflow):
    async def call(self, what: str) -> str:
        if what == "random":
            return str(random.random())
        if what == "now":
            return str(datetime.now())
        if what == "time":
            return str(time.time())
        if what == "uuid":
            return str(uuid.uuid4())
        import httpx  # imported while the workflow runs, inside the sandbox

        return httpx.__name__


async def _task_failure(handle: MethodHandle[str]) -> str:
    failed = temporalio.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    async with asyncio.timeout(20):
        while True:  # polling the server until the first failure is recorded
            history = await handle.temporal_handle.fetch_history()
            for event in history.events:
                if event.event_type == failed:
                    return event.workflow_task_failed_event_attributes.failure.message
            await asyncio.sleep(0.1)


@pytest.mark.parametrize(
    ("what", "advice"),
    [
        (
            "now",
            "called datetime.datetime.now(), {forbids} "
            "Use self.now(), the workflow's deterministic clock (UTC).",
        ),
        ("time", "called time.time(), {forbids} Use self.now(), the workflow's deterministic clock (UTC)."),
        (
            "random",
            "called random.random(), {forbids} Use self.random() (a deterministic random.Random, "
            "the same on replay) or draw the value in an activity.",
        ),
        (
            "uuid",
            "called uuid.uuid4(), {forbids} Use self.uuid4() (a deterministic uuid, the same on "
            "replay) or make the id in an activity.",
        ),
        (
            "import",
            "imports httpx, which uses urllib.request.Request at import time: Temporal's workflow sandbox "
            "forbids that, because workflow code must be deterministic. If httpx is safe to share with "
            "workflow code (no I/O, threads or global state that workflow code relies on), let it through "
            'the sandbox: TemporalEngine(sandbox_passthrough=["httpx"]). Otherwise import it only in '
            "activity modules and use it from an activity.",
        ),
    ],
)
async def test_a_non_deterministic_call_fails_the_task_with_our_advice(
    engine: TemporalEngine, caplog: pytest.LogCaptureFixture, what: str, advice: str
) -> None:
    expected = f"{WHO} {advice.format(forbids=FORBIDS)} {RETRIED}"
    with caplog.at_level(logging.ERROR, logger="temporal_runtime.workflow"):
        handle = await engine.start_workflow(NondeterministicWorkflow.call, what)
        message = await _task_failure(handle)
        assert await handle.status() is WorkflowStatus.RUNNING
        await handle.terminate("test over")
    assert message == expected
    assert "pass through" not in message
    [record] = [r for r in caplog.records if handle.id in r.getMessage()]
    assert f"SandboxViolationError: {expected}" in record.getMessage()


async def test_a_restricted_import_in_a_workflow_module_stops_the_worker_start_with_our_advice(
    temporal_server: TemporalTestServer,
) -> None:
    # Imported here: imported at the top, it would stop this module's own engine fixture (which
    # serves this module's workflows) from starting, with the same advice.
    sandbox_httpx_workflow = importlib.import_module("tests.integration.sandbox_httpx_workflow")
    engine = temporal_server.engine(
        f"sandbox-{uuid.uuid4().hex[:8]}", workflow_registry=sandbox_httpx_workflow.REGISTRY
    )
    with pytest.raises(DefinitionError) as info:
        await engine.start()
    assert str(info.value) == (
        "Cannot serve workflow 'HttpxImportingWorkflow' (tests.integration.sandbox_httpx_workflow."
        "HttpxImportingWorkflow): its module tests.integration.sandbox_httpx_workflow imports httpx, "
        "which uses urllib.request.Request at import time: Temporal's workflow sandbox forbids that, "
        "because workflow code must be deterministic. If httpx is safe to share with workflow code (no "
        "I/O, threads or global state that workflow code relies on), let it through the sandbox: "
        'TemporalEngine(sandbox_passthrough=["httpx"]). Otherwise import it only in activity modules '
        "and use it from an activity."
    )
    assert info.value.__cause__ is None  # temporalio's own advice is not chained in
    assert not engine.started

    # following the advice works
    fixed = temporal_server.engine(
        f"sandbox-{uuid.uuid4().hex[:8]}",
        workflow_registry=sandbox_httpx_workflow.REGISTRY,
        sandbox_passthrough=["httpx"],
    )
    async with fixed:
        workflow = sandbox_httpx_workflow.HttpxImportingWorkflow
        assert await fixed.execute_workflow(workflow.run) == "httpx"


def test_other_import_time_errors_keep_their_cause_and_read_as_one_sentence() -> None:
    from temporal_runtime_engine._sandbox import sandbox_errors_explained

    def validate() -> None:  # what temporalio's worker raises when importing a workflow module fails
        try:
            raise ValueError("settings file missing.")
        except ValueError as exc:
            raise RuntimeError("Failed validating workflow Reports") from exc

    with pytest.raises(DefinitionError) as info, sandbox_errors_explained():
        validate()
    assert str(info.value).startswith(
        "Cannot serve workflow 'Reports': importing its module again inside Temporal's workflow sandbox "
        "raised ValueError: settings file missing. Workflow modules must be safe to import more than once"
    )
    assert ".." not in str(info.value)
    assert isinstance(info.value.__cause__, RuntimeError)

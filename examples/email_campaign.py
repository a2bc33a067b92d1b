"""Email campaign: a workflow started and watched from a FastAPI app.

What it shows (the design's "Initialize the Engine" with FastAPI):

* the engine's lifecycle tied to the app's: FastAPI's ``lifespan`` awaits ``engine.start()`` at
  startup and ``engine.stop()`` at shutdown (the modules defining workflows and activities are
  imported before that, here simply by being this module);
* ``POST /campaigns`` starts an ``EmailCampaignWorkflow`` without waiting
  (``proxy.async_(EmailCampaignWorkflow.send_campaign, ...)``) and answers with its workflow id at once;
* ``GET /campaigns/{id}`` reports the execution status (``engine.get_status``) and the workflow's
  ``progress`` query (``engine.query``); ``GET /campaigns/{id}/result`` waits for the result
  (``engine.get_result``); unknown ids give 404;
* the workflow sends one email per recipient with the ``campaign_send_email`` activity, throttled
  with a durable ``self.sleep``, and keeps going when one address fails.

Run as a script it starts an embedded Temporal server and the app on a free local port (uvicorn,
in-process), calls the endpoints with httpx, prints what they answered and exits:

    python examples/email_campaign.py

To serve the app yourself instead: ``uvicorn examples.email_campaign:app_factory --factory`` (it
then uses an embedded Temporal server; build it with ``create_app(TemporalEngine(url=...))`` to use
a real one).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from temporal_runtime import (
    ActivityFailedError,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    WorkflowNotFoundError,
    WorkflowStatus,
    activity_def,
    wf_query,
)

# The web stack (fastapi, uvicorn, httpx) is imported inside the functions that use it, not here:
# Temporal's workflow sandbox re-imports the module that defines a workflow for every run, and
# httpx cannot be imported inside the sandbox. Keep workflow modules free of web/IO imports (or put
# the web layer in a module of its own).
if TYPE_CHECKING:
    from fastapi import FastAPI

# --- DTOs ------------------------------------------------------------------------------------------


class CampaignRequest(BaseModel):
    name: str = Field(min_length=1)
    subject: str
    body: str
    recipients: list[str] = Field(min_length=1)
    throttle_seconds: float = Field(default=0.0, ge=0)  # pause between two emails


class EmailArgs(BaseModel):
    to: str
    subject: str
    body: str


class EmailSent(BaseModel):
    to: str
    message_id: str


class CampaignProgress(BaseModel):
    total: int = 0
    sent: int = 0
    failed: int = 0
    done: bool = False


class CampaignResult(BaseModel):
    name: str
    sent: list[EmailSent]
    failed: list[str]


class CampaignStarted(BaseModel):
    workflow_id: str


class CampaignState(BaseModel):
    workflow_id: str
    status: WorkflowStatus
    progress: CampaignProgress


# --- activities ------------------------------------------------------------------------------------
class UndeliverableAddressError(Exception):
    """The address can never receive mail: retrying is pointless."""


@activity_def("campaign_send_email", Args=EmailArgs, Result=EmailSent)
async def send_email(email: EmailArgs) -> EmailSent:
    """Send one email (simulated: takes a moment; addresses without '@' bounce)."""
    await asyncio.sleep(0.05)
    if "@" not in email.to:
        raise UndeliverableAddressError(f"{email.to!r} is not an email address")
    return EmailSent(to=email.to, message_id=f"msg-{uuid.uuid4().hex[:12]}")


# --- the workflow ----------------------------------------------------------------------------------
class EmailCampaignWorkflow(Workflow):
    """Sends a campaign to each recipient in turn. Query: ``progress() -> CampaignProgress``."""

    def __init__(self) -> None:
        self._progress = CampaignProgress()

    @wf_query("progress")
    def progress(self) -> CampaignProgress:
        return self._progress

    async def send_campaign(self, campaign: CampaignRequest) -> CampaignResult:
        self._progress = CampaignProgress(total=len(campaign.recipients))
        sent: list[EmailSent] = []
        failed: list[str] = []
        for index, recipient in enumerate(campaign.recipients):
            if index and campaign.throttle_seconds:
                await self.sleep(campaign.throttle_seconds)
            try:
                receipt = await self.exec(
                    send_email,
                    EmailArgs(to=recipient, subject=campaign.subject, body=campaign.body),
                    timeout=30,
                    retry_policy=RetryPolicy(
                        maximum_attempts=3,
                        initial_interval=0.5,
                        non_retryable_error_types=("UndeliverableAddressError",),
                    ),
                )
            except ActivityFailedError:  # after the retries: record the bounce, go on with the others
                failed.append(recipient)
                self._progress.failed += 1
            else:
                sent.append(receipt)
                self._progress.sent += 1
        self._progress.done = True
        return CampaignResult(name=campaign.name, sent=sent, failed=failed)


# --- the web app -----------------------------------------------------------------------------------
def create_app(engine: TemporalEngine) -> FastAPI:
    """The campaign API, using ``engine``.

    The app's lifespan starts the engine and, if it was the one to start it, stops it again at
    shutdown (an engine that was already running is left running).
    """
    from fastapi import FastAPI, HTTPException

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncGenerator[None]:
        started_here = not engine.started
        await engine.start()
        try:
            yield
        finally:
            if started_here:
                await engine.stop()

    app = FastAPI(title="Email campaigns", lifespan=lifespan)
    campaigns = EmailCampaignWorkflow.client(engine)

    @app.post("/campaigns", status_code=202)
    async def start_campaign(request: CampaignRequest) -> CampaignStarted:
        handle = await campaigns.async_(EmailCampaignWorkflow.send_campaign, request)
        return CampaignStarted(workflow_id=handle.id)

    @app.get("/campaigns/{workflow_id}")
    async def campaign_state(workflow_id: str) -> CampaignState:
        try:
            status = await engine.get_status(workflow_id)
            progress = await engine.query(workflow_id, EmailCampaignWorkflow.progress)
        except WorkflowNotFoundError:
            raise HTTPException(status_code=404, detail=f"No campaign {workflow_id!r}") from None
        return CampaignState(workflow_id=workflow_id, status=status, progress=progress)

    @app.get("/campaigns/{workflow_id}/result")
    async def campaign_result(workflow_id: str, wait_seconds: float = 30) -> CampaignResult:
        if not 0 < wait_seconds <= 300:
            raise HTTPException(status_code=422, detail="wait_seconds must be in (0, 300]")
        try:
            result = await engine.get_handle_for(EmailCampaignWorkflow.send_campaign, workflow_id).result(
                timeout=wait_seconds
            )
        except WorkflowNotFoundError:
            raise HTTPException(status_code=404, detail=f"No campaign {workflow_id!r}") from None
        except TimeoutError:
            raise HTTPException(status_code=409, detail="The campaign is still running") from None
        return result

    return app


def app_factory() -> FastAPI:
    """The app on an embedded local Temporal server (for ``uvicorn ... --factory``)."""
    return create_app(TemporalEngine(task_queue="email_campaign"))


# --- running it ------------------------------------------------------------------------------------
def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


async def main(engine: TemporalEngine | None = None) -> dict[str, Any]:
    """Serve the app on a free local port, call it over HTTP and return what it answered.

    Without ``engine`` an embedded local Temporal server is used; the app's lifespan starts and
    stops it.
    """
    import httpx
    import uvicorn

    app = create_app(engine or TemporalEngine(task_queue="email_campaign", headless=True))
    sock = _free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # startup includes the lifespan, i.e. engine.start()
            if serving.done():
                await serving  # startup failed: raise its error
                raise RuntimeError("the web server stopped during startup")
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            created = await http.post(
                "/campaigns",
                json={
                    "name": "spring-launch",
                    "subject": "Spring is here",
                    "body": "Our new collection is out.",
                    "recipients": ["ada@example.com", "not-an-address", "grace@example.com"],
                    "throttle_seconds": 0.2,
                },
            )
            created.raise_for_status()
            workflow_id = created.json()["workflow_id"]
            print(f"POST /campaigns -> {created.status_code} {created.json()}")

            state = (await http.get(f"/campaigns/{workflow_id}")).json()
            print(f"GET /campaigns/{{id}} -> {state}")

            result = await http.get(f"/campaigns/{workflow_id}/result")
            result.raise_for_status()
            print(f"GET /campaigns/{{id}}/result -> {result.json()}")

            final_state = (await http.get(f"/campaigns/{workflow_id}")).json()
            print(f"GET /campaigns/{{id}} -> {final_state}")

            missing = await http.get("/campaigns/no-such-campaign")
            print(f"GET /campaigns/no-such-campaign -> {missing.status_code}")
    finally:
        server.should_exit = True
        await serving  # shutdown includes the lifespan, i.e. engine.stop()
    return {
        "workflow_id": workflow_id,
        "state": state,
        "result": result.json(),
        "final_state": final_state,
        "missing_status": missing.status_code,
    }


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    # The worker logs the (expected) bounce of "not-an-address" with its traceback; keep it quiet.
    logging.getLogger("temporalio.activity").setLevel(logging.ERROR)
    asyncio.run(main())

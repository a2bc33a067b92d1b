"""Approval: a workflow that waits for a human decision, delivered as a signal.

What it shows:

* ``@wf_signal("approve")`` / ``@wf_signal("reject")`` handlers that change workflow state, and a
  ``@wf_query("is_approved")`` (async) plus a ``@wf_query("decision")`` (plain ``def``) that read it;
* ``await self.wait_until(lambda: ..., timeout=...)``: the workflow sleeps durably until a signal
  arrives, and gives up with ``TimeoutError`` when nobody decides in time;
* idempotent submission: ``engine.start_workflow(ApprovalWorkflow.process, request, id=...,
  id_conflict_policy=IdConflictPolicy.USE_EXISTING)`` returns the already running request instead
  of starting a second;
* sending signals and queries by method reference (typed) through the ``MethodHandle`` and through
  the engine by workflow id.

Three requests are run: one approved, one rejected and one that nobody answers (it times out).

    python examples/approval.py
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Literal

from pydantic import BaseModel, Field

from temporal_runtime import IdConflictPolicy, TemporalEngine, Workflow, activity_def, wf_query, wf_signal

type Decision = Literal["pending", "approved", "rejected", "timed_out"]


# --- DTOs ------------------------------------------------------------------------------------------
class ApprovalRequest(BaseModel):
    request_id: str
    requester: str
    description: str
    amount_cents: int = Field(ge=0)
    approver: str = "manager@example.com"
    timeout_seconds: float = Field(default=24 * 3600, gt=0)  # how long to wait for a decision


class ApprovalResult(BaseModel):
    request_id: str
    status: Decision
    decided_by: str | None = None
    reason: str | None = None


class Notification(BaseModel):
    to: str
    text: str


# --- activities ------------------------------------------------------------------------------------
@activity_def("approval_notify", Args=Notification)
async def notify(message: Notification) -> str:
    """Pretend to notify someone (mail, chat, ...); returns a message id."""
    return f"note-{uuid.uuid4().hex[:8]}"


# --- the workflow ----------------------------------------------------------------------------------
class ApprovalWorkflow(Workflow):
    """Waits for an approve/reject signal, or times out.

    Signals: ``approve(approver)``, ``reject(approver, reason)``.
    Queries: ``is_approved() -> bool``, ``decision() -> str``.
    """

    def __init__(self) -> None:
        self._approved = False
        self._rejected = False
        self._decided_by: str | None = None
        self._reason: str | None = None
        self._decision: Decision = "pending"

    def _open(self) -> bool:
        """Still waiting for a decision? The first decision wins; later signals are ignored.

        (Several signals can arrive in one batch, before the waiting code runs again, so the
        handlers themselves must check.)
        """
        return not (self._approved or self._rejected) and self._decision == "pending"

    @wf_signal("approve")
    async def approve(self, approver: str) -> None:
        if self._open():
            self._approved = True
            self._decided_by = approver

    @wf_signal("reject")
    async def reject(self, approver: str, reason: str) -> None:
        if self._open():
            self._rejected = True
            self._decided_by = approver
            self._reason = reason

    @wf_query("is_approved")
    async def is_approved(self) -> bool:
        return self._approved

    @wf_query("decision")
    def decision(self) -> str:  # queries may be plain `def` too
        return self._decision

    async def process(self, request: ApprovalRequest) -> ApprovalResult:
        await self.exec(
            notify,
            Notification(
                to=request.approver, text=f"Please approve {request.request_id}: {request.description}"
            ),
            timeout=30,
        )
        try:
            await self.wait_until(lambda: self._approved or self._rejected, timeout=request.timeout_seconds)
        except TimeoutError:
            self._decision = "timed_out"
        else:
            self._decision = "approved" if self._approved else "rejected"
        await self.exec(
            notify,
            Notification(to=request.requester, text=f"Request {request.request_id}: {self._decision}"),
            timeout=30,
        )
        return ApprovalResult(
            request_id=request.request_id,
            status=self._decision,
            decided_by=self._decided_by,
            reason=self._reason,
        )


# --- running it ------------------------------------------------------------------------------------
class ApprovalOutcomes(BaseModel):
    approved: ApprovalResult
    rejected: ApprovalResult
    timed_out: ApprovalResult
    approved_query_before: bool
    approved_query_after: bool
    same_run_on_resubmit: bool


async def run_scenarios(engine: TemporalEngine) -> ApprovalOutcomes:
    suffix = uuid.uuid4().hex[:8]
    approvals = ApprovalWorkflow.client(engine)

    # 1) Approved. Submitting is idempotent: the workflow id is derived from the request id, and a
    #    second submission while the first is waiting returns the running workflow.
    request = ApprovalRequest(
        request_id=f"PR-{suffix}-1",
        requester="ada@example.com",
        description="New laptop",
        amount_cents=150_000,
    )
    handle = await engine.start_workflow(
        ApprovalWorkflow.process,
        request,
        id=f"approval-{request.request_id}",
        id_conflict_policy=IdConflictPolicy.USE_EXISTING,
    )
    again = await engine.start_workflow(
        ApprovalWorkflow.process,
        request,
        id=f"approval-{request.request_id}",
        id_conflict_policy=IdConflictPolicy.USE_EXISTING,
    )
    same_run = again.run_id == handle.run_id
    before = await handle.query(ApprovalWorkflow.is_approved)
    await handle.signal(ApprovalWorkflow.approve, "manager@example.com")
    approved = await handle.result(timeout=30)
    after = await handle.query(ApprovalWorkflow.is_approved)  # completed workflows still answer queries
    print(f"approved:  {approved.model_dump_json()}")

    # 2) Rejected, with the signal sent through the engine by workflow id.
    rejected_handle = await approvals.async_(
        ApprovalWorkflow.process,
        ApprovalRequest(
            request_id=f"PR-{suffix}-2", requester="bob@example.com", description="Yacht", amount_cents=10**9
        ),
    )
    await engine.signal(rejected_handle.id, ApprovalWorkflow.reject, "cfo@example.com", "Over budget")
    rejected = await rejected_handle.result(timeout=30)
    print(f"rejected:  {rejected.model_dump_json()}")

    # 3) Nobody decides: wait_until(timeout=...) gives up after 1.5 seconds.
    timed_out = await approvals.process(
        ApprovalRequest(
            request_id=f"PR-{suffix}-3",
            requester="eve@example.com",
            description="Conference ticket",
            amount_cents=80_000,
            timeout_seconds=1.5,
        )
    )
    print(f"timed out: {timed_out.model_dump_json()}")

    return ApprovalOutcomes(
        approved=approved,
        rejected=rejected,
        timed_out=timed_out,
        approved_query_before=before,
        approved_query_after=after,
        same_run_on_resubmit=same_run,
    )


async def main(engine: TemporalEngine | None = None) -> ApprovalOutcomes:
    """Run the scenarios on ``engine`` (already started), or on an embedded local server."""
    if engine is not None:
        return await run_scenarios(engine)
    async with TemporalEngine(task_queue="approval", headless=True) as own_engine:
        return await run_scenarios(own_engine)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())

"""The runnable examples in examples/, run against the session's real Temporal dev server.

The fixtures come from temporal-runtime's pytest plugin: ``temporal_engine`` serves the example
modules named by the ``temporal_runtime`` marker below, ``temporal_server`` is the session's server.

Each example's ``main(engine)`` runs its scenario on the test's engine; the tests check what really
happened (values, statuses, attempts). The email campaign is served over real HTTP by uvicorn, and
the quickstart is run as a script in a subprocess.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from examples import (
    approval,
    data_pipeline,
    email_campaign,
    multi_method,
    order_processing,
    shop_operations,
    subscription,
)
from temporal_runtime import METHOD_SEARCH_ATTRIBUTE, TemporalEngine, WorkflowStatus
from temporal_runtime.testing import TemporalTestServer, WorkflowTester, select_registries

pytestmark = [
    pytest.mark.integration,
    pytest.mark.temporal_runtime(
        modules=[
            approval,
            data_pipeline,
            email_campaign,
            multi_method,
            order_processing,
            shop_operations,
            subscription,
        ]
    ),
]

REPO_ROOT = Path(__file__).resolve().parents[2]


# --- approval --------------------------------------------------------------------------------------
async def test_approval_main_approves_rejects_and_times_out(temporal_engine: TemporalEngine) -> None:
    outcomes = await asyncio.wait_for(approval.main(temporal_engine), 60)

    assert outcomes.approved.status == "approved"
    assert outcomes.approved.decided_by == "manager@example.com"
    assert outcomes.approved.reason is None
    assert outcomes.approved_query_before is False
    assert outcomes.approved_query_after is True
    assert outcomes.same_run_on_resubmit is True  # USE_EXISTING returned the running workflow

    assert outcomes.rejected.status == "rejected"
    assert outcomes.rejected.decided_by == "cfo@example.com"
    assert outcomes.rejected.reason == "Over budget"

    assert outcomes.timed_out.status == "timed_out"
    assert outcomes.timed_out.decided_by is None


async def test_approval_queries_while_waiting_and_first_decision_wins(
    temporal_engine: TemporalEngine,
) -> None:
    wf = approval.ApprovalWorkflow.client(temporal_engine)
    handle = await wf.async_.process(
        approval.ApprovalRequest(
            request_id=f"T-{uuid.uuid4().hex[:8]}", requester="a@example.com", description="x", amount_cents=1
        )
    )
    assert await asyncio.wait_for(handle.query("decision"), 30) == "pending"
    assert await asyncio.wait_for(handle.query("is_approved"), 30) is False
    assert await asyncio.wait_for(handle.status(), 30) is WorkflowStatus.RUNNING

    await handle.signal("reject", "boss@example.com", "No")
    await handle.signal("approve", "other@example.com")  # too late: already decided
    result = approval.ApprovalResult.model_validate(await handle.result(timeout=30))
    assert result.status == "rejected"
    assert result.decided_by == "boss@example.com"
    assert await asyncio.wait_for(handle.query("is_approved"), 30) is False
    assert await asyncio.wait_for(handle.query("decision"), 30) == "rejected"


async def test_approval_timeout_path_waits_for_the_timeout(temporal_engine: TemporalEngine) -> None:
    wf = approval.ApprovalWorkflow.client(temporal_engine)
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await asyncio.wait_for(
        wf.process(
            approval.ApprovalRequest(
                request_id=f"T-{uuid.uuid4().hex[:8]}",
                requester="a@example.com",
                description="x",
                amount_cents=1,
                timeout_seconds=1,
            )
        ),
        30,
    )
    assert result.status == "timed_out"
    assert loop.time() - started >= 1.0


# --- order processing ------------------------------------------------------------------------------
async def test_order_processing_pause_resume_cancel(temporal_engine: TemporalEngine) -> None:
    scenario = await asyncio.wait_for(order_processing.main(temporal_engine), 90)
    total = scenario.total_items

    # While paused, no item was processed (an item in flight at the pause may finish, nothing more).
    paused = int(scenario.progress_when_paused["items_processed"])
    settled = int(scenario.progress_settled_paused["items_processed"])
    still = int(scenario.progress_after_waiting_paused["items_processed"])
    assert settled - paused <= 1
    assert still == settled
    assert still < total
    assert scenario.progress_after_waiting_paused["status"] == "processing"

    # Resuming made progress again.
    assert int(scenario.progress_after_resume["items_processed"]) > still

    # The cancel signal stopped the order early, with the cancelled status.
    assert scenario.final_status == "cancelled: Customer request"
    assert scenario.result.status == "cancelled: Customer request"
    assert int(scenario.progress_after_resume["items_processed"]) <= scenario.result.items < total
    assert scenario.workflow_status is WorkflowStatus.COMPLETED  # it returned normally

    assert scenario.completed_order == order_processing.OrderResult(status="completed", items=2)

    assert scenario.engine_cancelled_status is WorkflowStatus.CANCELED
    assert scenario.engine_cancel_error == "WorkflowCancelledError"
    assert scenario.terminated_status is WorkflowStatus.TERMINATED
    assert scenario.terminate_error == "WorkflowTerminatedError"


async def test_order_processing_cancel_while_paused(temporal_engine: TemporalEngine) -> None:
    client = order_processing.OrderProcessingWorkflow.client(temporal_engine)
    handle = await client.async_.process_order(order_processing.make_order(f"P-{uuid.uuid4().hex[:6]}", 3))
    await handle.signal("pause")
    await temporal_engine.signal(handle.id, "cancel", "Changed mind")
    result = order_processing.OrderResult.model_validate(await handle.result(timeout=30))
    assert result.status == "cancelled: Changed mind"
    assert result.items <= 1
    assert await asyncio.wait_for(temporal_engine.query(handle.id, "status"), 30) == "cancelled: Changed mind"


# --- data pipeline ---------------------------------------------------------------------------------
async def test_data_pipeline_retries_until_the_third_attempt(temporal_engine: TemporalEngine) -> None:
    runs = await asyncio.wait_for(data_pipeline.main(temporal_engine), 90)

    for run, mode in ((runs.immediate, "fast"), (runs.asynchronous, "batch"), (runs.delayed, "scheduled")):
        assert run.output.attempt == 3
        assert run.summary == "succeeded on attempt 3"
        assert run.output.result == f"processed {run.data_id} in {mode} mode"
        assert data_pipeline.ATTEMPTS[run.data_id] == 3  # two failures, one success, no more

    assert runs.delayed_elapsed_seconds >= runs.delay_seconds


# --- subscription (continue-as-new) ---------------------------------------------------------------
async def test_subscription_continues_as_new_and_cancels(temporal_engine: TemporalEngine) -> None:
    outcomes = await asyncio.wait_for(subscription.main(temporal_engine), 90)

    finished = outcomes.finished
    assert (finished.charged_months, finished.total_cents, finished.cancelled) == (15, 15 * 999, False)
    assert finished.runs == 4  # 4 charges per run: runs of 4, 4, 4 and 3 charges
    assert outcomes.last_run_id != outcomes.first_run_id  # the first run's handle followed the chain
    assert len(finished.last_receipts) == 3
    assert finished.last_receipts[-1].endswith("-15")

    assert outcomes.cancelled.cancelled is True
    assert outcomes.cancelled.charged_months == 1
    assert outcomes.cancelled.runs == 1


async def test_subscription_three_years_in_virtual_time() -> None:
    """Monthly charges for 36 months: 30-day timers, 12 charges per run, in virtual time (the
    fourth run only finds the plan complete)."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    tester = WorkflowTester(subscription.Subscription, follow_continue_as_new=True, start_time=start)
    tester.fake(subscription.charge, lambda c: f"rcpt-{c.idempotency_key}")
    plan = subscription.Plan(customer_id="cust-1", price_cents=500, months=36)
    summary = await tester.run(subscription.Subscription.run, plan)
    assert (summary.charged_months, summary.total_cents, summary.runs) == (36, 36 * 500, 4)
    assert [c.arguments["state"].charged_months for c in tester.continued_as_new] == [12, 24, 36]
    assert tester.now - start >= timedelta(days=30 * 35)
    assert [c.args.idempotency_key for c in tester.calls][:2] == ["test-workflow-1", "test-workflow-2"]


# --- multiple methods ------------------------------------------------------------------------------
async def test_multi_method_calls_each_method_independently(temporal_engine: TemporalEngine) -> None:
    results = await asyncio.wait_for(multi_method.main(temporal_engine), 60)

    assert results.result_a == multi_method.OutputA(words=6, longest="execution")
    assert results.result_b == multi_method.OutputB(total_cents=2475, saved_cents=274)
    assert results.result_c == multi_method.OutputC(lines=["Welcome, Ada!", "Welcome, Grace!"])
    assert results.status_c is WorkflowStatus.COMPLETED
    assert results.id_b.startswith("basket-")  # the id given through wf.options(id=...)
    assert await asyncio.wait_for(temporal_engine.get_status(results.id_b), 30) is WorkflowStatus.COMPLETED
    assert results.id_b != results.id_c


# --- email campaign (FastAPI) ----------------------------------------------------------------------
@asynccontextmanager
async def serving(app: FastAPI) -> AsyncGenerator[str]:
    """Serve ``app`` with uvicorn on a free loopback port; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:

        async def wait_started() -> None:
            while not server.started:
                assert not task.done(), "uvicorn stopped during startup"
                await asyncio.sleep(0.02)

        await asyncio.wait_for(wait_started(), 30)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        sock.close()


def email_campaign_only() -> dict[str, Any]:
    """The example's definitions alone: the app's engine would otherwise serve everything the suite
    has imported, and its worker's start-up would grow with the suite."""
    workflows, activities = select_registries([email_campaign])
    return {"workflow_registry": workflows, "activity_registry": activities}


CAMPAIGN = {
    "name": "test-campaign",
    "subject": "Hi",
    "body": "Hello there",
    "recipients": ["ada@example.com", "broken-address", "grace@example.com", "linus@example.com"],
    "throttle_seconds": 0.3,
}


async def test_email_campaign_app_over_http(temporal_server: TemporalTestServer) -> None:
    app_engine = temporal_server.engine(f"email-app-{uuid.uuid4().hex[:12]}", **email_campaign_only())
    app = email_campaign.create_app(app_engine)
    assert not app_engine.started

    async with serving(app) as base_url:
        assert app_engine.started  # the lifespan started it
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            created = await http.post("/campaigns", json=CAMPAIGN)
            assert created.status_code == 202
            workflow_id = created.json()["workflow_id"]
            assert workflow_id.startswith("EmailCampaignWorkflow.")

            running = await http.get(f"/campaigns/{workflow_id}")
            assert running.status_code == 200
            body = running.json()
            assert body["workflow_id"] == workflow_id
            assert body["status"] == "RUNNING"  # 4 recipients, 0.3 s apart: still sending
            assert body["progress"]["total"] == 4
            assert body["progress"]["done"] is False

            early = await http.get(f"/campaigns/{workflow_id}/result", params={"wait_seconds": 0.1})
            assert early.status_code == 409  # still running after 0.1 s
            bad_wait = await http.get(f"/campaigns/{workflow_id}/result", params={"wait_seconds": 0})
            assert bad_wait.status_code == 422

            result = await http.get(f"/campaigns/{workflow_id}/result")
            assert result.status_code == 200
            outcome = result.json()
            assert outcome["name"] == "test-campaign"
            assert [s["to"] for s in outcome["sent"]] == [
                "ada@example.com",
                "grace@example.com",
                "linus@example.com",
            ]
            assert all(s["message_id"].startswith("msg-") for s in outcome["sent"])
            assert outcome["failed"] == ["broken-address"]

            final = (await http.get(f"/campaigns/{workflow_id}")).json()
            assert final["status"] == "COMPLETED"
            assert final["progress"] == {"total": 4, "sent": 3, "failed": 1, "done": True}

            # The workflow really ran on the app's engine.
            assert await app_engine.get_status(workflow_id) is WorkflowStatus.COMPLETED

            missing = await http.get(f"/campaigns/no-such-{uuid.uuid4().hex}")
            assert missing.status_code == 404
            missing_result = await http.get(f"/campaigns/no-such-{uuid.uuid4().hex}/result")
            assert missing_result.status_code == 404

            invalid = await http.post("/campaigns", json={**CAMPAIGN, "recipients": []})
            assert invalid.status_code == 422

    assert not app_engine.started  # the lifespan stopped it


async def test_email_campaign_main_with_an_engine_it_owns(temporal_server: TemporalTestServer) -> None:
    app_engine = temporal_server.engine(f"email-main-{uuid.uuid4().hex[:12]}", **email_campaign_only())
    answers = await asyncio.wait_for(email_campaign.main(app_engine), 60)

    assert answers["state"]["progress"]["total"] == 3
    assert [s["to"] for s in answers["result"]["sent"]] == ["ada@example.com", "grace@example.com"]
    assert answers["result"]["failed"] == ["not-an-address"]
    assert answers["final_state"]["status"] == "COMPLETED"
    assert answers["final_state"]["progress"] == {"total": 3, "sent": 2, "failed": 1, "done": True}
    assert answers["missing_status"] == 404
    assert not app_engine.started  # started and stopped by the app's lifespan


async def test_email_campaign_main_leaves_a_running_engine_running(temporal_engine: TemporalEngine) -> None:
    answers = await asyncio.wait_for(email_campaign.main(temporal_engine), 60)
    assert answers["final_state"]["status"] == "COMPLETED"
    assert temporal_engine.started  # the lifespan did not stop an engine it had not started
    assert (
        await asyncio.wait_for(temporal_engine.get_status(answers["workflow_id"]), 30)
        is WorkflowStatus.COMPLETED
    )


# --- quickstart as a script ------------------------------------------------------------------------
# --- shop operations: search attributes, list/count report, a schedule ------------------------------
async def test_shop_operations_reports_from_visibility_and_runs_a_schedule(
    temporal_engine: TemporalEngine,
) -> None:
    report = await asyncio.wait_for(shop_operations.main(temporal_engine), 60)

    assert report.awaiting_packing == 2  # o2 and o3: o1 was packed and shipped before the report
    assert len(report.open_orders_of_c1) == 1
    assert report.open_orders_of_c1[0].startswith("shop-order-o2-")
    assert report.c1_open_total == 12.5
    assert report.shipped.tracking_number.startswith("TRK-O1-")
    assert report.stock_level == shop_operations.StockLevel(warehouse="north", items_low=5)
    assert report.schedule_actions == 1
    # The runs carry what the report filtered on, typed, and their entry method.
    description = await temporal_engine.get_handle_for(
        shop_operations.ShopOrderWorkflow.place, report.open_orders_of_c1[0]
    ).describe()
    assert description.search_attributes.get(shop_operations.OrderState) == "shipped"
    assert description.search_attributes.get(shop_operations.OrderTotal) == 12.5
    assert description.search_attributes.get(METHOD_SEARCH_ATTRIBUTE) == "ShopOrderWorkflow.place"


def test_quickstart_script_runs() -> None:
    completed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "examples" / "quickstart.py")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Workflow result:" in completed.stdout, completed.stderr
    assert '"order_id":"A-1001"' in completed.stdout
    assert completed.returncode == 0, completed.stderr

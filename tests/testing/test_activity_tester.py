"""ActivityTester: one activity in-process, with the worker's validation, heartbeats and cancellation."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import assert_type

import pytest
from pydantic import BaseModel, Field

from temporal_runtime import (
    ActivityInfo,
    DefinitionError,
    InvalidArgumentsError,
    InvalidOptionError,
    NotInActivityError,
    TemporalEngine,
    TemporalRuntimeError,
    Workflow,
    activity_def,
    activity_info,
    heartbeat,
    is_cancelled,
)
from temporal_runtime.testing import ActivityTester


class Email(BaseModel):
    to: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    subject: str = Field(min_length=1)


class Sent(BaseModel):
    message_id: str


class Work(BaseModel):
    steps: int = 3


class Progress(BaseModel):
    done: int


@activity_def("at_send_email", Args=Email, Result=Sent)
async def send_email(args: Email) -> Sent:
    assert isinstance(args, Email)  # the tester hands the implementation a validated model
    return Sent(message_id=f"<{args.subject}@{args.to}>")


@activity_def("at_bad_result", Args=Email, Result=Sent)
async def bad_result(args: Email) -> Sent:
    return {"id": 1}  # type: ignore[return-value]  # pyright: ignore[reportReturnType]  # deliberately not a Sent


@activity_def("at_unsendable_result", Args=Work)
async def unsendable_result(args: Work) -> object:
    return object()


@activity_def("at_progress", Args=Work)
async def report_progress(args: Work) -> int:
    for step in range(1, args.steps + 1):
        heartbeat(Progress(done=step), f"step {step}")
        await asyncio.sleep(0)
    return args.steps


@activity_def("at_unsendable_heartbeat", Args=Work)
async def unsendable_heartbeat(args: Work) -> None:
    heartbeat(object())


SEEN_CANCELLATION: list[bool] = []


@activity_def("at_wait_forever", Args=Work)
async def wait_forever(args: Work) -> str:
    heartbeat("waiting")
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        SEEN_CANCELLATION.append(is_cancelled())
        raise
    return "never"


@activity_def("at_ignore_cancel", Args=Work)
async def ignore_cancel(args: Work) -> str:
    heartbeat()
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        return f"cleaned up (cancelled={is_cancelled()})"
    return "never"


@activity_def("at_info", Args=Work, Result=ActivityInfo)
async def describe(args: Work) -> ActivityInfo:
    assert not is_cancelled()
    return activity_info()


class AtInfoWorkflow(Workflow, name="at_InfoWorkflow"):
    async def describe(self, work: Work) -> ActivityInfo:
        return await self.exec(describe_with_heartbeat, work, timeout=10)


@activity_def("at_info_heartbeat", Args=Work, Result=ActivityInfo)
async def describe_with_heartbeat(args: Work) -> ActivityInfo:
    heartbeat(Progress(done=1))
    assert not is_cancelled()
    return activity_info()


# --- validation ----------------------------------------------------------------------------------


async def test_run_returns_the_validated_result_typed() -> None:
    result = await ActivityTester().run(send_email, Email(to="ann@example.com", subject="hi"))
    assert_type(result, Sent)
    assert result == Sent(message_id="<hi@ann@example.com>")


async def test_a_dict_is_coerced_into_the_args_model() -> None:
    result = await ActivityTester().run(send_email, {"to": "bob@example.com", "subject": "dict"})
    assert result.message_id == "<dict@bob@example.com>"


async def test_invalid_input_raises_invalid_arguments_naming_the_activity() -> None:
    with pytest.raises(
        InvalidArgumentsError, match=r"Activity 'at_send_email' got invalid arguments"
    ) as info:
        await ActivityTester().run(send_email, {"to": "not-an-address", "subject": ""})
    message = str(info.value)
    assert "to:" in message
    assert "subject:" in message


async def test_input_of_the_wrong_model_is_rejected() -> None:
    with pytest.raises(InvalidArgumentsError, match="at_send_email"):
        await ActivityTester().run(send_email, Work(steps=1))  # type: ignore[misc]  # pyright: ignore[reportArgumentType]


async def test_invalid_result_raises_invalid_arguments_naming_the_activity() -> None:
    with pytest.raises(
        InvalidArgumentsError, match=r"Activity 'at_bad_result' .* returned an invalid result"
    ):
        await ActivityTester().run(bad_result, Email(to="a@b.c", subject="x"))


async def test_a_result_that_cannot_be_serialized_is_rejected() -> None:
    with pytest.raises(InvalidArgumentsError, match=r"'at_unsendable_result' .* cannot be sent to Temporal"):
        await ActivityTester().run(unsendable_result, Work())


async def test_run_rejects_something_that_is_not_an_activity() -> None:
    async def plain(args: Work) -> None:
        return None

    with pytest.raises(DefinitionError, match="activity_def"):
        await ActivityTester().run(plain, Work())  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]


def test_attempt_must_be_positive() -> None:
    with pytest.raises(InvalidOptionError, match="attempt"):
        ActivityTester(attempt=0)


def test_heartbeat_details_must_be_serializable() -> None:
    with pytest.raises(InvalidOptionError, match="heartbeat_details"):
        ActivityTester(heartbeat_details=[object()])


# --- heartbeats ----------------------------------------------------------------------------------


async def test_heartbeats_are_captured_in_order() -> None:
    tester = ActivityTester()
    assert await tester.run(report_progress, Work(steps=3)) == 3
    assert tester.heartbeats == [
        (Progress(done=1), "step 1"),
        (Progress(done=2), "step 2"),
        (Progress(done=3), "step 3"),
    ]
    await tester.run(report_progress, {"steps": 1})
    assert len(tester.heartbeats) == 4  # runs on one tester accumulate


async def test_unserializable_heartbeat_details_fail_in_the_activity() -> None:
    tester = ActivityTester()
    with pytest.raises(InvalidArgumentsError, match=r"'at_unsendable_heartbeat' .* heartbeated details"):
        await tester.run(unsendable_heartbeat, Work())
    assert tester.heartbeats == []


# --- cancellation --------------------------------------------------------------------------------


async def test_cancel_is_delivered_while_the_activity_awaits() -> None:
    SEEN_CANCELLATION.clear()
    tester = ActivityTester()
    task = asyncio.create_task(tester.run(wait_forever, Work()))
    await tester.wait_for_heartbeats(1)
    assert tester.running
    assert not tester.cancelled
    tester.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert SEEN_CANCELLATION == [True]  # the activity saw CancelledError and is_cancelled() was true
    assert tester.cancelled
    assert not tester.running
    assert tester.heartbeats == [("waiting",)]


async def test_a_run_after_cancel_is_cancelled_before_the_activity_starts() -> None:
    SEEN_CANCELLATION.clear()
    tester = ActivityTester()
    tester.cancel()
    with pytest.raises(asyncio.CancelledError):
        await tester.run(wait_forever, Work())
    assert SEEN_CANCELLATION == []  # the implementation never ran
    assert tester.heartbeats == []


async def test_an_activity_that_handles_cancellation_returns_its_result() -> None:
    tester = ActivityTester()
    task = asyncio.create_task(tester.run(ignore_cancel, Work()))
    await tester.wait_for_heartbeats()
    tester.cancel()
    assert await task == "cleaned up (cancelled=True)"


async def test_wait_for_heartbeats_fails_when_the_activity_ended_without_them() -> None:
    tester = ActivityTester()
    task = asyncio.create_task(tester.run(report_progress, Work(steps=1)))
    with pytest.raises(AssertionError, match="only 1 were sent"):
        await tester.wait_for_heartbeats(5)
    assert await task == 1


async def test_wait_for_heartbeats_times_out() -> None:
    tester = ActivityTester()
    task = asyncio.create_task(tester.run(wait_forever, Work()))
    with pytest.raises(TimeoutError, match="2 heartbeat"):
        await tester.wait_for_heartbeats(2, timeout=0.05)
    tester.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


# --- activity_info -------------------------------------------------------------------------------


async def test_activity_info_reports_the_testers_settings() -> None:
    tester = ActivityTester(
        attempt=3,
        workflow_id="order-42",
        workflow_run_id="run-1",
        workflow_type="OrderWorkflow",
        task_queue="orders",
        activity_id="7",
        heartbeat_details=[Progress(done=2)],
    )
    info = await tester.run(describe, Work())
    assert info == ActivityInfo(
        activity_name="at_info",
        activity_id="7",
        attempt=3,
        workflow_id="order-42",
        workflow_run_id="run-1",
        workflow_type="OrderWorkflow",
        task_queue="orders",
        # as a retried attempt receives them from a worker: plain JSON values
        heartbeat_details=({"done": 2},),
    )


async def test_activity_info_defaults() -> None:
    info = await ActivityTester().run(describe, Work())
    assert info.activity_name == "at_info"
    assert info.attempt == 1
    assert info.heartbeat_details == ()
    assert info.workflow_id == "test-workflow"


@pytest.mark.integration
async def test_the_same_activity_code_runs_on_a_real_worker(engine: TemporalEngine) -> None:
    workflow_id = f"at-info-{uuid.uuid4().hex[:8]}"
    handle = await engine.start_method(AtInfoWorkflow, "describe", Work(), workflow_id=workflow_id)
    info = await asyncio.wait_for(handle.result(), 30)
    assert isinstance(info, ActivityInfo)
    assert info.activity_name == "at_info_heartbeat"
    assert info.attempt == 1
    assert info.workflow_id == handle.id
    assert info.workflow_run_id == handle.run_id
    assert info.workflow_type == "at_InfoWorkflow"
    assert info.task_queue == engine.task_queue
    assert info.heartbeat_details == ()

    tester = ActivityTester(workflow_id="at-info-wf", workflow_type="at_InfoWorkflow")
    tested = await tester.run(describe_with_heartbeat, Work())
    assert (tested.activity_name, tested.workflow_id) == ("at_info_heartbeat", "at-info-wf")
    assert tester.heartbeats == [(Progress(done=1),)]


# --- outside an activity -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: heartbeat("x"), "heartbeat"),
        (is_cancelled, "is_cancelled"),
        (activity_info, "activity_info"),
    ],
)
def test_activity_functions_outside_an_activity_raise(call: object, name: str) -> None:
    assert callable(call)
    with pytest.raises(
        NotInActivityError, match=rf"^{name}\(\) only works inside a running activity"
    ) as info:
        call()
    assert isinstance(info.value, TemporalRuntimeError)
    assert isinstance(info.value, RuntimeError)
    assert "ActivityTester" in str(info.value)


async def test_calling_a_heartbeating_activity_directly_points_to_the_tester() -> None:
    with pytest.raises(NotInActivityError, match="ActivityTester"):
        await report_progress(Work(steps=1))


@activity_def("tester_logs_plainly", Args=int, Result=int)
async def logs_plainly(n: int) -> int:
    logging.getLogger("tester_plain").info("working on %d", n)
    return n


async def test_plain_log_records_of_an_activity_under_the_tester_carry_its_fields(
    caplog: pytest.LogCaptureFixture,
) -> None:
    default = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)  # as in a process where no engine has started
    try:
        tester = ActivityTester(workflow_id="wf-logs", attempt=2)
        with caplog.at_level(logging.INFO, "tester_plain"):
            assert await tester.run(logs_plainly, 7) == 7
    finally:
        logging.setLogRecordFactory(default)
    [record] = [r for r in caplog.records if r.name == "tester_plain"]
    assert record.getMessage() == "working on 7"
    fields = {k: getattr(record, k, None) for k in ("workflow_id", "activity_name", "attempt")}
    assert fields == {"workflow_id": "wf-logs", "activity_name": "tester_logs_plainly", "attempt": 2}

"""The first path through every layer, against a real Temporal dev server with the sandbox on."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from pydantic import BaseModel, Field

from temporal_runtime import (
    ActivityFailedError,
    EngineNotStartedError,
    InvalidArgumentsError,
    RetryPolicy,
    TemporalEngine,
    UnknownMethodError,
    Workflow,
    WorkflowFailedError,
    WorkflowFailure,
    activity_def,
)

pytestmark = pytest.mark.integration


class Greeting(BaseModel):
    name: str = Field(min_length=1)
    times: int = 1


class Greeted(BaseModel):
    text: str


class Unrelated(BaseModel):
    something: int


@activity_def("fnd_greet", Args=Greeting, Result=Greeted)
async def greet(args: Greeting) -> Greeted:
    return Greeted(text=" ".join([f"Hello {args.name}!"] * args.times))


@activity_def("fnd_count", Args=Greeting)
async def count_letters(args: Greeting) -> int:
    return len(args.name)


@activity_def("fnd_bad_result", Args=Greeting, Result=Greeted)
async def bad_result(args: Greeting) -> Greeted:
    return {"not_text": args.name}  # type: ignore[return-value]  # pyright: ignore[reportReturnType]  # deliberately wrong


ATTEMPTS: dict[str, int] = {}


@activity_def("fnd_explode", Args=Greeting)
async def explode(args: Greeting) -> None:
    ATTEMPTS[args.name] = ATTEMPTS.get(args.name, 0) + 1
    raise ValueError(f"cannot greet {args.name}")


class Refused(WorkflowFailure):
    """A business outcome: raising it fails the run (other exceptions fail only the workflow task)."""


class FoundationWorkflow(Workflow):
    async def hello(self, who: Greeting) -> Greeted:
        return await self.exec(greet, who, timeout=10)

    async def letters(self, who: Greeting, extra: int = 0) -> int:
        return await self.exec(count_letters, who, timeout=10) + extra

    async def send_wrong_dto(self, who: Greeting) -> Greeted:
        # An activity argument that is not a Greeting must fail the workflow, not hang it.
        return await self.exec(greet, Unrelated(something=1), timeout=10)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]

    async def send_invalid_dto(self, who: Greeting) -> Greeted:
        return await self.exec(greet, Greeting.model_construct(name=""), timeout=10)

    async def get_bad_result(self, who: Greeting) -> Greeted:
        return await self.exec(bad_result, who, timeout=10)

    async def fail_activity(self, who: Greeting) -> None:
        await self.exec(
            explode, who, timeout=10, retry_policy=RetryPolicy(maximum_attempts=2, initial_interval=0.1)
        )

    async def raise_in_workflow(self, who: Greeting) -> None:
        raise Refused(f"workflow refuses {who.name}")


async def test_immediate_call_returns_typed_result(engine: TemporalEngine) -> None:
    wf = FoundationWorkflow.client(engine)
    result = await wf.hello(Greeting(name="Ada", times=2))
    assert isinstance(result, Greeted)
    assert result.text == "Hello Ada! Hello Ada!"


async def test_primitive_result_and_defaults(engine: TemporalEngine) -> None:
    wf = FoundationWorkflow.client(engine)
    assert await wf.letters(Greeting(name="Grace")) == 5
    assert await wf.letters(Greeting(name="Grace"), extra=10) == 15


async def test_dict_arguments_are_validated_into_models(engine: TemporalEngine) -> None:
    wf = FoundationWorkflow.client(engine)
    result = await wf.hello({"name": "Linus"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert result.text == "Hello Linus!"


async def test_invalid_call_fails_locally_before_starting(engine: TemporalEngine) -> None:
    wf = FoundationWorkflow.client(engine)
    with pytest.raises(InvalidArgumentsError, match="name"):
        await wf.hello({"name": ""})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(InvalidArgumentsError, match="hello"):
        await wf.hello()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    with pytest.raises(UnknownMethodError, match="no_such_method"):
        await wf.no_such_method()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]


async def test_activity_given_wrong_dto_fails_workflow_quickly(engine: TemporalEngine) -> None:
    wf = FoundationWorkflow.client(engine)
    with pytest.raises(WorkflowFailedError) as info:
        await asyncio.wait_for(wf.send_wrong_dto(Greeting(name="x")), 20)
    assert info.value.error_type == "InvalidArgumentsError"
    assert "fnd_greet" in str(info.value)
    assert "name" in str(info.value)


async def test_activity_given_invalid_dto_fails_workflow_quickly(engine: TemporalEngine) -> None:
    wf = FoundationWorkflow.client(engine)
    with pytest.raises(WorkflowFailedError, match="fnd_greet"):
        await asyncio.wait_for(wf.send_invalid_dto(Greeting(name="x")), 20)


async def test_activity_returning_invalid_result_fails_without_retrying(engine: TemporalEngine) -> None:
    wf = FoundationWorkflow.client(engine)
    with pytest.raises(ActivityFailedError) as info:
        await asyncio.wait_for(wf.get_bad_result(Greeting(name="x")), 20)
    assert info.value.activity_name == "fnd_bad_result"
    assert info.value.error_type == "InvalidResultError"
    assert "text" in info.value.message


async def test_activity_exception_type_and_message_reach_the_caller(engine: TemporalEngine) -> None:
    name = f"n{uuid.uuid4().hex[:6]}"
    wf = FoundationWorkflow.client(engine)
    with pytest.raises(ActivityFailedError) as info:
        await asyncio.wait_for(wf.fail_activity(Greeting(name=name)), 30)
    assert info.value.error_type == "ValueError"
    assert f"cannot greet {name}" in str(info.value)
    assert ATTEMPTS[name] == 2  # the retry policy was applied


async def test_a_workflow_failure_fails_the_workflow_not_the_task(engine: TemporalEngine) -> None:
    wf = FoundationWorkflow.client(engine)
    with pytest.raises(WorkflowFailedError) as info:
        await asyncio.wait_for(wf.raise_in_workflow(Greeting(name="Bob")), 20)
    assert info.value.error_type == "Refused"
    assert "workflow refuses Bob" in str(info.value)


async def test_engine_used_before_start_raises() -> None:
    engine = TemporalEngine(url="127.0.0.1:1", task_queue="never-started")
    wf = FoundationWorkflow.client(engine)  # creating the proxy is fine
    with pytest.raises(EngineNotStartedError, match=r"engine\.start\(\)"):
        await wf.hello(Greeting(name="x"))


@pytest.mark.parametrize(
    ("payload", "error_type", "fragment"),
    [
        ({"method": "hello", "kwargs": {"who": {"name": ""}}}, "InvalidArgumentsError", "name"),
        ({"method": "hello", "kwargs": {"stranger": 1}}, "InvalidArgumentsError", "stranger"),
        ({"method": "no_such_method", "kwargs": {}}, "UnknownMethodError", "no_such_method"),
        ({"method": "hello"}, "InvalidArgumentsError", "missing required argument 'who'"),
        ({"method": "hello", "kwargs": {"who": {"name": "x"}, "extra": 1}}, "InvalidArgumentsError", "extra"),
        ({"method": 7, "kwargs": {}}, "InvalidArgumentsError", 'whose "method" is a number (7)'),
        ("not an envelope", "InvalidArgumentsError", "got a string ('not an envelope')"),
        (["method", "hello"], "InvalidArgumentsError", "got a JSON list of 2 items"),
        (None, "InvalidArgumentsError", "got null"),  # binary/null, not JSON
        (b"\x00binary", "InvalidArgumentsError", "got binary data (7 bytes)"),  # binary/plain, not JSON
    ],
)
async def test_worker_rejects_bad_payloads_without_retrying(
    engine: TemporalEngine, payload: object, error_type: str, fragment: str
) -> None:
    # A caller that bypasses our client (another SDK, a raw temporalio client) sends a bad payload:
    # the workflow must fail at once with a non-retryable error, not retry its task forever.
    handle = await engine.temporal_client.start_workflow(
        "FoundationWorkflow", payload, id=f"raw-{uuid.uuid4().hex[:8]}", task_queue=engine.task_queue
    )
    with pytest.raises(WorkflowFailedError) as info:
        await asyncio.wait_for(engine.get_handle(handle.id).result(), 20)
    assert info.value.error_type == error_type
    assert fragment in str(info.value)


async def test_worker_accepts_calls_from_other_clients(engine: TemporalEngine) -> None:
    # The envelope read by the worker, as any client may send it: aliases or field names, defaults
    # left out, JSON numbers for ints.
    handle = await engine.temporal_client.start_workflow(
        "FoundationWorkflow",
        {"method": "letters", "kwargs": {"who": {"name": "abcd", "times": 2.0}}},
        id=f"raw-{uuid.uuid4().hex[:8]}",
        task_queue=engine.task_queue,
    )
    assert await asyncio.wait_for(engine.get_handle(handle.id).result(), 20) == 4

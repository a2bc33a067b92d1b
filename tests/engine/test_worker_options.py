"""What a worker serves (``workflows=``, ``activities=``), extra task queues (``add_worker``), worker
tuning and the clock's errors: validation and the resulting settings (no server involved)."""

from __future__ import annotations

from datetime import timedelta
from types import MethodType
from typing import Any, cast

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ActivityRegistry,
    EngineError,
    EngineNotStartedError,
    InvalidOptionError,
    Registry,
    TemporalEngine,
    Workflow,
    WorkflowRegistry,
    activity_def,
    activity_stub,
)
from temporal_runtime_engine._worker import EngineWorker, WorkerSpec

WORKFLOWS: WorkflowRegistry = Registry("workflow")
ACTIVITIES: ActivityRegistry = Registry("activity")
ELSEWHERE: WorkflowRegistry = Registry("workflow")


class Note(BaseModel):
    text: str


@activity_def("opts.charge", Args=Note, registry=ACTIVITIES)
async def charge(note: Note) -> str:
    return note.text


@activity_def("opts.refund", Args=Note, registry=ACTIVITIES)
async def refund(note: Note) -> str:
    return note.text


@activity_def("opts.unregistered", Args=Note, registry=Registry("activity"))
async def unregistered(note: Note) -> str:
    return note.text


remote = activity_stub("opts.remote", Args=Note)


class Mailer:
    @activity_def("opts.send", Args=Note, registry=ACTIVITIES)
    async def send(self, note: Note) -> str:
        return note.text


class OrderWorkflow(Workflow, registry=WORKFLOWS):
    async def run(self, n: int) -> int:
        return n


class ReportWorkflow(Workflow, registry=WORKFLOWS):
    async def run(self, n: int) -> int:
        return n


class BaseFlow(Workflow, abstract=True, registry=WORKFLOWS):
    pass


class OtherRegistryWorkflow(Workflow, registry=ELSEWHERE):
    async def run(self) -> None:
        return None


def engine(**options: Any) -> TemporalEngine:
    return TemporalEngine("h:7233", workflow_registry=WORKFLOWS, activity_registry=ACTIVITIES, **options)


def main(e: TemporalEngine) -> WorkerSpec:
    return e._worker_settings.main  # pyright: ignore[reportPrivateUsage]


def extra(e: TemporalEngine) -> list[WorkerSpec]:
    return e._extra_workers  # pyright: ignore[reportPrivateUsage]


# --- what a worker serves ---------------------------------------------------------------------


def test_a_subset_is_served_exactly_and_none_means_everything_registered() -> None:
    everything = engine()._worker_settings.served()  # pyright: ignore[reportPrivateUsage]
    assert {d.workflow_class for d in everything.workflows} == {OrderWorkflow, ReportWorkflow}
    subset = engine(
        workflows=[OrderWorkflow, OrderWorkflow], activities=[charge], activity_instances=[Mailer()]
    )
    served = subset._worker_settings.served()  # pyright: ignore[reportPrivateUsage]
    assert [d.workflow_class for d in served.workflows] == [OrderWorkflow]  # listed twice, served once
    assert served.activities == (charge,)  # not refund, nor the instance's opts.send
    nothing = engine(workflows=[], activities=[charge])._worker_settings.served()  # pyright: ignore[reportPrivateUsage]
    assert (nothing.workflows, nothing.activities) == ((), (charge,))


def test_method_activities_run_on_the_engines_instance_or_on_the_one_named() -> None:
    mine, theirs = Mailer(), Mailer()
    by_class = engine(activities=[Mailer.send], activity_instances=[mine])
    [served] = by_class._worker_settings.served().activities  # pyright: ignore[reportPrivateUsage]
    assert isinstance(served.fn, MethodType)
    assert served.fn.__self__ is mine
    [bound] = engine(activities=[theirs.send])._worker_settings.served().activities  # pyright: ignore[reportPrivateUsage]
    assert isinstance(bound.fn, MethodType)
    assert bound.fn.__self__ is theirs
    with pytest.raises(InvalidOptionError, match=r"Mailer.send is a method activity \('opts.send'\)") as err:
        engine(activities=[Mailer.send])
    assert "activity_instances=[Mailer(...)]" in str(err.value)
    assert "activities=[Mailer(...).send]" in str(err.value)
    with pytest.raises(InvalidOptionError, match="twice, on two instances"):
        engine(activities=[mine.send, theirs.send])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("OrderWorkflow", r"TemporalEngine\(workflows=\.\.\.\) takes a list"),
        (OrderWorkflow, r"TemporalEngine\(workflows=\.\.\.\) takes a list"),
        ([OrderWorkflow.run], r"takes workflow classes .* \(pass the class, OrderWorkflow, not its method\)"),
        ([OrderWorkflow(), charge], r"takes workflow classes \(subclasses of Workflow\)"),
        ([BaseFlow], r"BaseFlow is not a runnable workflow \(an abstract base class"),
        ([OtherRegistryWorkflow], r"'OtherRegistryWorkflow' .* is not in this engine's workflow registry"),
    ],
)
def test_bad_workflows_are_invalid_options_naming_them(value: object, expected: str) -> None:
    with pytest.raises(InvalidOptionError, match=expected):
        engine(workflows=value)
    with pytest.raises(InvalidOptionError, match=expected.replace("TemporalEngine", "engine.add_worker")):
        engine().add_worker("q", workflows=cast(Any, value))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (charge, r"activities=\.\.\.\) takes a list"),
        ([OrderWorkflow], r"takes activity handles \(what activity_def\(\.\.\.\) returns\)"),
        ([print], r"got <built-in function print>. Decorate the function with @activity_def"),
        ([remote], r"'opts.remote' is an activity_stub, served by another process"),
        ([unregistered], r"'opts.unregistered' .* is not in this engine's activity registry"),
    ],
)
def test_bad_activities_are_invalid_options_naming_them(value: object, expected: str) -> None:
    with pytest.raises(InvalidOptionError, match=expected):
        engine(activities=value)
    with pytest.raises(InvalidOptionError, match=expected):
        engine().add_worker("q", activities=cast(Any, value))


def test_a_worker_told_to_serve_nothing_is_refused_at_start() -> None:
    e = engine(workflows=[], activities=[])
    settings = e._worker_settings  # pyright: ignore[reportPrivateUsage]
    with pytest.raises(EngineError, match=r"serves no workflows and no activities \(workflows=\[\] and"):
        EngineWorker.start(cast(Any, None), settings, settings.served())
    engine(workflows=[], activities=[], start_worker=False)  # no worker of its own: nothing to serve


# --- several task queues ----------------------------------------------------------------------


def test_add_worker_records_a_queue_with_its_subset_and_the_engines_tuning() -> None:
    e = engine(max_concurrent_activities=4, graceful_shutdown_timeout=30, max_cached_workflows=50)
    e.add_worker("gpu", activities=[charge], max_concurrent_activities=1, activity_threads=2)
    e.add_worker("reports", workflows=[ReportWorkflow])
    assert e.task_queues == ("temporal-runtime", "gpu", "reports")
    gpu, reports = extra(e)
    assert (gpu.workflows, gpu.activities) == ((), (charge,))
    assert reports.workflows is not None
    assert [d.workflow_class for d in reports.workflows] == [ReportWorkflow]
    assert (gpu.tuning.max_concurrent_activities, gpu.tuning.threads, gpu.tuning.shutdown) == (
        1,
        2,
        timedelta(seconds=30),
    )
    assert reports.tuning.worker_options() == {
        "graceful_shutdown_timeout": timedelta(seconds=30),
        "max_concurrent_activities": 4,
        "max_cached_workflows": 50,
    }
    assert (gpu.polls_workflows_alone, gpu.polls_activities_alone) == (False, True)
    assert (main(e).polls_workflows_alone, main(e).polls_activities_alone) == (True, True)


def test_add_worker_refuses_a_taken_queue_a_bad_name_and_nothing_to_serve() -> None:
    e = engine(task_queue="orders")
    with pytest.raises(InvalidOptionError, match="already runs a worker for task queue 'orders'"):
        e.add_worker("orders", activities=[charge])
    e.add_worker("gpu", activities=[charge])
    with pytest.raises(InvalidOptionError, match="already runs a worker for task queue 'gpu'"):
        e.add_worker("gpu", activities=[refund])
    with pytest.raises(InvalidOptionError, match=r"engine.add_worker\('idle'\) serves nothing"):
        e.add_worker("idle")
    with pytest.raises(InvalidOptionError, match=r"add_worker\(task_queue\) must be a non-empty string"):
        e.add_worker("", activities=[charge])
    assert e.task_queues == ("orders", "gpu")
    client_only = engine(task_queue="orders", start_worker=False)
    client_only.add_worker("orders", activities=[charge])  # its own queue has no worker yet
    assert client_only.task_queues == ("orders",)


# --- worker tuning ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "option", ["max_concurrent_activities", "max_concurrent_workflow_tasks", "activity_threads"]
)
@pytest.mark.parametrize("bad", [0, -1, True, 2.5, "4"])
def test_slot_and_thread_counts_must_be_positive_ints(option: str, bad: object) -> None:
    with pytest.raises(
        InvalidOptionError, match=rf"TemporalEngine\({option}=\.\.\.\) is .* an int >= 1"
    ) as err:
        engine(**{option: bad, "max_cached_workflows": 0})
    assert repr(bad) in str(err.value)
    with pytest.raises(InvalidOptionError, match=rf"engine.add_worker\({option}=\.\.\.\) is .* an int >= 1"):
        engine().add_worker("q", activities=[charge], **cast(Any, {option: bad}))


@pytest.mark.parametrize("bad", [-1, True, 1.5, "10"])
def test_max_cached_workflows_must_be_an_int_of_zero_or_more(bad: object) -> None:
    with pytest.raises(InvalidOptionError, match=r"max_cached_workflows=\.\.\.\) is how many workflow runs"):
        engine(max_cached_workflows=bad)
    engine(max_cached_workflows=0)  # no cache: every workflow task replays the history


def test_one_workflow_task_slot_needs_the_cache_off() -> None:
    with pytest.raises(
        InvalidOptionError, match=r"max_concurrent_workflow_tasks=1\) needs max_cached_workflows=0"
    ):
        engine(max_concurrent_workflow_tasks=1)
    engine(max_concurrent_workflow_tasks=1, max_cached_workflows=0)
    cached = engine(max_cached_workflows=10)
    with pytest.raises(InvalidOptionError, match=r"engine.add_worker\(max_concurrent_workflow_tasks=1\)"):
        cached.add_worker("q", workflows=[OrderWorkflow], max_concurrent_workflow_tasks=1)  # cache inherited
    uncached = engine(max_cached_workflows=0)
    uncached.add_worker("q", workflows=[OrderWorkflow], max_concurrent_workflow_tasks=1)


def test_graceful_shutdown_timeout_of_add_worker_is_checked() -> None:
    e = engine()
    e.add_worker("now", activities=[charge], graceful_shutdown_timeout=0)
    assert extra(e)[0].tuning.shutdown == timedelta()
    assert main(e).tuning.shutdown == timedelta(seconds=10)
    with pytest.raises(
        InvalidOptionError, match=r"engine\.add_worker graceful_shutdown_timeout must be positive"
    ):
        e.add_worker("q", activities=[charge], graceful_shutdown_timeout=-1)


# --- the clock --------------------------------------------------------------------------------


async def test_the_clock_needs_time_skipping_to_move_and_a_started_engine_to_read() -> None:
    with pytest.raises(EngineError, match=r"Use TemporalEngine\(time_skipping=True\)"):
        await engine().advance_time(timedelta(days=90))
    with pytest.raises(InvalidOptionError, match=r"engine.advance_time\(duration\) must be positive"):
        await TemporalEngine(time_skipping=True).advance_time(-5)
    with pytest.raises(EngineNotStartedError):
        await TemporalEngine(time_skipping=True).advance_time(5)
    with pytest.raises(EngineNotStartedError):
        await engine().now()


def test_the_sandbox_of_a_workflow_only_worker_still_shares_the_activity_modules() -> None:
    # Workflow code references activity handles only; re-importing their modules in the sandbox
    # (and running their imports under its restrictions) would buy nothing.
    settings = engine(workflows=[OrderWorkflow], activities=[])._worker_settings  # pyright: ignore[reportPrivateUsage]
    plugin = settings.plugin([settings.served()])
    assert [d.workflow_class for d in plugin.workflow_definitions] == [OrderWorkflow]
    assert {a.name for a in plugin.activity_definitions} >= {"opts.charge", "opts.refund"}

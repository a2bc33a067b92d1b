"""Static typing checks of tracing, metrics and the activity logger (checked by mypy and pyright,
never run).

The ``# type: ignore`` / ``# pyright: ignore`` lines are negative cases that must stay errors for both
checkers (an ignore that is no longer needed is itself an error).
"""

from __future__ import annotations

import logging
from typing import Any, assert_type

import temporalio.client
import temporalio.worker
from opentelemetry.sdk.trace import TracerProvider

from temporal_runtime import ActivityLogger, ResultPollLimit, TemporalEngine, WorkflowLogger, activity_logger


class Counting(temporalio.client.Interceptor, temporalio.worker.Interceptor):
    pass


def options(provider: TracerProvider) -> None:
    TemporalEngine(tracing=True, tracer_provider=provider)
    TemporalEngine(interceptors=[Counting(), temporalio.worker.Interceptor()])
    TemporalEngine(metrics_port=9464)
    TemporalEngine(metrics_port=9464, metrics_host="0.0.0.0")
    TemporalEngine(metrics_port="9464")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    TemporalEngine(metrics_port=9464, metrics_host=0)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    TemporalEngine(tracing="yes")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    TemporalEngine(tracer_provider="global")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    TemporalEngine(interceptors=[object()])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]


def properties(engine: TemporalEngine) -> None:
    assert_type(engine.tracing, bool)
    assert_type(engine.metrics_address, str | None)
    engine.tracing = False  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]


def loggers(workflow_logger: WorkflowLogger) -> None:
    log = activity_logger(__name__)
    assert_type(log, ActivityLogger)
    assert_type(activity_logger(), ActivityLogger)
    adapter: logging.LoggerAdapter[logging.Logger] = log  # both are LoggerAdapters
    adapter = workflow_logger
    log.info("charged %s", "o-1", extra={"order": "o-1"})
    activity_logger(7)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    _: Any = adapter


def result_polls(engine: TemporalEngine) -> None:  # --- scale (#16) ---
    TemporalEngine(result_poll_limit=200)
    TemporalEngine(result_poll_limit=None)
    TemporalEngine(result_poll_limit="200")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    polls = engine.result_polls
    assert_type(polls, ResultPollLimit | None)
    if polls is not None:
        assert_type(polls.limit, int)
        assert_type(polls.polling, int)
        assert_type(polls.waiting, int)
        polls.limit = "x"  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]

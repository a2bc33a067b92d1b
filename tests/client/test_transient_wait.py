"""``keep_waiting``: a result wait retried through RESOURCE_EXHAUSTED / UNAVAILABLE, never a bare RPCError."""

from __future__ import annotations

import asyncio
import logging

import pytest
import temporalio.service

from temporal_runtime_client import translate_error
from temporal_runtime_client._transient_wait import is_transient, keep_waiting
from temporal_runtime_core import EngineConnectionError, EngineError

_Code = temporalio.service.RPCStatusCode


def _refusal(status: temporalio.service.RPCStatusCode, message: str) -> temporalio.service.RPCError:
    return temporalio.service.RPCError(message, status, b"")


class _Server:
    """Answers the first ``refusals`` waits with ``status``, then ``answer``."""

    def __init__(self, refusals: int, status: _Code = _Code.RESOURCE_EXHAUSTED, answer: str = "done") -> None:
        self.refusals, self.status, self.answer, self.calls = refusals, status, answer, 0

    async def wait(self) -> str:
        self.calls += 1
        if self.calls <= self.refusals:
            raise _refusal(self.status, "namespace concurrent poller limit exceeded")
        return self.answer


def test_only_resource_exhausted_and_unavailable_are_transient() -> None:
    assert is_transient(_refusal(_Code.RESOURCE_EXHAUSTED, "x"))
    assert is_transient(_refusal(_Code.UNAVAILABLE, "x"))
    assert not is_transient(_refusal(_Code.NOT_FOUND, "x"))
    assert not is_transient(_refusal(_Code.PERMISSION_DENIED, "x"))
    assert not is_transient(ValueError("x"))


async def test_the_wait_is_retried_until_the_server_answers(caplog: pytest.LogCaptureFixture) -> None:
    server = _Server(refusals=3)
    with caplog.at_level(logging.WARNING, "temporal_runtime"):
        got = await keep_waiting(server.wait, _refusal(_Code.RESOURCE_EXHAUSTED, "limit"), "order-1")
    assert (got, server.calls) == ("done", 4)
    [warning] = caplog.records  # one warning per wait, not one per refusal
    assert "order-1" in warning.getMessage()
    assert "RESOURCE_EXHAUSTED" in warning.getMessage()


async def test_a_refusal_that_is_not_transient_is_raised_as_it_is() -> None:
    server = _Server(refusals=1, status=_Code.NOT_FOUND)
    with pytest.raises(temporalio.service.RPCError) as info:
        await keep_waiting(server.wait, _refusal(_Code.UNAVAILABLE, "restarting"), "order-2")
    assert info.value.status == _Code.NOT_FOUND


async def test_uninterrupted_refusal_gives_up_with_our_error_naming_the_run_and_the_limit() -> None:
    server = _Server(refusals=10**6)
    with pytest.raises(EngineError) as info:
        await keep_waiting(server.wait, _refusal(_Code.RESOURCE_EXHAUSTED, "x"), "order-3", give_up_after=0.3)
    assert not isinstance(info.value, EngineConnectionError)
    message = str(info.value)
    assert "'order-3'" in message
    assert "RESOURCE_EXHAUSTED: namespace concurrent poller limit exceeded" in message
    assert "frontend.namespaceCount" in message
    assert isinstance(info.value.__cause__, temporalio.service.RPCError)
    assert server.calls >= 2  # it did retry, with backoff (not a busy loop: far fewer than 1e6)
    assert server.calls < 20


async def test_an_unavailable_server_gives_up_with_a_connection_error() -> None:
    server = _Server(refusals=10**6, status=_Code.UNAVAILABLE)
    with pytest.raises(EngineConnectionError, match=r"'order-4'.*UNAVAILABLE.*server is up and reachable"):
        await keep_waiting(server.wait, _refusal(_Code.UNAVAILABLE, "x"), "order-4", give_up_after=0.2)


async def test_without_a_give_up_time_the_callers_deadline_bounds_the_retries() -> None:
    server = _Server(refusals=10**6)
    refused = _refusal(_Code.RESOURCE_EXHAUSTED, "x")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(keep_waiting(server.wait, refused, "order-5", give_up_after=None), 0.3)


def test_a_refused_call_that_reaches_the_caller_is_our_error_naming_the_run_and_the_limit() -> None:
    overloaded = translate_error(
        _refusal(_Code.RESOURCE_EXHAUSTED, "namespace rate limit exceeded"), workflow_id="o-6"
    )
    assert type(overloaded) is EngineError
    assert "workflow 'o-6' (RESOURCE_EXHAUSTED: namespace rate limit exceeded)" in str(overloaded)
    assert "frontend.namespaceRPS" in str(overloaded)
    down = translate_error(_refusal(_Code.UNAVAILABLE, "connection refused"))
    assert isinstance(down, EngineConnectionError)
    assert "(UNAVAILABLE: connection refused)" in str(down)
    other = _refusal(_Code.PERMISSION_DENIED, "no")
    assert translate_error(other) is other  # not a transient refusal: left to the other rules

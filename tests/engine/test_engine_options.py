"""``TemporalEngine``'s constructor: validation and the settings it exposes (no server involved)."""

from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from temporal_runtime import (
    ActivityRegistry,
    EngineError,
    InvalidOptionError,
    Registry,
    TemporalEngine,
    WorkflowRegistry,
    default_activity_registry,
    default_workflow_registry,
)


@pytest.mark.parametrize("option", ["task_queue", "namespace"])
@pytest.mark.parametrize("value", ["", None, 7])
def test_names_that_are_not_non_empty_strings_are_invalid_options(option: str, value: object) -> None:
    with pytest.raises(
        InvalidOptionError, match=rf"TemporalEngine\({option}=\.\.\.\) must be a non-empty string"
    ) as err:
        TemporalEngine(**{option: cast(Any, value)})
    assert repr(value) in str(err.value)
    assert not isinstance(err.value, EngineError)  # a bad option, not an engine failure
    assert isinstance(err.value, ValueError)


def test_time_skipping_with_a_url_is_refused() -> None:
    with pytest.raises(InvalidOptionError, match="time_skipping=True starts its own test server") as err:
        TemporalEngine(url="localhost:7233", time_skipping=True)
    assert "drop url=" in str(err.value)


def test_bad_connect_timeout_and_tls_options_are_invalid_options() -> None:
    with pytest.raises(InvalidOptionError, match="connect_timeout"):
        TemporalEngine(connect_timeout=-1)
    with pytest.raises(InvalidOptionError, match="tls_client_key"):
        TemporalEngine(url="h:7233", tls_client_cert=b"CERT")


def test_settings_are_exposed_as_given() -> None:
    workflows: WorkflowRegistry = Registry("workflow")
    activities: ActivityRegistry = Registry("activity")
    engine = TemporalEngine(
        "h:7233",
        "ns",
        "q",
        False,
        workflow_registry=workflows,
        activity_registry=activities,
    )
    assert (engine.url, engine.namespace, engine.task_queue) == ("h:7233", "ns", "q")
    assert engine.start_worker is False
    assert engine.time_skipping is False
    assert engine.workflow_registry is workflows
    assert engine.activity_registry is activities
    assert engine.ui_url is None
    assert not engine.started
    assert repr(engine) == "<TemporalEngine h:7233 namespace='ns' task_queue='q' started=False>"


def test_defaults() -> None:
    engine = TemporalEngine(time_skipping=True, local_db_path=Path("x.sqlite"))
    assert engine.url is None
    assert (engine.namespace, engine.task_queue, engine.start_worker) == ("default", "temporal-runtime", True)
    assert engine.time_skipping is True
    assert engine.workflow_registry is default_workflow_registry
    assert engine.activity_registry is default_activity_registry
    assert repr(engine).startswith("<TemporalEngine local dev server ")


# --- url -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("127.0.0.1", "127.0.0.1:7233"),
        ("localhost", "localhost:7233"),
        ("temporal.internal:7000", "temporal.internal:7000"),
        (" localhost:7233 ", "localhost:7233"),
        ("[::1]:7233", "[::1]:7233"),
        ("[::1]", "[::1]:7233"),
    ],
)
def test_url_port_defaults_to_7233(url: str, target: str) -> None:
    assert TemporalEngine(url=url).url == target


@pytest.mark.parametrize(
    ("url", "fix"),
    [
        ("http://localhost:7233", "url='localhost:7233'"),
        ("https://ns.acct.tmprl.cloud:7233/", "url='ns.acct.tmprl.cloud:7233' (and tls=True"),
        ("grpc://127.0.0.1", "url='127.0.0.1:7233'"),
    ],
)
def test_url_with_a_scheme_is_an_invalid_option_naming_the_fix(url: str, fix: str) -> None:
    with pytest.raises(InvalidOptionError, match="without a scheme") as err:
        TemporalEngine(url=url)
    assert fix in str(err.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "must be 'host:port'"),
        ("localhost:", "the port must be a number"),
        ("localhost:http", "the port must be a number"),
        ("localhost:70000", "the port must be a number"),
        (":7233", "names no host"),
        ("::1", r"IPv6 address in brackets, e\.g\. url='\[::1\]:7233'"),
        ("[::1", "IPv6 address as"),
    ],
)
def test_malformed_urls_are_invalid_options(url: str, message: str) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        TemporalEngine(url=url)


# --- graceful shutdown and the temporalio Runtime -------------------------------------------------


def test_graceful_shutdown_timeout_is_validated() -> None:
    TemporalEngine(graceful_shutdown_timeout=0)  # cancel running activities at once
    TemporalEngine(graceful_shutdown_timeout=timedelta(minutes=2))
    with pytest.raises(InvalidOptionError, match="graceful_shutdown_timeout must be positive"):
        TemporalEngine(graceful_shutdown_timeout=-1)
    with pytest.raises(InvalidOptionError, match="graceful_shutdown_timeout must be seconds"):
        TemporalEngine(graceful_shutdown_timeout=cast(Any, "10s"))


def test_runtime_must_be_a_temporalio_runtime() -> None:
    with pytest.raises(InvalidOptionError, match=r"runtime=\.\.\.\) must be a temporalio\.runtime\.Runtime"):
        TemporalEngine(runtime=cast(Any, object()))

"""``TemporalEngine``'s constructor: validation and the settings it exposes (no server involved)."""

from pathlib import Path
from typing import Any, cast

import pytest

from temporal_runtime import (
    EngineError,
    InvalidOptionError,
    Registry,
    TemporalEngine,
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
    workflows: Any = Registry("workflow")
    activities: Any = Registry("activity")
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

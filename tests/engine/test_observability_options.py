"""``TemporalEngine``'s observability options (no server): validation, the missing extra, the
interceptors handed to the plugin, and the span renaming of ``_span_names``."""

from __future__ import annotations

import subprocess
import sys
from typing import Any, cast

import pytest
import temporalio.api.common.v1
import temporalio.common
import temporalio.runtime
import temporalio.worker
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from temporal_runtime import EngineError, InvalidOptionError, TemporalEngine
from temporal_runtime_engine._span_names import (
    MethodNamingTracer,
    _starting,  # pyright: ignore[reportPrivateUsage]
    entry_method,
)


def test_without_opentelemetry_tracing_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import` raise ImportError, as if the package were absent.
    monkeypatch.setitem(sys.modules, "temporalio.contrib.opentelemetry", None)
    with pytest.raises(EngineError, match=r"tracing=True\) needs OpenTelemetry.*temporal-runtime\[otel\]"):
        TemporalEngine(tracing=True)
    TemporalEngine()  # without tracing nothing imports it


def test_importing_temporal_runtime_does_not_import_opentelemetry() -> None:
    code = "import sys, temporal_runtime; print(any(m.startswith('opentelemetry') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_tracer_provider_without_tracing_is_refused() -> None:
    with pytest.raises(InvalidOptionError, match=r"tracer_provider=\.\.\.\) is only used with tracing=True"):
        TemporalEngine(tracer_provider=TracerProvider())


def test_tracing_puts_temporalios_interceptor_before_the_users() -> None:
    mine = temporalio.worker.Interceptor()
    engine = TemporalEngine(tracing=True, interceptors=[mine])
    interceptors = engine._observability.interceptors  # pyright: ignore[reportPrivateUsage]
    assert engine.tracing
    assert [type(i).__name__ for i in interceptors] == [
        "EntryMethodNames",
        "TracingInterceptor",
        "ChildEntryMethodNames",
        "Interceptor",
    ]
    assert interceptors[-1] is mine
    assert not TemporalEngine().tracing


def test_interceptors_must_be_temporalio_interceptors() -> None:
    with pytest.raises(InvalidOptionError, match=r"interceptors=\[\.\.\.\]\) takes temporalio interceptors"):
        TemporalEngine(interceptors=[cast(Any, object())])


def test_metrics_port_with_a_runtime_is_refused_naming_both() -> None:
    runtime = temporalio.runtime.Runtime(telemetry=temporalio.runtime.TelemetryConfig())
    with pytest.raises(
        InvalidOptionError, match=r"metrics_port=\.\.\.\) and runtime=\.\.\. cannot be combined"
    ):
        TemporalEngine(metrics_port=9464, runtime=runtime)


@pytest.mark.parametrize("port", [0, 70000, -1, True, "9464", 94.64])
def test_metrics_port_must_be_a_port_number(port: object) -> None:
    with pytest.raises(InvalidOptionError, match=r"metrics_port=\.\.\.\) must be a TCP port number") as err:
        TemporalEngine(metrics_port=cast(Any, port))
    assert repr(port) in str(err.value)


@pytest.mark.parametrize("host", ["localhost", "", None, "127.0.0.1:9464"])
def test_metrics_host_must_be_an_ip_address(host: object) -> None:
    with pytest.raises(InvalidOptionError, match=r"metrics_host=\.\.\.\) must be an IP address"):
        TemporalEngine(metrics_port=9464, metrics_host=cast(Any, host))


def test_metrics_host_without_a_port_is_refused() -> None:
    with pytest.raises(InvalidOptionError, match=r"is only used with metrics_port"):
        TemporalEngine(metrics_host="0.0.0.0")


def test_metrics_address_is_host_and_port() -> None:
    assert TemporalEngine().metrics_address is None
    assert TemporalEngine(metrics_port=9464).metrics_address == "127.0.0.1:9464"
    assert TemporalEngine(metrics_port=9464, metrics_host="0.0.0.0").metrics_address == "0.0.0.0:9464"
    assert TemporalEngine(metrics_port=9464, metrics_host="::1").metrics_address == "[::1]:9464"


def test_the_entry_method_is_read_from_the_envelope_in_each_form() -> None:
    payload = temporalio.api.common.v1.Payload(
        metadata={"encoding": b"json/plain"}, data=b'{"method": "process", "kwargs": {}}'
    )
    assert entry_method([{"method": "process", "kwargs": {}}]) == "process"
    assert entry_method([payload]) == "process"
    assert entry_method([temporalio.common.RawValue(payload)]) == "process"
    binary = temporalio.api.common.v1.Payload(metadata={"encoding": b"binary/plain"}, data=b"\x00")
    broken = temporalio.api.common.v1.Payload(metadata={"encoding": b"json/plain"}, data=b"{")
    cases: list[list[object]] = [[binary], [broken], [{"method": 3}], [], ["a", "b"], [{"kwargs": {}}]]
    for args in cases:
        assert entry_method(args) is None


def test_only_the_started_workflows_own_spans_are_renamed() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = MethodNamingTracer(provider.get_tracer("tests"))
    with _starting("OrderWorkflow", [{"method": "process", "kwargs": {}}]):
        tracer.start_span("RunWorkflow:OrderWorkflow").end()
        tracer.start_span("StartActivity:charge_card").end()
        tracer.start_span("RunWorkflow:OtherWorkflow").end()
        with tracer.start_as_current_span("StartWorkflow:OrderWorkflow"):
            pass
    tracer.start_span("RunWorkflow:OrderWorkflow").end()  # outside: as temporalio named it
    assert [s.name for s in exporter.get_finished_spans()] == [
        "RunWorkflow:OrderWorkflow.process",
        "StartActivity:charge_card",
        "RunWorkflow:OtherWorkflow",
        "StartWorkflow:OrderWorkflow.process",
        "RunWorkflow:OrderWorkflow",
    ]

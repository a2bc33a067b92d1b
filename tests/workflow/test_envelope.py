"""How a worker reads a workflow call from its raw input payload.

A well-formed call is validated in one pass over the JSON bytes; anything else is read again
argument by argument for a precise error. Both must accept exactly the same calls.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import pytest
import temporalio.api.common.v1
from pydantic import BaseModel, ConfigDict, Field

from temporal_runtime_core import InvalidArgumentsError, UnknownMethodError
from temporal_runtime_workflow import Workflow, definition_of
from temporal_runtime_workflow import _envelope as envelope  # the module under test


class Person(BaseModel):
    model_config = ConfigDict(populate_by_name=False)

    full_name: str = Field(alias="fullName")
    age: int = Field(ge=0)


class Stamp(BaseModel):
    model_config = ConfigDict(strict=True)

    at: datetime


class EnvelopeWorkflow(Workflow):
    async def greet(self, who: Person, times: int = 1, *, loud: bool = False) -> str:
        return ""

    async def stamp(self, stamp: Stamp, note: Any) -> None:  # note: any JSON value
        return None

    async def bounded(self, value: Annotated[int, Field(gt=0)], tags: list[str]) -> None:
        return None


def _payload(data: bytes) -> temporalio.api.common.v1.Payload:
    return temporalio.api.common.v1.Payload(metadata={"encoding": b"json/plain"}, data=data)


def _read(data: bytes) -> tuple[str, dict[str, Any]]:
    spec, kwargs = envelope.read_call(definition_of(EnvelopeWorkflow), _payload(data))
    return spec.name, kwargs


def _read_slowly(data: bytes) -> tuple[str, dict[str, Any]]:
    import json

    spec, kwargs = envelope.read_call_value(definition_of(EnvelopeWorkflow), json.loads(data))
    return spec.name, kwargs


ACCEPTED = [
    b'{"method": "greet", "kwargs": {"who": {"fullName": "Ada", "age": 36}}}',
    b'{"method": "greet", "kwargs": {"who": {"full_name": "Ada", "age": "36"}, "times": 2.0}}',
    b'{"method": "greet", "kwargs": {"who": {"fullName": "Ada", "age": 1}, "loud": true}, "other": 1}',
    b'{"method": "stamp", "kwargs": {"stamp": {"at": "2026-11-26T12:00:00Z"}, "note": [1, {"a": null}]}}',
    b'{"method": "bounded", "kwargs": {"value": 3, "tags": ["a", "b"]}}',
]

REJECTED = [
    (b'{"method": "greet", "kwargs": {"who": {"fullName": "Ada", "age": -1}}}', "Invalid argument 'who'"),
    (b'{"method": "greet", "kwargs": {"who": {"fullName": "Ada", "age": 1}, "shout": 1}}', "'shout'"),
    (b'{"method": "greet", "kwargs": {}}', "missing required argument 'who'"),
    (b'{"method": "greet"}', "missing required argument 'who'"),
    (b'{"method": "stamp", "kwargs": {"stamp": {"at": 5}, "note": 1}}', "Invalid argument 'stamp'"),
    (b'{"method": "bounded", "kwargs": {"value": 0, "tags": []}}', "Invalid argument 'value'"),
    (b'{"method": "bounded", "kwargs": {"value": 1, "tags": "ab"}}', "Invalid argument 'tags'"),
]


@pytest.mark.parametrize("data", ACCEPTED)
def test_one_pass_and_argument_by_argument_reading_agree(data: bytes) -> None:
    assert _read(data) == _read_slowly(data)


def test_calls_are_validated_into_the_declared_types_with_defaults_filled() -> None:
    name, kwargs = _read(ACCEPTED[1])
    assert name == "greet"
    assert kwargs == {"who": Person(fullName="Ada", age=36), "times": 2, "loud": False}
    assert type(kwargs["who"]) is Person
    assert type(kwargs["times"]) is int

    _, stamped = _read(ACCEPTED[3])
    assert stamped["stamp"].at == datetime(2026, 11, 26, 12, tzinfo=UTC)  # strict model, JSON rules
    assert stamped["note"] == [1, {"a": None}]  # typed Any: plain JSON


def test_the_reader_is_built_once_per_parameter_list() -> None:
    _read(ACCEPTED[0])
    built = envelope._build_adapter.cache_info().misses  # pyright: ignore[reportPrivateUsage]
    for _ in range(3):
        _read(ACCEPTED[0])
        _read(ACCEPTED[2])
    assert envelope._build_adapter.cache_info().misses == built  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize(("data", "fragment"), REJECTED)
def test_rejected_calls_name_the_argument_and_the_problem(data: bytes, fragment: str) -> None:
    for read in (_read, _read_slowly):
        with pytest.raises(InvalidArgumentsError, match=r"EnvelopeWorkflow\.") as info:
            read(data)
        assert fragment in str(info.value)


def test_unknown_methods_list_the_entry_methods() -> None:
    with pytest.raises(UnknownMethodError, match="bounded, greet, stamp"):
        _read(b'{"method": "nope", "kwargs": {}}')


@pytest.mark.parametrize(
    ("data", "got"),
    [
        (b"[1, 2]", "got a JSON list of 2 items."),
        (b'"text"', "got a string ('text')."),
        (
            b'{"method": 1}',
            'got a JSON object with keys method whose "method" is a number (1), not a string.',
        ),
        (b"{}", "got an empty JSON object."),
        (b'{"customer_id": 1, "email": "a@b.c"}', "got a JSON object with keys customer_id, email."),
        (b"null", "got null."),
        (b"true", "got a boolean (true)."),
    ],
)
def test_payloads_that_are_not_calls_say_what_they_are_and_show_the_envelope(data: bytes, got: str) -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        _read(data)
    message = str(info.value)
    assert message.startswith(
        "Workflow 'EnvelopeWorkflow' takes one input, the call envelope "
        '{"method": <entry method>, "kwargs": {<parameter>: <value>, ...}}, but '
    )
    assert got in message
    # an example with the workflow's real entry methods and a placeholder per required parameter
    assert 'Send e.g. {"method": "greet", "kwargs": {"who": {...}}} ' in message
    assert "(entry methods: greet(who, times, loud), stamp(stamp, note), bounded(value, tags))" in message


def test_the_example_call_has_a_placeholder_per_required_parameter() -> None:
    assert envelope.example_call(definition_of(PlaceholderWorkflow)) == (
        '{"method": "call", "kwargs": {"name": "...", "count": 0, "ratio": 0, "flag": true, '
        '"tags": [...], "person": {...}, "mapping": {...}, "bounded": 0, "anything": ...}}'
    )


def test_wrong_input_counts_name_what_came_and_the_cli_form() -> None:
    defn = definition_of(SingleMethodWorkflow)
    none = str(envelope.wrong_input_count(defn, ()))
    assert none.startswith(
        "Workflow 'SingleMethodWorkflow' was started with no input, but it takes exactly one"
    )
    assert (
        "With the Temporal CLI: temporal workflow start --type SingleMethodWorkflow --input "
        """'{"method": "only", "kwargs": {"who": {...}}}'.""" in none
    )
    two = str(envelope.wrong_input_count(defn, ({"method": "only"}, "extra")))
    assert "was started with 2 inputs (a JSON object with keys method; a string ('extra'))" in two


def test_malformed_json_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgumentsError, match="not valid JSON"):
        _read(b'{"method": "greet", ')


class SingleMethodWorkflow(Workflow):
    async def only(self, who: Person, times: int = 1) -> str:
        return ""


class PlaceholderWorkflow(Workflow):
    async def call(
        self,
        name: str,
        count: int,
        ratio: float,
        flag: bool,
        tags: list[str],
        person: Person,
        mapping: dict[str, int],
        bounded: Annotated[int, Field(gt=0)],
        anything: Any,
        optional: int = 1,
    ) -> None:
        return None


def test_a_workflow_with_one_entry_method_still_checks_the_method_name() -> None:
    defn = definition_of(SingleMethodWorkflow)
    spec, kwargs = envelope.read_call(
        defn, _payload(b'{"method": "only", "kwargs": {"who": {"fullName": "A", "age": 1}}}')
    )
    assert (spec.name, kwargs) == ("only", {"who": Person(fullName="A", age=1), "times": 1})
    with pytest.raises(UnknownMethodError, match="no entry method 'greet'"):
        envelope.read_call(
            defn, _payload(b'{"method": "greet", "kwargs": {"who": {"fullName": "A", "age": 1}}}')
        )
    with pytest.raises(InvalidArgumentsError, match="'loud'"):
        envelope.read_call(
            defn, _payload(b'{"method": "only", "kwargs": {"who": {"fullName": "A", "age": 1}, "loud": 1}}')
        )

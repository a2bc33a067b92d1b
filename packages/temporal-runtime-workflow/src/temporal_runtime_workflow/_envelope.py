"""Reading the adapter's input: ``{"method": "<entry method>", "kwargs": {...}}`` as JSON bytes.

The adapter receives its input as the raw payload, so a well-formed call is validated in one pass
over the bytes, straight into the entry method's declared parameter types, by a ``TypeAdapter``
built once per parameter list. Anything the fast path rejects is read again the slow way (parse,
then validate argument by argument), which produces the detailed error messages; the two agree on
what they accept.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Sequence
from typing import Any, Final, Literal, NotRequired, TypedDict, cast, is_typeddict

import pydantic
import pydantic_core
import temporalio.api.common.v1
import temporalio.workflow

from temporal_runtime_core import InvalidArgumentsError, default_codec

from ._definition import WorkflowDefinition
from ._methods import MethodSpec

__all__ = ["describe_value", "example_call", "read_call", "read_call_value", "wrong_input_count"]

_JSON: Final = b"json/plain"
_ANY_HINTS: Final = (None, Any, object)


def read_call(
    defn: WorkflowDefinition, payload: temporalio.api.common.v1.Payload
) -> tuple[MethodSpec, dict[str, Any]]:
    """The entry method ``payload`` calls and its validated keyword arguments (defaults filled)."""
    if payload.metadata.get("encoding") == _JSON:
        fast = _read_json(defn, payload.data)
        if fast is not None:
            return fast
        value = default_codec.decode(payload.data)
    else:
        try:
            [value] = temporalio.workflow.payload_converter().from_payloads([payload])
        except Exception as exc:  # an encoding no converter reads: the same input fails every retry
            encoding = payload.metadata.get("encoding", b"").decode("utf-8", "replace") or "none"
            raise InvalidArgumentsError(
                f"Workflow {defn.name!r} takes one input, the call {_ENVELOPE} as JSON, but got a payload "
                f"with encoding {encoding!r} that cannot be read ({type(exc).__name__}: {exc}). "
                f"{_send(defn)}"
            ) from exc
    return read_call_value(defn, value)


def read_call_value(defn: WorkflowDefinition, value: object) -> tuple[MethodSpec, dict[str, Any]]:
    """As :func:`read_call`, for a payload already parsed into plain JSON values."""
    call = _json_object(value)
    method = call.get("method") if call is not None else None
    if call is None or not isinstance(method, str):
        raise InvalidArgumentsError(
            f"Workflow {defn.name!r} takes one input, the call {_ENVELOPE}, but got "
            f"{describe_value(value)}. {_send(defn)}"
        )
    spec = defn.entry(method)
    return spec, spec.validate_received(call.get("kwargs", {}))


def _json_object(value: object) -> dict[object, object] | None:
    """``value`` if it is a dict (a parsed JSON object, its contents not yet checked), else None."""
    return cast("dict[object, object]", value) if isinstance(value, dict) else None


def wrong_input_count(defn: WorkflowDefinition, values: Sequence[object]) -> InvalidArgumentsError:
    """The error for a run started with no input or with several payloads (it takes exactly one)."""
    got = f"{len(values)} inputs ({'; '.join(describe_value(v) for v in values)})" if values else "no input"
    return InvalidArgumentsError(
        f"Workflow {defn.name!r} was started with {got}, but it takes exactly one, the call "
        f"{_ENVELOPE}. {_send(defn)} With the Temporal CLI: temporal workflow start --type "
        f"{defn.name} --input '{example_call(defn)}'."
    )


_ENVELOPE: Final = 'envelope {"method": <entry method>, "kwargs": {<parameter>: <value>, ...}}'


def _send(defn: WorkflowDefinition) -> str:
    methods = ", ".join(
        f"{name}({', '.join(p.name for p in spec.parameters)})" for name, spec in defn.entry_methods.items()
    )
    return (
        f"Send e.g. {example_call(defn)} (entry methods: {methods}), or start runs through "
        "temporal-runtime's client or engine, which build the envelope."
    )


def example_call(defn: WorkflowDefinition) -> str:
    """An envelope calling the first entry method of ``defn``, with a placeholder per required
    parameter: ``{"method": "process", "kwargs": {"order": {...}}}``."""
    name, spec = next(iter(defn.entry_methods.items()))
    hints = spec.hints
    kwargs = ", ".join(
        f'"{p.name}": {_placeholder(hints.get(p.name))}'
        for p in spec.parameters
        if p.default is inspect.Parameter.empty
    )
    return f'{{"method": "{name}", "kwargs": {{{kwargs}}}}}'


def _placeholder(hint: object) -> str:
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _placeholder(typing.get_args(hint)[0])
    kind = origin if isinstance(origin, type) else hint
    if isinstance(kind, type):
        if is_typeddict(kind):
            return "{...}"
        if issubclass(kind, str):
            return '"..."'
        if issubclass(kind, bool):
            return "true"
        if issubclass(kind, int | float):
            return "0"
        if issubclass(kind, list | tuple | set | frozenset):
            return "[...]"
        if issubclass(kind, dict | pydantic.BaseModel):
            return "{...}"
    return "..."


def describe_value(value: object) -> str:
    """What a received input is, in JSON terms: "a JSON object with keys customer_id, email",
    "a JSON list of 2 items", "a string ('hello')", "null"."""
    match value:
        case None:
            return "null"
        case bool():
            return f"a boolean ({'true' if value else 'false'})"
        case int() | float():
            return f"a number ({value!r})"
        case str():
            text = value if len(value) <= 40 else f"{value[:37]}..."
            return f"a string ({text!r})"
        case bytes():
            return f"binary data ({len(value)} bytes)"
        case dict() if not value:
            return "an empty JSON object"
        case dict():
            fields = cast("dict[object, object]", value)  # its contents are not checked yet
            keys = [str(k) for k in fields]
            shown = ", ".join(keys[:8]) + (", ..." if len(keys) > 8 else "")
            method = fields.get("method")
            if "method" in fields and not isinstance(method, str):
                method_is = describe_value(method)
                return f'a JSON object with keys {shown} whose "method" is {method_is}, not a string'
            return f"a JSON object with keys {shown}"
        case list():
            count = len(cast("list[object]", value))
            return f"a JSON list of {count} item{'' if count == 1 else 's'}"
        case _:
            return f"a {type(value).__name__}"


def _read_json(defn: WorkflowDefinition, data: bytes) -> tuple[MethodSpec, dict[str, Any]] | None:
    spec: MethodSpec | None
    entry_methods = defn.entry_methods
    if len(entry_methods) == 1:  # the envelope's method is checked by the validation itself
        [spec] = entry_methods.values()
    else:
        try:
            method = pydantic_core.from_json(data).get("method")
        except (ValueError, AttributeError):  # not JSON, or not an object
            return None
        spec = entry_methods.get(method) if isinstance(method, str) else None
        if spec is None:
            return None
    adapter: pydantic.TypeAdapter[Any] | Literal[False] | None = spec.cache.get("envelope", False)
    if adapter is False:
        adapter = _envelope_adapter(spec)
    if adapter is None:
        return None
    try:
        # Its validator directly: what TypeAdapter.validate_json calls, one Python layer less.
        envelope = adapter.validator.validate_json(data, by_alias=True, by_name=True)
    except pydantic.ValidationError:
        return None
    kwargs: dict[str, Any] = envelope["kwargs"]
    if len(kwargs) < len(spec.parameters):
        for param in spec.parameters:
            if param.name not in kwargs:
                kwargs[param.name] = param.default
    return spec, kwargs


def _envelope_adapter(spec: MethodSpec) -> pydantic.TypeAdapter[Any] | None:
    cached: pydantic.TypeAdapter[Any] | Literal[False] | None = spec.cache.get("envelope", False)
    if cached is False:
        cached = spec.cache["envelope"] = _spec_adapter(spec)
    return cached


def _spec_adapter(spec: MethodSpec) -> pydantic.TypeAdapter[Any] | None:
    hints = spec.hints
    key = (
        spec.name,
        tuple((p.name, hints.get(p.name), p.default is not inspect.Parameter.empty) for p in spec.parameters),
    )
    try:
        return _build_adapter(key)
    except TypeError:  # an unhashable type hint: read it the slow way
        return None


# Cached by the method name and its parameters' (name, type hint, has default): the sandbox
# re-creates workflow classes for every run, but types from shared (passed-through) modules stay
# the same objects.
@functools.lru_cache(maxsize=1024)
def _build_adapter(
    key: tuple[str, tuple[tuple[str, object, bool], ...]],
) -> pydantic.TypeAdapter[Any]:
    method, params = key
    fields: dict[str, Any] = {}
    for name, hint, has_default in params:
        value_type = Any if hint in _ANY_HINTS else hint
        fields[name] = NotRequired[value_type] if has_default else value_type
    # Unexpected arguments are an error, as in the argument-by-argument reading.
    kwargs_type = pydantic.with_config(pydantic.ConfigDict(extra="forbid"))(
        _typed_dict(f"{method}_kwargs", fields)
    )
    return pydantic.TypeAdapter(
        _typed_dict(f"{method}_call", {"method": Literal[method], "kwargs": kwargs_type})
    )


_typed_dict: Any = TypedDict  # called with computed names and fields, which type checkers reject

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
from typing import Any, Final, Literal, NotRequired, TypedDict

import pydantic
import pydantic_core
import temporalio.api.common.v1
import temporalio.exceptions
import temporalio.workflow

from temporal_runtime_core import default_codec

from ._definition import WorkflowDefinition
from ._methods import MethodSpec

__all__ = ["read_call", "read_call_value"]

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
        [value] = temporalio.workflow.payload_converter().from_payloads([payload])
    return read_call_value(defn, value)


def read_call_value(defn: WorkflowDefinition, value: object) -> tuple[MethodSpec, dict[str, Any]]:
    """As :func:`read_call`, for a payload already parsed into plain JSON values."""
    if not isinstance(value, dict) or not isinstance(value.get("method"), str):
        raise temporalio.exceptions.ApplicationError(
            f"Workflow {defn.name!r} expects a payload {{'method': <name>, 'kwargs': {{...}}}}, got "
            f"{type(value).__name__}. Start it through temporal-runtime's client or engine.",
            type="InvalidArgumentsError",
            non_retryable=True,
        )
    spec = defn.entry(value["method"])
    return spec, spec.validate_received(value.get("kwargs", {}))


def _read_json(defn: WorkflowDefinition, data: bytes) -> tuple[MethodSpec, dict[str, Any]] | None:
    spec: MethodSpec | None
    if len(defn.entry_methods) == 1:  # the envelope's method is checked by the validation itself
        [spec] = defn.entry_methods.values()
    else:
        try:
            method = pydantic_core.from_json(data).get("method")
        except (ValueError, AttributeError):  # not JSON, or not an object
            return None
        spec = defn.entry_methods.get(method) if isinstance(method, str) else None
        if spec is None:
            return None
    adapter = _envelope_adapter(spec)
    if adapter is None:
        return None
    try:
        envelope = adapter.validate_json(data, by_alias=True, by_name=True)
    except pydantic.ValidationError:
        return None
    kwargs: dict[str, Any] = envelope["kwargs"]
    if len(kwargs) < len(spec.parameters):
        for param in spec.parameters:
            if param.name not in kwargs:
                kwargs[param.name] = param.default
    return spec, kwargs


def _envelope_adapter(spec: MethodSpec) -> pydantic.TypeAdapter[Any] | None:
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

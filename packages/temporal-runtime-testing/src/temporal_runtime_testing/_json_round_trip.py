"""Values sent through JSON the way a worker's payload conversion sends them (for the testers)."""

from __future__ import annotations

import json
from typing import Any

from temporal_runtime_core import InvalidArgumentsError, default_codec

__all__ = ["convert", "through_json"]


def through_json(value: object, what: str) -> Any:
    """``value`` encoded to JSON and parsed back into plain JSON values (dicts, lists, ...)."""
    try:
        return json.loads(default_codec.encode(value))
    except InvalidArgumentsError as exc:
        raise InvalidArgumentsError(f"Cannot send {what} as JSON: {exc}") from None


def convert(value: object, type_hint: object, what: str) -> Any:
    """``value`` as the caller would receive it from a worker: JSON, then the declared type."""
    try:
        return default_codec.decode(default_codec.encode(value), type_hint)
    except InvalidArgumentsError as exc:
        raise InvalidArgumentsError(
            f"{what} does not survive the JSON conversion a worker applies: {exc}"
        ) from None

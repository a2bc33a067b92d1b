"""``self.patched("change-id")`` and ``self.deprecate_patch("change-id")``: changing running code.

A run replays its recorded history on the code a worker has *now*. Code that issues other commands
than the recorded ones (another activity, one more timer) breaks runs started before the deploy.
``patched(id)`` records a marker in the history the first time a run reaches it: new runs get True
(take the new path), runs recorded without the marker get False when they replay (keep the old
path), so both finish. Once no run on the old path is left, ``deprecate_patch(id)`` replaces the
branch (only the new code stays), and later the call can go as well.
"""

from __future__ import annotations

from temporal_runtime_core import InvalidArgumentsError

from ._runtime import current_runtime

__all__ = ["deprecate_patch", "patched"]


def _checked(patch_id: object, operation: str) -> str:
    if not isinstance(patch_id, str) or not patch_id.strip():
        raise InvalidArgumentsError(
            f"{operation}() takes the change's id, a non-empty string such as "
            f'{operation}("add-fraud-check"), got {patch_id!r}'
        )
    return patch_id


def patched(patch_id: str) -> bool:
    runtime = current_runtime("patched")
    return runtime.patched(_checked(patch_id, "patched"))


def deprecate_patch(patch_id: str) -> None:
    runtime = current_runtime("deprecate_patch")
    runtime.deprecate_patch(_checked(patch_id, "deprecate_patch"))

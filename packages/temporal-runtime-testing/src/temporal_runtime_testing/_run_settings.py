"""What a :class:`WorkflowTester` decides for its runs (patch branches, seed, continue-as-new
handling) and the record of a run's continue-as-new."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from temporal_runtime_core import SearchAttributeValue

if TYPE_CHECKING:
    from ._tester_run import TesterRun

__all__ = ["ContinueAsNew", "ContinueAsNewCall", "RunSettings"]


@dataclass(frozen=True, slots=True)
class ContinueAsNewCall:
    """A ``continue_as_new`` the workflow made under ``WorkflowTester``: the entry method the next run
    executes and its arguments, validated and sent through JSON as the next run receives them;
    ``run_number`` is the run that continued (1 for the first)."""

    method: str
    arguments: dict[str, Any]
    run_number: int


@dataclass(slots=True)
class RunSettings:
    """What the tester decides for its runs: patch branches, the seed, continue-as-new handling."""

    patches: Mapping[str, bool]
    seed: int
    follow_continue_as_new: bool
    continue_as_new_suggested: bool = False
    continued: list[ContinueAsNewCall] = field(default_factory=lambda: [])
    start_next: Callable[[TesterRun, ContinueAsNewCall], TesterRun] | None = None
    # --- search attributes (#13): the first run's search_attributes= and summary= ---
    search_attributes: tuple[SearchAttributeValue[Any], ...] = ()
    summary: str | None = None


class ContinueAsNew(BaseException):  # like temporalio's: not an Exception, not caught
    """Ends the entry task of a run that continues as new."""

    def __init__(self, call: ContinueAsNewCall) -> None:
        super().__init__(call.method)
        self.call = call

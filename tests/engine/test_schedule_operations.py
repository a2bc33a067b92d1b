"""``engine.create_schedule`` checks what it is given before it needs a server, and names the call."""

from __future__ import annotations

import pytest

from temporal_runtime import (
    DefinitionError,
    EngineNotStartedError,
    InvalidOptionError,
    TemporalEngine,
    UnknownMethodError,
    Workflow,
    wf_signal,
)
from temporal_runtime.testing import select_registries


class Nightly(Workflow):
    async def run(self, team: str) -> int:
        return len(team)

    @wf_signal()
    def poke(self) -> None:
        pass


def _engine() -> TemporalEngine:
    workflows, activities = select_registries(workflows=[Nightly])
    return TemporalEngine(url="localhost:1", workflow_registry=workflows, activity_registry=activities)


async def test_create_schedule_checks_its_options_before_it_needs_a_server() -> None:
    engine = _engine()
    with pytest.raises(InvalidOptionError, match="both cron and every"):
        await engine.create_schedule(Nightly.run, "ops", schedule_id="s", cron="0 2 * * *", every=60)
    with pytest.raises(EngineNotStartedError):  # valid: now it needs the started engine
        await engine.create_schedule(Nightly.run, "ops", schedule_id="s", every=60)
    with pytest.raises(UnknownMethodError, match="signal handler"):
        await engine.create_schedule(Nightly.poke, schedule_id="s", every=60)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def test_create_schedule_takes_a_workflows_entry_method() -> None:
    async def job(team: str) -> int:
        return 1

    with pytest.raises(DefinitionError, match="not a method of a module-level Workflow class"):
        await _engine().create_schedule(job, "ops", schedule_id="s", every=60)  # type: ignore[arg-type,type-var]  # pyright: ignore[reportArgumentType]

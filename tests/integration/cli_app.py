"""Workflows and activities that tests/integration/test_cli_*.py serve with `temporal-runtime worker`.

They live on the default registries, as an application's do: the worker process serves what this
module registers. The activities write a line to stderr when they start and finish, which the tests
read from the worker's output.
"""

from __future__ import annotations

import asyncio
import sys

from pydantic import BaseModel

from temporal_runtime import RetryPolicy, Workflow, activity_def, activity_info


class CliGreeting(BaseModel):
    name: str


class CliGreeted(BaseModel):
    text: str


class CliJob(BaseModel):
    seconds: float


@activity_def("cli_app_greet", Args=CliGreeting)
async def greet(greeting: CliGreeting) -> CliGreeted:
    return CliGreeted(text=f"hello {greeting.name}")


@activity_def("cli_app_slow_job", Args=CliJob)
async def slow_job(job: CliJob) -> str:
    attempt = activity_info().attempt
    print(f"cli-app: slow job started (attempt {attempt})", file=sys.stderr, flush=True)
    await asyncio.sleep(job.seconds)
    print(f"cli-app: slow job finished (attempt {attempt})", file=sys.stderr, flush=True)
    return f"done on attempt {attempt}"


class CliAppWorkflow(Workflow):
    async def greet(self, greeting: CliGreeting) -> CliGreeted:
        return await self.exec(greet, greeting, timeout=30)

    async def slow(self, job: CliJob) -> str:
        return await self.exec(slow_job, job, timeout=60, retry_policy=RetryPolicy(maximum_attempts=3))

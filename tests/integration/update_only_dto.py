"""DTOs used only as an update handler's parameter and result types (see test_update_only_dto.py).

Nothing else (no entry method, signal, query or activity) mentions them, so only the update handler
can tell the engine that this module is pure data the workflow sandbox may share with the host.
"""

from typing import ClassVar

import temporalio.workflow
from pydantic import BaseModel


class SeatRequest(BaseModel):
    seat: str

    # True when this class was created inside Temporal's workflow sandbox, i.e. the sandbox
    # re-imported this module instead of sharing the host's (then it is a different class).
    created_in_sandbox: ClassVar[bool] = temporalio.workflow.unsafe.in_sandbox()


class SeatAnswer(BaseModel):
    seat: str
    request_class_created_in_sandbox: bool

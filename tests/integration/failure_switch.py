"""A switch that tests flip to "deploy a fix" of a workflow (see test_failure_semantics.py).

The engine passes DTO modules through Temporal's workflow sandbox, so workflow code reads the same
``BROKEN`` and ``ATTEMPTS`` as the test, even though the sandbox imports the workflow's own module afresh for
each run (and for each retry of its workflow task).
"""

from collections import Counter

from pydantic import BaseModel

BROKEN: set[str] = set()
ATTEMPTS: Counter[str] = Counter()  # how often the broken code ran, per key


class Repair(BaseModel):
    key: str

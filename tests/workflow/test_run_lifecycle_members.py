"""The #12 members of ``Workflow`` outside a running workflow, and the memo key the layers share."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from temporal_runtime import NotInWorkflowError
from temporal_runtime_client import METHOD_MEMO_KEY as CLIENT_KEY
from temporal_runtime_workflow import METHOD_MEMO_KEY as WORKFLOW_KEY
from tests.integration.run_lifecycle_workflows import Inspector


def test_the_method_memo_key_is_the_same_in_both_layers() -> None:
    assert WORKFLOW_KEY == CLIENT_KEY


USES: list[tuple[str, Callable[[Inspector], object]]] = [
    ("info", lambda wf: wf.info),
    ("logger", lambda wf: wf.logger),
    ("uuid4", lambda wf: wf.uuid4()),
    ("random", lambda wf: wf.random()),
    ("patched", lambda wf: wf.patched("x")),
    ("deprecate_patch", lambda wf: wf.deprecate_patch("x")),
    ("all_handlers_finished", lambda wf: wf.all_handlers_finished()),
    ("continue_as_new", lambda wf: wf.continue_as_new(Inspector.run, "t")),
]


@pytest.mark.parametrize(("name", "use"), USES)
def test_outside_a_workflow_each_member_says_how_to_test(
    name: str, use: Callable[[Inspector], object]
) -> None:
    with pytest.raises(NotInWorkflowError, match=rf"Workflow\.{name}\(\).*WorkflowTester"):
        use(Inspector())

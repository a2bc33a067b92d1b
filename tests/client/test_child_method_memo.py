"""A child records its entry method under the memo key the client's describe() reads."""

from temporal_runtime_client import METHOD_MEMO_KEY
from temporal_runtime_workflow._temporal_child import CHILD_METHOD_MEMO_KEY


def test_a_childs_method_is_recorded_under_the_clients_memo_key() -> None:
    assert CHILD_METHOD_MEMO_KEY == METHOD_MEMO_KEY

"""The client proxy's members are reserved names of workflow classes, and the proxy explains them."""

import inspect

import pytest

from temporal_runtime_client import WorkflowClient
from temporal_runtime_client._proxy import WorkflowProxy, _ProxyBase, _StartingProxy  # pyright: ignore[reportPrivateUsage]
from temporal_runtime_core import Registry, UnknownMethodError
from temporal_runtime_workflow import RESERVED_NAMES, Workflow


class UnitProxyReservedWorkflow(Workflow, registry=Registry("workflow")):
    async def run(self) -> str:
        return "ran"


def _no_client() -> WorkflowClient:
    raise AssertionError("no call in this test reaches a client")


@pytest.mark.parametrize("proxy_class", [WorkflowProxy, _StartingProxy])
def test_every_public_member_of_the_proxy_is_reserved(proxy_class: type[_ProxyBase]) -> None:
    public = {name for name, _ in inspect.getmembers(proxy_class) if not name.startswith("_")}
    missing = public - set(RESERVED_NAMES)
    assert not missing, f"add {sorted(missing)} to temporal_runtime_workflow._reserved.RESERVED_NAMES"


def test_the_proxy_members_are_the_ones_the_list_expects() -> None:
    public = {name for name, _ in inspect.getmembers(WorkflowProxy) if not name.startswith("_")}
    assert public == {"async_", "after", "options", "with_start"}  # a new member must join RESERVED_NAMES


def test_a_workflow_helper_on_the_proxy_says_what_it_is() -> None:
    proxy = WorkflowProxy(_no_client, UnitProxyReservedWorkflow)
    with pytest.raises(UnknownMethodError) as info:
        proxy.sleep  # noqa: B018  # the attribute access itself raises
    assert str(info.value) == (
        "'sleep' is Workflow.sleep, the durable timer: a client proxy of workflow "
        "'UnitProxyReservedWorkflow' does not offer it here; its methods are the entry methods: run"
    )
    with pytest.raises(UnknownMethodError, match=r"'options' is Workflow\.options, the proxy's per-call"):
        proxy.async_.options  # noqa: B018
    assert not hasattr(proxy, "exec")
    assert proxy.run.__name__ == "run"

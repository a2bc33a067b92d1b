"""Search attributes under WorkflowTester: start values and summary, upserts recorded and read back
by ``self.search_attributes``, continue-as-new carrying them, children's options recorded."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from temporal_runtime import (
    METHOD_SEARCH_ATTRIBUTE,
    InvalidOptionError,
    NotInWorkflowError,
    SearchAttribute,
    Workflow,
)
from temporal_runtime.testing import WorkflowTester
from temporal_runtime_core import _search_attributes as declared_keys  # pyright: ignore[reportPrivateUsage]


def _undeclared[T](make: Callable[[], T]) -> T:
    """``make()`` without leaving its keys declared: this module's throwaway keys must not take the
    session dev server's few columns per type (it registers every key declared when it starts)."""
    saved = dict(declared_keys._declared)  # pyright: ignore[reportPrivateUsage]
    try:
        return make()
    finally:
        declared_keys._declared.clear()  # pyright: ignore[reportPrivateUsage]
        declared_keys._declared.update(saved)  # pyright: ignore[reportPrivateUsage]


KitCustomer, KitStage = _undeclared(
    lambda: (SearchAttribute.keyword("KitCustomer"), SearchAttribute.keyword("KitStage"))
)


class KitTagged(Workflow):
    async def process(self, customer: str) -> list[object]:
        seen: list[object] = [self.search_attributes.get(KitCustomer)]
        self.upsert_search_attributes(KitCustomer.value(customer), KitStage.value("paid"))
        seen.append(self.search_attributes.get(KitCustomer))
        self.upsert_search_attributes(KitStage.unset())
        seen.append(self.search_attributes.get(KitStage))
        seen.append(self.search_attributes.get(METHOD_SEARCH_ATTRIBUTE))
        return seen

    async def hop(self, customer: str) -> str:
        self.upsert_search_attributes(KitStage.value("hopped"))
        self.continue_as_new(KitTagged.land, customer)

    async def land(self, customer: str) -> str:
        attributes = self.search_attributes
        return f"{customer}:{attributes.get(KitStage)}:{attributes.get(METHOD_SEARCH_ATTRIBUTE)}"

    async def parent(self, customer: str) -> list[object]:
        return await self.execute_child(
            KitTagged.process, customer, search_attributes=[KitCustomer.value(customer)], summary="kid"
        )

    async def bad_upsert(self) -> str:
        self.upsert_search_attributes()
        return "no"


async def test_start_values_upserts_and_reads_are_recorded() -> None:
    tester = WorkflowTester(KitTagged, search_attributes=[KitCustomer.value("c-0")], summary="order 7")
    handle = await tester.start(KitTagged.process, "c-1")
    assert await handle.result() == ["c-0", "c-1", None, "KitTagged.process"]
    assert handle.search_attributes.get(KitCustomer) == "c-1"
    assert KitStage not in handle.search_attributes
    assert handle.search_attribute_upserts == [
        (KitCustomer.value("c-1"), KitStage.value("paid")),
        (KitStage.unset(),),
    ]
    assert handle.summary == "KitTagged.process: order 7"


async def test_continue_as_new_carries_the_attributes_and_names_the_new_method() -> None:
    tester = WorkflowTester(KitTagged, follow_continue_as_new=True)
    handle = await tester.start(KitTagged.hop, "c-2")
    assert await handle.result() == "c-2:hopped:KitTagged.land"
    assert handle.summary is None  # temporalio sends no summary with continue-as-new


async def test_a_childs_search_attributes_and_summary_are_recorded() -> None:
    tester = WorkflowTester(KitTagged)
    assert await tester.run(KitTagged.parent, "c-3") == ["c-3", "c-3", None, "KitTagged.process"]
    [child] = tester.children
    assert child.options.search_attributes == (KitCustomer.value("c-3"),)
    assert child.options.summary == "kid"


async def test_wrong_values_are_refused() -> None:
    with pytest.raises(InvalidOptionError, match="search attributes are a list of typed values"):
        WorkflowTester(KitTagged, search_attributes=KitCustomer.value("x"))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(InvalidOptionError, match="one or more typed values"):
        await WorkflowTester(KitTagged).run(KitTagged.bad_upsert)
    with pytest.raises(NotInWorkflowError, match="upsert_search_attributes"):
        KitTagged().upsert_search_attributes(KitCustomer.value("x"))

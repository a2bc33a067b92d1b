"""``register_search_attributes``'s decisions against a stand-in operator service: what it adds, and
the errors for a type conflict and a missing permission (a permission cannot be taken away on the dev
server; the server-backed paths are in tests/integration/test_search_attributes.py)."""

from __future__ import annotations

from typing import Any, cast

import pytest
import temporalio.client
import temporalio.service
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    AddSearchAttributesResponse,
    ListSearchAttributesRequest,
    ListSearchAttributesResponse,
)

from temporal_runtime_core import SearchAttribute, SearchAttributeRegistrationError
from temporal_runtime_core import _search_attributes as declared_keys  # pyright: ignore[reportPrivateUsage]
from temporal_runtime_engine._search_attribute_registration import register_search_attributes

_DENIED = temporalio.service.RPCStatusCode.PERMISSION_DENIED


class _Operator:
    def __init__(
        self,
        present: dict[str, IndexedValueType.ValueType],
        *,
        deny: str | None = None,
        list_status: Any = None,
    ) -> None:
        self.present = present
        self.deny = deny
        self.list_status = list_status
        self.added: list[dict[str, IndexedValueType.ValueType]] = []

    async def list_search_attributes(
        self, request: ListSearchAttributesRequest
    ) -> ListSearchAttributesResponse:
        assert request.namespace == "orders"
        if self.list_status is not None:
            raise temporalio.service.RPCError("no", self.list_status, b"")
        if self.deny == "list":
            raise temporalio.service.RPCError("Request unauthorized.", _DENIED, b"")
        return ListSearchAttributesResponse(custom_attributes=self.present)

    async def add_search_attributes(self, request: AddSearchAttributesRequest) -> AddSearchAttributesResponse:
        if self.deny == "add":
            raise temporalio.service.RPCError("Request unauthorized.", _DENIED, b"")
        self.added.append(dict(request.search_attributes))
        return AddSearchAttributesResponse()


class _Client:
    namespace = "orders"

    def __init__(self, operator: _Operator) -> None:
        self.operator_service = operator


def _client(operator: _Operator) -> temporalio.client.Client:
    return cast(temporalio.client.Client, _Client(operator))


KEYWORD = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
_saved = dict(declared_keys._declared)  # pyright: ignore[reportPrivateUsage]
KEYS = (SearchAttribute.keyword("RegCustomer"), SearchAttribute.keyword("RegRegion"))
declared_keys._declared.clear()  # pyright: ignore[reportPrivateUsage]  # throwaway keys: not for the
declared_keys._declared.update(_saved)  # pyright: ignore[reportPrivateUsage]  # session's dev server


async def test_only_the_missing_ones_are_added_in_one_request() -> None:
    operator = _Operator({"RegCustomer": KEYWORD})
    assert await register_search_attributes(_client(operator), KEYS) == ("RegRegion",)
    assert operator.added == [{"RegRegion": KEYWORD}]
    operator.present["RegRegion"] = KEYWORD
    assert await register_search_attributes(_client(operator), KEYS) == ()
    assert len(operator.added) == 1


async def test_a_name_registered_with_another_type_is_named_and_nothing_is_added() -> None:
    operator = _Operator({"RegCustomer": IndexedValueType.INDEXED_VALUE_TYPE_TEXT})
    with pytest.raises(
        SearchAttributeRegistrationError, match="'RegCustomer' is registered as Text, declared as Keyword"
    ):
        await register_search_attributes(_client(operator), KEYS)
    assert operator.added == []


@pytest.mark.parametrize("where", ["list", "add"])
async def test_without_the_permission_the_error_names_it_and_what_to_run_instead(where: str) -> None:
    operator = _Operator({}, deny=where)
    with pytest.raises(SearchAttributeRegistrationError) as caught:
        await register_search_attributes(_client(operator), KEYS)
    message = str(caught.value)
    assert "OperatorService.AddSearchAttributes" in message
    assert "temporal operator search-attribute create --namespace orders" in message
    assert "tcld namespace search-attributes add" in message


async def test_a_server_that_cannot_list_gets_them_all() -> None:
    operator = _Operator({}, list_status=temporalio.service.RPCStatusCode.UNIMPLEMENTED)
    assert await register_search_attributes(_client(operator), KEYS) == ("RegCustomer", "RegRegion")

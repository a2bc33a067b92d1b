"""DtoCodec: JSON encode/decode of pydantic DTOs and plain JSON values, validation and its errors."""

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import annotated_types
import pytest
from pydantic import BaseModel, ConfigDict, Field

from temporal_runtime_core import DtoCodec, InvalidArgumentsError, default_codec

# --- DTOs --------------------------------------------------------------------------------------------


class Address(BaseModel):
    street: str
    city: str


class Customer(BaseModel):
    name: str
    address: Address
    previous: list[Address] = []


class Aliased(BaseModel):
    user_name: str = Field(alias="userName")
    order_count: int = Field(alias="orderCount")


class SerializationAliased(BaseModel):
    user_name: str = Field(serialization_alias="userName")
    order_count: int = Field(serialization_alias="orderCount")


class ValidationAliased(BaseModel):
    user_name: str = Field(validation_alias="userName")
    order_count: int = Field(validation_alias="orderCount")


class StrictEvent(BaseModel):
    model_config = ConfigDict(strict=True)

    event_id: UUID
    happened_at: datetime
    count: int


class Item(BaseModel):
    sku: str
    quantity: int


# A look-alike of ``Item``: same fields, different class. This is what a DTO looks like after the
# workflow sandbox re-imported its module: equal in shape, but ``isinstance`` fails.
class ItemLookAlike(BaseModel):
    sku: str
    quantity: int


class StrictEventLookAlike(BaseModel):
    model_config = ConfigDict(strict=True)

    event_id: UUID
    happened_at: datetime
    count: int


EVENT_ID = UUID("12345678-1234-5678-1234-567812345678")
WHEN = datetime(2024, 5, 17, 13, 45, 12, 123456, tzinfo=UTC)


@pytest.fixture
def codec() -> DtoCodec:
    return DtoCodec()


# --- round trips -------------------------------------------------------------------------------------


def test_nested_model_round_trip(codec: DtoCodec) -> None:
    value = Customer(
        name="Ada",
        address=Address(street="1 Main St", city="Springfield"),
        previous=[Address(street="2 Side St", city="Shelbyville")],
    )
    data = codec.encode(value)
    assert isinstance(data, bytes)
    assert json.loads(data) == {
        "name": "Ada",
        "address": {"street": "1 Main St", "city": "Springfield"},
        "previous": [{"street": "2 Side St", "city": "Shelbyville"}],
    }
    decoded = codec.decode(data, Customer)
    assert type(decoded) is Customer
    assert type(decoded.address) is Address
    assert decoded == value


def test_aliased_model_encodes_field_names_and_decodes_names_or_aliases(codec: DtoCodec) -> None:
    value = Aliased(userName="ada", orderCount=3)
    data = codec.encode(value)
    assert json.loads(data) == {"user_name": "ada", "order_count": 3}
    # Decoding accepts the field names (what encode writes) ...
    by_name = codec.decode(b'{"user_name": "ada", "order_count": 3}', Aliased)
    assert by_name == value
    # ... and the aliases.
    by_alias = codec.decode(b'{"userName": "ada", "orderCount": 3}', Aliased)
    assert by_alias == value
    # The round trip preserves the value.
    decoded = codec.decode(data, Aliased)
    assert type(decoded) is Aliased
    assert decoded == value
    assert decoded.user_name == "ada"
    assert decoded.order_count == 3


def test_serialization_alias_only_model_round_trips(codec: DtoCodec) -> None:
    value = SerializationAliased(user_name="ada", order_count=3)
    data = codec.encode(value)
    assert json.loads(data) == {"user_name": "ada", "order_count": 3}
    decoded = codec.decode(data, SerializationAliased)
    assert type(decoded) is SerializationAliased
    assert decoded == value
    assert codec.validate(value, SerializationAliased) is value
    assert codec.validate({"user_name": "ada", "order_count": 3}, SerializationAliased) == value


def test_validation_alias_only_model_round_trips(codec: DtoCodec) -> None:
    value = ValidationAliased.model_validate({"userName": "ada", "orderCount": 3})
    data = codec.encode(value)
    assert json.loads(data) == {"user_name": "ada", "order_count": 3}
    decoded = codec.decode(data, ValidationAliased)
    assert type(decoded) is ValidationAliased
    assert decoded == value
    assert decoded.user_name == "ada"
    assert decoded.order_count == 3
    # The validation aliases are still accepted on the way in.
    assert codec.decode(b'{"userName": "ada", "orderCount": 3}', ValidationAliased) == value


def test_strict_model_with_datetime_and_uuid_round_trips(codec: DtoCodec) -> None:
    value = StrictEvent(event_id=EVENT_ID, happened_at=WHEN, count=2)
    data = codec.encode(value)
    raw = json.loads(data)
    assert raw["event_id"] == str(EVENT_ID)
    assert isinstance(raw["happened_at"], str)
    decoded = codec.decode(data, StrictEvent)
    assert decoded == value
    assert isinstance(decoded.event_id, UUID)
    assert decoded.happened_at == WHEN


def test_strict_model_validate_from_python_values(codec: DtoCodec) -> None:
    # JSON semantics: a dict holding a datetime/UUID validates against a strict model.
    validated = codec.validate({"event_id": EVENT_ID, "happened_at": WHEN, "count": 1}, StrictEvent)
    assert validated == StrictEvent(event_id=EVENT_ID, happened_at=WHEN, count=1)


def test_strict_model_still_rejects_wrong_json_types(codec: DtoCodec) -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        codec.decode(
            json.dumps({"event_id": str(EVENT_ID), "happened_at": WHEN.isoformat(), "count": "1"}),
            StrictEvent,
        )
    assert "StrictEvent" in str(info.value)
    assert "count" in str(info.value)


def test_list_of_models_round_trip(codec: DtoCodec) -> None:
    items = [Item(sku="a", quantity=1), Item(sku="b", quantity=2)]
    data = codec.encode(items)
    assert json.loads(data) == [{"sku": "a", "quantity": 1}, {"sku": "b", "quantity": 2}]
    decoded = codec.decode(data, list[Item])
    assert decoded == items
    assert all(type(i) is Item for i in decoded)


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        (1, int),
        (1.5, float),
        ("text", str),
        (True, bool),
        (False, bool),
        (None, type(None)),
        ([1, 2, 3], list[int]),
        ({"a": 1, "b": 2}, dict[str, int]),
        ({"nested": {"x": [1, "two", None]}}, dict[str, Any]),
    ],
)
def test_primitive_round_trip(codec: DtoCodec, value: object, hint: object) -> None:
    data = codec.encode(value)
    assert json.loads(data) == value
    assert codec.decode(data, hint) == value


def test_encode_none_is_json_null(codec: DtoCodec) -> None:
    assert codec.encode(None) == b"null"
    assert codec.decode(b"null", None) is None


def test_decode_optional_model(codec: DtoCodec) -> None:
    assert codec.decode(b"null", Item | None) is None
    assert codec.decode(b'{"sku": "x", "quantity": 4}', Item | None) == Item(sku="x", quantity=4)


def test_decode_accepts_str_as_well_as_bytes(codec: DtoCodec) -> None:
    assert codec.decode('{"sku": "x", "quantity": 4}', Item) == Item(sku="x", quantity=4)


@pytest.mark.parametrize("hint", [None, Any, object])
def test_decode_without_type_gives_plain_json(codec: DtoCodec, hint: object) -> None:
    data = codec.encode(Customer(name="Ada", address=Address(street="s", city="c")))
    decoded = codec.decode(data, hint)
    assert type(decoded) is dict
    assert decoded == {"name": "Ada", "address": {"street": "s", "city": "c"}, "previous": []}


def test_decode_default_hint_is_plain_json(codec: DtoCodec) -> None:
    assert codec.decode(b'[1, {"a": null}]') == [1, {"a": None}]


def test_to_jsonable_gives_plain_values(codec: DtoCodec) -> None:
    assert codec.to_jsonable(Aliased(userName="u", orderCount=1)) == {"user_name": "u", "order_count": 1}
    assert codec.to_jsonable([Item(sku="a", quantity=1)]) == [{"sku": "a", "quantity": 1}]


def test_default_codec_is_a_dto_codec() -> None:
    assert isinstance(default_codec, DtoCodec)
    assert default_codec.decode(default_codec.encode(Item(sku="a", quantity=1)), Item) == Item(
        sku="a", quantity=1
    )


# --- errors ------------------------------------------------------------------------------------------


def test_invalid_data_names_type_and_field(codec: DtoCodec) -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        codec.decode(b'{"sku": "a", "quantity": "many"}', Item)
    message = str(info.value)
    assert "Item" in message
    assert "quantity" in message


def test_missing_nested_field_names_its_path(codec: DtoCodec) -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        codec.validate({"name": "Ada", "address": {"street": "s"}}, Customer)
    message = str(info.value)
    assert "Customer" in message
    assert "address.city" in message


def test_invalid_list_element_names_element_type_and_index(codec: DtoCodec) -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        codec.decode(b'[{"sku": "a", "quantity": 1}, {"sku": "b", "quantity": "x"}]', list[Item])
    message = str(info.value)
    assert "1.quantity" in message
    # The message must say *which* type failed: list[Item], not just "list".
    assert "list[Item]" in message


def test_invalid_optional_model_names_the_union(codec: DtoCodec) -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        codec.decode(b'{"sku": "a"}', Item | None)
    assert "Item | None" in str(info.value)
    assert "quantity" in str(info.value)


def test_type_name_in_message_keeps_literal_values_intact(codec: DtoCodec) -> None:
    # Shortening "pkg.module.Type" to "Type" must not rewrite values inside the hint.
    hint = Literal["example.com", "other.org"]
    with pytest.raises(InvalidArgumentsError) as info:
        codec.decode(b'"nowhere"', hint)
    message = str(info.value)
    assert "Literal['example.com', 'other.org']" in message


def test_invalid_alias_field_reported(codec: DtoCodec) -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        codec.decode(b'{"userName": "u", "orderCount": "lots"}', Aliased)
    assert "Aliased" in str(info.value)
    assert "orderCount" in str(info.value)


def test_invalid_json_raises_invalid_arguments(codec: DtoCodec) -> None:
    with pytest.raises(InvalidArgumentsError):
        codec.decode(b"{not json", None)
    with pytest.raises(InvalidArgumentsError):
        codec.decode(b"{not json", Item)


def test_invalid_arguments_error_is_a_value_error(codec: DtoCodec) -> None:
    with pytest.raises(ValueError, match="Invalid Item"):
        codec.decode(b'{"sku": 1}', Item)


def test_encode_unserializable_raises_invalid_arguments(codec: DtoCodec) -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        codec.encode(object())
    assert "object" in str(info.value)


# --- validate ----------------------------------------------------------------------------------------


def test_validate_same_class_instance_is_returned_unchanged(codec: DtoCodec) -> None:
    item = Item(sku="a", quantity=1)
    assert codec.validate(item, Item) is item


def test_validate_coerces_dict_into_model(codec: DtoCodec) -> None:
    validated = codec.validate({"sku": "a", "quantity": 1}, Item)
    assert type(validated) is Item
    assert validated == Item(sku="a", quantity=1)


def test_validate_look_alike_model_of_other_class(codec: DtoCodec) -> None:
    look_alike = ItemLookAlike(sku="a", quantity=5)
    assert not isinstance(look_alike, Item)
    validated = codec.validate(look_alike, Item)
    assert type(validated) is Item
    assert validated.sku == "a"
    assert validated.quantity == 5


def test_validate_strict_look_alike_model(codec: DtoCodec) -> None:
    look_alike = StrictEventLookAlike(event_id=EVENT_ID, happened_at=WHEN, count=3)
    validated = codec.validate(look_alike, StrictEvent)
    assert type(validated) is StrictEvent
    assert validated == StrictEvent(event_id=EVENT_ID, happened_at=WHEN, count=3)


def test_validate_list_of_look_alikes(codec: DtoCodec) -> None:
    validated = codec.validate([ItemLookAlike(sku="a", quantity=1)], list[Item])
    assert validated == [Item(sku="a", quantity=1)]
    assert type(validated[0]) is Item


def test_validate_look_alike_with_missing_field_fails(codec: DtoCodec) -> None:
    class Partial(BaseModel):
        sku: str

    with pytest.raises(InvalidArgumentsError) as info:
        codec.validate(Partial(sku="a"), Item)
    assert "Item" in str(info.value)
    assert "quantity" in str(info.value)


def test_validate_names_the_class_of_a_wrong_model(codec: DtoCodec) -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        codec.validate(Address(street="s", city="c"), Item)
    assert str(info.value) == (
        "Got an Address where Item is expected. Invalid Item: sku: Field required; quantity: Field required"
    )


def test_validate_of_plain_values_or_a_look_alike_names_no_class(codec: DtoCodec) -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        codec.validate({"sku": "a"}, Item)
    assert str(info.value) == "Invalid Item: quantity: Field required"

    # The same DTO as seen from the other side of the sandbox, say: another class of the same name.
    look_alike = type("Item", (BaseModel,), {"__annotations__": {"sku": str}})
    with pytest.raises(InvalidArgumentsError) as info:
        codec.validate(look_alike(sku="a"), Item)
    assert str(info.value) == "Invalid Item: quantity: Field required"


@pytest.mark.parametrize("hint", [None, Any, object])
def test_validate_with_any_hint_returns_value_untouched(codec: DtoCodec, hint: object) -> None:
    value = {"sku": "a", "extra": object()}
    assert codec.validate(value, hint) is value


def test_validate_primitive_conversion(codec: DtoCodec) -> None:
    assert codec.validate(3, float) == 3.0
    assert type(codec.validate(3, float)) is float
    with pytest.raises(InvalidArgumentsError):
        codec.validate("abc", int)


# --- adapter cache -----------------------------------------------------------------------------------


def test_adapter_is_cached(codec: DtoCodec) -> None:
    assert codec.adapter(list[Item]) is codec.adapter(list[Item])


def test_adapter_cache_is_bounded_lru() -> None:
    codec = DtoCodec(cache_size=2)
    a_int = codec.adapter(int)
    a_str = codec.adapter(str)
    assert codec.adapter(int) is a_int  # hit: int becomes most recently used
    codec.adapter(float)  # evicts the least recently used: str
    assert codec.adapter(int) is a_int
    assert codec.adapter(str) is not a_str  # was evicted, rebuilt
    assert len(codec._adapters) <= 2  # pyright: ignore[reportPrivateUsage]


def test_adapter_cache_never_exceeds_size() -> None:
    codec = DtoCodec(cache_size=3)
    hints: list[object] = [int, str, float, bool, list[int], dict[str, int], list[Item], Item | None]
    for hint in hints:
        codec.adapter(hint)
        assert len(codec._adapters) <= 3  # pyright: ignore[reportPrivateUsage]
    # Still decodes correctly after evictions.
    assert codec.decode(b"[1, 2]", list[int]) == [1, 2]


def test_adapter_for_unhashable_hint_works_without_cache(codec: DtoCodec) -> None:
    # Annotated metadata that is a list makes the hint unhashable: no caching, but it must work.
    hint = Annotated[int, annotated_types.Gt(0), ["unhashable metadata"]]
    with pytest.raises(TypeError):
        hash(hint)
    assert codec.decode(b"5", hint) == 5
    with pytest.raises(InvalidArgumentsError):
        codec.decode(b"-1", hint)
    assert len(codec._adapters) == 0  # pyright: ignore[reportPrivateUsage]

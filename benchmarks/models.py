"""DTOs shared by both variants: a small order/receipt pair and a nested invoice for the codec figure."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

__all__ = ["Address", "Blob", "Customer", "Invoice", "LineItem", "Order", "Receipt", "blob", "sample_invoice"]


class Order(BaseModel):
    order_id: str
    customer: str
    amount_cents: int


class Receipt(BaseModel):
    order_id: str
    status: str
    amount_cents: int


class Blob(BaseModel):
    """A payload of a chosen size, for the codec part of the scale figure."""

    blob_id: str
    data: str


def blob(blob_id: str, size: int) -> Blob:
    """A :class:`Blob` of about ``size`` bytes of JSON."""
    return Blob(blob_id=blob_id, data="x" * max(0, size - 40))


class Address(BaseModel):
    street: str
    city: str
    postal_code: str
    country: str


class Customer(BaseModel):
    customer_id: str
    name: str
    email: str
    address: Address


class LineItem(BaseModel):
    sku: str
    quantity: int
    unit_price_cents: int
    tags: list[str]


class Invoice(BaseModel):
    invoice_id: str
    customer: Customer
    items: list[LineItem]
    issued_at: datetime
    notes: str | None = None
    metadata: dict[str, str]


def sample_invoice(n_items: int = 10) -> Invoice:
    """A nested model of about 1 KB of JSON."""
    return Invoice(
        invoice_id="INV-2026-000123",
        customer=Customer(
            customer_id="C-42",
            name="Ada Lovelace",
            email="ada@example.com",
            address=Address(street="12 Analytical Row", city="London", postal_code="NW1", country="GB"),
        ),
        items=[
            LineItem(sku=f"SKU-{i:04d}", quantity=i + 1, unit_price_cents=199 * (i + 1), tags=["a", "b"])
            for i in range(n_items)
        ],
        issued_at=datetime(2026, 11, 1, 12, 30, tzinfo=UTC),
        notes="deliver to the back door",
        metadata={"channel": "web", "campaign": "autumn"},
    )

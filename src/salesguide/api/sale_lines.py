"""The lines of a sale (what is offered): read them, and replace them all at once with the sale's ``version``.

When a sale has lines its amount is their total. Quantities are read as a JSON number (``2.5``) or a decimal
string (``"2.50"``), and answered as a string with two decimals, so that no client loses a cent to floating
point.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from salesguide.api.auth import actor
from salesguide.api.errors import BODY, READ, WRITE, responses
from salesguide.api.fields import PathId, ShortText
from salesguide.api.sales_schemas import Version
from salesguide.api.schemas import InSchema
from salesguide.domain.errors import gettext_noop
from salesguide.domain.sale_lines import DESCRIPTION_MAX_LENGTH, MAX_LINES, MAX_UNIT_PRICE
from salesguide.models import Sale
from salesguide.queries import sale_lines as queries
from salesguide.queries.sale_lines import LineRow
from salesguide.services import lists
from salesguide.services import sale_lines as service

router = Router(tags=["Sales"])

_QUANTITY_TEXT = r"^[0-9]+(\.[0-9]{1,2})?$"


def _number_or_text(value: object) -> object:
    # The rules (domain.sale_lines) read the number; here only what cannot be one is refused, with one message.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("salesguide_quantity", gettext_noop("Enter a quantity such as 1, 2.5 or 12.75."))
    return value


Quantity = Annotated[
    int | float | str,
    BeforeValidator(_number_or_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": 9999999999.99},
                {"type": "string", "pattern": _QUANTITY_TEXT},
            ],
            "description": 'More than 0, at most two decimals: a number (2.5) or a string ("2.50").',
        }
    ),
]
UnitPrice = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_UNIT_PRICE})]
Description = Annotated[
    ShortText, WithJsonSchema({"type": "string", "minLength": 1, "maxLength": DESCRIPTION_MAX_LENGTH})
]


class SaleLineIn(InSchema):
    description: Description
    quantity: Quantity
    unit_price: UnitPrice = Field(description="In minor units (cents) of the sale's currency.")


class SaleLinesIn(InSchema):
    version: Version = Field(description="The `version` you read; if the sale changed since, the answer is 409.")
    lines: list[SaleLineIn] = Field(
        description=f"Every line, in order (at most {MAX_LINES}); an empty list removes them all.",
        json_schema_extra={"maxItems": MAX_LINES},
    )


class SaleLineOut(Schema):
    id: int
    description: str
    quantity: str = Field(description='A decimal with two decimals, as a string ("2.50").', pattern=_QUANTITY_TEXT)
    unit_price: int = Field(description="In minor units (cents).")
    total: int = Field(description="Quantity × unit price, rounded half up to the cent.")


class SaleLinesOut(Schema):
    lines: list[SaleLineOut]
    amount: int = Field(description="The sale's amount in minor units: the lines' total when there are lines.")
    currency: str
    version: int = Field(description="The sale's version, to send with the next change.")


def _quantity_text(quantity: Decimal) -> str:
    return format(Decimal(quantity).quantize(Decimal("0.01")), "f")


def _line_out(line: LineRow) -> dict[str, Any]:
    return {
        "id": line.id,
        "description": line.description,
        "quantity": _quantity_text(line.quantity),
        "unit_price": line.unit_price,
        "total": line.total,
    }


def load_sale_lines(sale_id: int) -> dict[str, Any]:
    found = queries.sale_lines(sale_id)
    if found is None:
        raise lists.not_found(Sale, sale_id)
    return {
        "lines": [_line_out(line) for line in found.lines],
        "amount": found.amount,
        "currency": found.currency,
        "version": found.version,
    }


@router.get(
    "/sales/{int:id}/lines",
    response=responses({200: SaleLinesOut}, *READ, 404),
    summary="The lines of a sale",
    description="What is offered, in order, with each line's total; the amount is their total when there are lines.",
)
def sale_lines(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return load_sale_lines(id)


@router.put(
    "/sales/{int:id}/lines",
    response=responses({200: SaleLinesOut}, *WRITE, *BODY, 404, 409),
    summary="Replace the lines of a sale",
    description=(
        "Send the `version` you read and every line in order: all of them are stored or, when one is wrong, "
        'none (422 names each problem, e.g. `["body", "lines", 2, "quantity"]`). With lines the sale\'s '
        "amount becomes their total and can no longer be changed by itself (PATCH with another `amount` → 422); "
        "an empty list removes the lines and keeps the amount. A stale `version` → 409; only the owner or a "
        "manager → else 403."
    ),
)
def replace_sale_lines(request: HttpRequest, id: PathId, payload: SaleLinesIn) -> dict[str, Any]:
    lines = [line.model_dump() for line in payload.lines]
    service.replace_sale_lines(actor(request), id, lines, version=payload.version)
    return load_sale_lines(id)

"""The editable fields of a sale, checked as every door sends them (SPEC 3.1, issue 9 item 12): the problems a
create or an update refuses with 422, all at once and without writing, and the warnings that do not stop a save.
``services.sales`` raises them; forms and the API ask for them too, to show every problem together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from salesguide.domain import money, selling
from salesguide.domain.catalog import raise_if_problems
from salesguide.domain.errors import FieldProblem, Message, gettext_noop
from salesguide.domain.names import unsafe_name_character
from salesguide.domain.sale_dates import expected_date_warnings
from salesguide.models import Company, Contact, Sale, User
from salesguide.services.clock import today_for

_UNSET: Any = object()
TITLE_MAX = 200


def field_problems(fields: dict[str, Any]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if "title" in fields:
        title = fields["title"]
        if not isinstance(title, str) or not title.strip():
            problems.append(FieldProblem(("title",), Message(gettext_noop("A title is required."))))
        elif len(title.strip()) > TITLE_MAX:
            problems.append(
                FieldProblem(("title",), Message(gettext_noop("At most %(max)d characters."), {"max": TITLE_MAX}))
            )
        elif (unsafe := unsafe_name_character(title)) is not None:
            problems.append(FieldProblem(("title",), unsafe))
    if "amount" in fields:
        amount = fields["amount"]
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= 10**15:
            message = Message(gettext_noop("The amount must be a whole number of cents, 0 or more."))
            problems.append(FieldProblem(("amount",), message))
    if "currency" in fields:
        problems.extend(money.currency_problems(currency_or_default(fields["currency"])))
    expected = fields.get("expected_date")
    if expected is not None and not isinstance(expected, dt.date):
        problems.append(FieldProblem(("expected_date",), Message(gettext_noop("Enter a valid date."))))
    if "description" in fields and not isinstance(fields["description"] or "", str):
        problems.append(FieldProblem(("description",), Message(gettext_noop("This must be text."))))
    return problems


def currency_or_default(currency: Any) -> Any:
    """No currency (left out, or an empty field) is the installation's; anything else is checked as given."""
    return settings.DEFAULT_CURRENCY if currency is None or currency == "" else currency


def _amount_apart_from_lines_problems(sale: Sale, amount: Any) -> list[FieldProblem]:
    """When a sale has lines its amount is their total (services/sale_lines.py): typing another is refused,
    next to the amount field, so the form that sent it shows why."""
    if amount is not None and amount != sale.amount and sale.lines.exists():
        return [
            FieldProblem(
                ("amount",),
                Message(
                    gettext_noop(
                        "This sale has lines, so its amount is their total. Change the lines to change the amount, "
                        "or remove every line to type the amount yourself."
                    )
                ),
            )
        ]
    return []


def refuse_amount_apart_from_lines(sale: Sale, amount: int | None) -> None:
    raise_if_problems(_amount_apart_from_lines_problems(sale, amount))


def _contact_problems(fields: Mapping[str, Any], sale: Sale | None) -> list[FieldProblem]:
    """A contact must work at the sale's company (or at none). Unknown ids are left to the write (404)."""
    if sale is not None and "contact_id" not in fields and "company_id" not in fields:
        return []
    company_id = fields.get("company_id", sale.company_id if sale is not None else None)
    contact_id = fields.get("contact_id", sale.contact_id if sale is not None else None)
    if not isinstance(company_id, int) or not isinstance(contact_id, int):
        return []
    works_at = Contact.objects.filter(pk=contact_id).values_list("company_id", flat=True).first()
    if works_at is None or works_at == company_id or not Company.objects.filter(pk=company_id).exists():
        return []
    return [FieldProblem(("contact_id",), Message(gettext_noop("This contact works at another company.")))]


def sale_problems(fields: Mapping[str, Any], *, sale: Sale | None = None) -> list[FieldProblem]:
    """Every problem ``create_sale`` (without ``sale``) or ``update_sale`` (with the sale and only the fields
    that change) refuses with 422, all at once and without writing. The writes raise these; a form whose other
    fields did not parse asks for them, so it shows every problem together (issue 9, item 12)."""
    problems = field_problems(dict(fields))
    if "probability" in fields:
        problems += selling.probability_problems(fields["probability"])
    if sale is not None and "amount" in fields:
        problems += _amount_apart_from_lines_problems(sale, fields["amount"])
    return problems + _contact_problems(fields, sale)


def sale_warnings(
    actor: User, sale: Sale | None = None, *, expected_date: dt.date | None | Any = _UNSET
) -> list[FieldProblem]:
    """What deserves a warning but does not stop a save: an open sale expected to close before today, in the
    actor's time zone. For a saved ``sale``, or for the ``expected_date`` typed on a form (of ``sale``, or of a new
    sale when there is none)."""
    if expected_date is _UNSET:
        expected_date = sale.expected_date if sale is not None else None
    status = sale.status if sale is not None else selling.SaleStatus.OPEN
    return expected_date_warnings(expected_date, today_for(actor), status)

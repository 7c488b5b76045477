"""The same first next step through every door that shows one (SPEC 6.1, issue 12): for the same sale, the API's
``GET /sales/{id}/next-steps``, the sale card's Next steps panel and the salesperson's home name the same step,
with the same words, in English and in Dutch."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.aging_helpers import entered_stage_at
from tests.api.test_sale_guide_api import _build_guide

from salesguide.models import Sale
from salesguide.services import accounts, activities, sale_types, sales

pytestmark = pytest.mark.django_db


def _new(seller: Any, guide: Any, admin: Any) -> Sale:
    return sales.create_sale(seller, title="New deal", sale_type_id=guide.sale_type.pk)


def _overdue(seller: Any, guide: Any, admin: Any) -> Sale:
    sale = sales.create_sale(seller, title="Late deal", sale_type_id=guide.sale_type.pk)
    start = dt.datetime(2020, 3, 3, 12, 0, tzinfo=dt.UTC)
    activities.create_activity(seller, activity_type_id=guide.call.pk, title="Call Anna", start=start, sale_id=sale.pk)
    return sale


def _too_long(seller: Any, guide: Any, admin: Any) -> Sale:
    sale_types.set_expected_days(admin, guide.sale_type.pk, guide.stages[0].pk, 7)
    sale = sales.create_sale(seller, title="Waiting deal", sale_type_id=guide.sale_type.pk)
    later = timezone.now() + dt.timedelta(days=3)
    activities.create_activity(seller, activity_type_id=guide.call.pk, title="Call later", start=later, sale_id=sale.pk)
    entered_stage_at(sale.pk, timezone.now() - dt.timedelta(days=12))
    return sale


def _words(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def _first_step(markup: str, section: str) -> tuple[str, str]:
    """The kind and the words of the first step in a section of a page (the card's panel, the home's list)."""
    part = re.search(section + r".*?</section>", markup, flags=re.S)
    assert part is not None
    found = re.search(r'data-next-step="([a-z_]+)">(.*?)</li>', part.group(0), flags=re.S)
    assert found is not None
    return found.group(1), _words(found.group(2))


@pytest.mark.parametrize("situation", [_new, _overdue, _too_long], ids=["new", "overdue", "too_long"])
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_api_the_card_and_the_home_name_the_same_first_step_of_a_sale(
    admin_user: Any, make_user: Callable[..., Any], situation: Callable[..., Sale], language: str
) -> None:
    # Given a salesperson with one open sale in the situation, reading in the language
    seller = make_user("seller", "salesperson", language=language)
    guide = _build_guide(admin_user, auto_advance=False)
    sale = situation(seller, guide, admin_user)
    token = accounts.create_token(seller, "tests")[1]
    api = Client(headers={"Authorization": f"Bearer {token}", "Accept-Language": language})
    web = Client()
    web.force_login(seller)

    # When the API, the card and the home are asked
    first = api.get(f"/api/v1/sales/{sale.pk}/next-steps").json()[0]
    card = _first_step(web.get(f"/sales/{sale.pk}/").content.decode(), r'<section id="next-steps"')
    home = _first_step(web.get("/").content.decode(), r'aria-labelledby="next-steps-title"')

    # Then all three name the same step with the same words
    assert card[0] == home[0] == first["kind"]
    for words in (card[1], home[1]):
        assert first["text"] in words and first["reason"] in words

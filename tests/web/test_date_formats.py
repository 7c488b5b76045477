"""One way of writing a date per language, on every page that shows one (issue 9, item 14): the sale list, the
card and its tabs, the guide and the print view once showed "6-12-2026" beside "6 februari 2027". Dutch now
writes "6 dec 2026", English "6 Dec 2026", with the time as "10:00" where there is one. Date fields keep the
ISO form the browser's date picker needs."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import formats, translation

from salesguide.models import ActivityType, SaleType, User
from salesguide.services import activities, sales
from salesguide.services.starter import load_starter_guides

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EXPECTED = dt.date(2027, 2, 6)
NEXT_CALL = dt.datetime(2026, 12, 6, 10, 0, tzinfo=AMSTERDAM)

# What each language writes, and what it must no longer write anywhere on a page.
WRITTEN = {
    "nl": {"date": "6 feb 2027", "datetime": "6 dec 2026 10:00", "next_day": "6 dec 2026"},
    "en": {"date": "6 Feb 2027", "datetime": "6 Dec 2026 10:00", "next_day": "6 Dec 2026"},
}
OTHER_WAYS = [
    re.compile(r"\b\d{1,2}[-/]\d{1,2}[-/]\d{2,4}\b"),  # 6-12-2026, 12/6/2026
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # 2026-12-06 (fine in a date field, not in text)
    re.compile(r"\b\d{1,2} (januari|februari|maart|april|juni|juli|augustus|september|oktober|november|december)\b"),
    re.compile(r"\b(January|February|March|April|June|July|August|September|October|November|December) \d"),
    re.compile(r"\b(Jan|Feb|Dec)\. \d"),  # Django's English default "Feb. 6, 2027"
    re.compile(r"\b\d{1,2}:\d{2} ?[ap]\.?m\.?", re.I),
]

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "salesguide" / "web" / "templates"
SOURCE = Path(__file__).resolve().parents[2] / "src" / "salesguide"


def text_of(response: Any) -> str:
    """The page as a reader sees it: tags dropped (so no input values), entities read, whitespace collapsed."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


@pytest.fixture(params=["nl", "en"])
def seller(request: Any, make_user: Any) -> tuple[User, Client, str]:
    language = request.param
    load_starter_guides(language)
    user = make_user("datum", "admin", language=language)
    client = Client()
    client.force_login(user)
    return user, client, language


def _sale_with_a_call(user: User) -> int:
    sale_type = SaleType.objects.filter(deleted=False, has_guide=True).order_by("rank").first()
    assert sale_type is not None
    sale = sales.create_sale(user, title="Kantoorinrichting", sale_type_id=sale_type.pk, expected_date=EXPECTED)
    call = ActivityType.objects.filter(deleted=False).order_by("rank").first()
    assert call is not None
    activities.create_activity(user, activity_type_id=call.pk, title="Bellen", start=NEXT_CALL, sale_id=sale.pk)
    return sale.pk


def test_every_page_writes_dates_the_one_way_of_the_users_language(seller: tuple[User, Client, str]) -> None:
    # Given a sale expected on 6 February 2027 with a call on 6 December 2026 at 10:00
    user, client, language = seller
    sale_id = _sale_with_a_call(user)
    written = WRITTEN[language]

    # when the user opens the list, the card and each of its tabs, the guide and the print view
    pages = {
        path: text_of(client.get(path))
        for path in [
            "/sales/",
            f"/sales/{sale_id}/",
            f"/sales/{sale_id}/?tab=activities",
            f"/sales/{sale_id}/?tab=history",
            f"/sales/{sale_id}/guide/",
            f"/sales/{sale_id}/print/",
        ]
    }

    # then the dates are written one way: the list gives the day, the card and print the date and time
    assert written["next_day"] in pages["/sales/"]
    assert written["date"] in pages[f"/sales/{sale_id}/"] and written["datetime"] in pages[f"/sales/{sale_id}/"]
    assert written["datetime"] in pages[f"/sales/{sale_id}/?tab=activities"]
    assert written["date"] in pages[f"/sales/{sale_id}/print/"]
    assert written["datetime"] in pages[f"/sales/{sale_id}/print/"]
    # and no page writes a date any other way
    for path, text in pages.items():
        for other in OTHER_WAYS:
            found = other.search(text)
            assert found is None, (
                f"{path} writes {found.group(0)!r}: …{text[max(0, found.start() - 60) : found.end() + 20]}…"
            )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_long_and_short_formats_of_a_language_are_the_same(language: str) -> None:
    # Every template names a format ("DATE_FORMAT", "SHORT_DATE_FORMAT", ...): they must not differ.
    with translation.override(language):
        date = formats.get_format("DATE_FORMAT")
        assert formats.get_format("SHORT_DATE_FORMAT") == date
        time = formats.get_format("TIME_FORMAT")
        assert formats.get_format("DATETIME_FORMAT") == formats.get_format("SHORT_DATETIME_FORMAT") == f"{date} {time}"


def test_templates_and_views_format_dates_only_through_the_named_formats() -> None:
    # A pattern written into a template or a view ("d-m-Y", strftime) would be a second way of writing a date.
    own_patterns = []
    for path in TEMPLATES.rglob("*.html"):
        for found in re.finditer(r"\|(date|time):\"([^\"]*)\"", path.read_text()):
            if not found.group(2).endswith("_FORMAT"):
                own_patterns.append(f"{path.relative_to(TEMPLATES)}: {found.group(0)}")
    for path in (SOURCE / "web").rglob("*.py"):
        code = path.read_text()
        own_patterns += [f"{path.relative_to(SOURCE)}: strftime" for _ in re.finditer(r"\.strftime\(", code)]
        for line in code.splitlines():
            if re.search(r"\b(date|time)_format\(", line) and not re.search(r"[\"'][A-Z_]+_FORMAT[\"']", line):
                own_patterns.append(f"{path.relative_to(SOURCE)}: {line.strip()}")
    assert not own_patterns, "\n".join(own_patterns)

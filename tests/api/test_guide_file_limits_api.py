"""A guide file of 700,000 stages through the API (issue 9, item 23): 422 within a second or two, with the line of
the first stage too many, and nothing imported."""

from __future__ import annotations

import time

import pytest

from salesguide.models import SaleType, Stage

pytestmark = pytest.mark.django_db


def test_a_guide_file_of_700000_stages_is_answered_422_quickly_with_its_line(api):
    # Given a 19 MB file, within the size limit
    text = "salesguide_guide: 1\nsale_type:\n  name: Huge\nstages:\n" + "- {name: s, probability: 1}\n" * 700_000
    assert api.get("health").status_code == 200  # the first request loads the API: not measured

    # When
    started = time.monotonic()
    response = api.post("guides/import", text, content_type="application/yaml")
    seconds = time.monotonic() - started

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "stages"], "msg": "line 55: A guide file holds at most 50 stages."}
    ]
    assert seconds < 2
    assert SaleType.objects.count() == 0 and Stage.objects.count() == 0

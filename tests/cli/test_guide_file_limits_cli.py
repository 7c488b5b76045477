"""``salesguide guide import`` of a guide file of 700,000 stages (issue 9, item 23): the same message as the web
and the API, within a second or two, and nothing imported."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import CommandError, call_command

from salesguide.models import SaleType, Stage

pytestmark = pytest.mark.django_db


def test_guide_import_of_700000_stages_fails_quickly_with_the_line_of_the_first_stage_too_many(tmp_path):
    # Given
    source = tmp_path / "huge.yaml"
    source.write_text(
        "salesguide_guide: 1\nsale_type:\n  name: Huge\nstages:\n" + "- {name: s, probability: 1}\n" * 700_000,
        encoding="utf-8",
    )
    err = io.StringIO()

    # When
    started = time.monotonic()
    with pytest.raises(CommandError) as failed:
        call_command("guide", "import", str(source), stdout=io.StringIO(), stderr=err)

    # Then
    assert str(failed.value) == "The guide was not imported: 1 problem."
    assert err.getvalue().splitlines() == ["line 55: A guide file holds at most 50 stages. (stages)"]
    assert time.monotonic() - started < 2
    assert SaleType.objects.count() == 0 and Stage.objects.count() == 0

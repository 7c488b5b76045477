"""A guide file that holds far more than any guide (issue 9, item 23): refused within a second, at the line of the
first item over the limit, before its items are built, and nothing is imported."""

from __future__ import annotations

import time

import pytest

from salesguide.domain.errors import ValidationFailed
from salesguide.models import SaleType, Stage
from salesguide.services.guide_files import MAX_FILE_BYTES, check_guide_file, import_guide

pytestmark = pytest.mark.django_db

HEAD = "salesguide_guide: 1\nsale_type:\n  name: Huge\nstages:\n"


def huge_guide(stage_count: int = 700_000) -> str:
    """A file of ``stage_count`` stages, each a line of its own (about 19 MB for 700,000)."""
    return HEAD + "- {name: s, probability: 1}\n" * stage_count


def rendered(error: ValidationFailed) -> list[str]:
    return [problem.message.render() for problem in error.problems]


def test_a_nineteen_megabyte_file_of_700000_stages_is_refused_within_a_second(admin_user):
    # Given
    text = huge_guide()
    assert 18 * 1024 * 1024 < len(text) <= MAX_FILE_BYTES

    # When
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as refused:
        import_guide(admin_user, text)
    seconds = time.monotonic() - started

    # Then: refused at the 51st stage, on its line (the stages start on line 5)
    assert rendered(refused.value) == ["line 55: A guide file holds at most 50 stages."]
    assert refused.value.problems[0].loc == ("stages",)
    assert seconds < 1.5
    assert SaleType.objects.count() == 0 and Stage.objects.count() == 0


def test_the_same_file_as_bytes_is_refused_as_quickly(admin_user):
    text = huge_guide().encode()

    started = time.monotonic()
    with pytest.raises(ValidationFailed):
        import_guide(admin_user, text)

    assert time.monotonic() - started < 1.5


def test_a_stage_with_too_many_follow_ups_is_refused_at_the_first_one_too_many():
    # Given
    followups = "".join(f"  - {{name: Call {n}, activity_type: Call}}\n" for n in range(60))
    text = HEAD + "- name: Lead\n  probability: 10\n- name: Offer\n  probability: 50\n  followups:\n" + followups

    # When
    with pytest.raises(ValidationFailed) as refused:
        check_guide_file(text)

    # Then: the 51st follow-up is on line 10 + 50
    assert rendered(refused.value) == ["line 60: A stage holds at most 50 suggested follow-ups."]
    assert refused.value.problems[0].loc == ("stages", 1, "followups")


def test_a_file_of_too_many_entries_anywhere_is_refused_within_two_seconds():
    # Given an unknown key holding 150,000 items: no limit of a list of the format applies
    text = HEAD + "- {name: Lead, probability: 10}\n- {name: Offer, probability: 50}\nextra:\n" + "- x\n" * 150_000

    # When
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as refused:
        check_guide_file(text)

    # Then
    assert rendered(refused.value)[0].endswith(
        "The file holds too many entries (at most 100000 keys, values and list items)."
    )
    assert time.monotonic() - started < 2


def test_a_guide_within_the_limits_is_still_checked_as_before():
    text = HEAD + "".join(f"- {{name: S{n}, probability: 1}}\n" for n in range(50))

    guide, plan = check_guide_file(text)

    assert len(guide.stages) == 50 and plan.ok

"""A model's choices and the domain's enum name the same values (issue 8): a value added on one side only would
be stored but never understood by the rules, or understood but refused by the column."""

from __future__ import annotations

from enum import StrEnum

import pytest
from django.db import models

from salesguide import models as db
from salesguide.domain import catalog, exit_criteria, selling


@pytest.mark.parametrize(
    ("choices", "enum"),
    [
        (db.SaleStatus, selling.SaleStatus),
        (db.DurationUnit, catalog.DurationUnit),
        (db.ProbabilityPolicy, catalog.ProbabilityPolicy),
        (db.ActivityKind, catalog.ActivityKind),
        (db.DocumentKind, catalog.DocumentKind),
        (db.ReasonKind, catalog.ReasonKind),
        (db.ExitCriteria, exit_criteria.ExitMode),
    ],
    ids=lambda value: value.__name__,
)
def test_a_models_choices_are_the_domains_values_in_the_same_order(
    choices: type[models.TextChoices], enum: type[StrEnum]
) -> None:
    assert list(choices.values) == [member.value for member in enum]


def test_every_kind_of_history_row_fits_its_column() -> None:
    column = db.StageChange._meta.get_field("kind")
    assert max(len(kind.value) for kind in selling.ChangeKind) <= column.max_length

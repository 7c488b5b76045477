"""A report page's filters: sale type, whose sales (me, everyone, one person), the period and the grouping.

What the form shows selected is what the report counts: without an owner in the link a salesperson sees
"Me" and a manager "Everyone" (``report_scope.sees_everyone_by_default``); a report per sale type starts at
the first sale type. A value the form does not understand is left out (the report then uses its default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from salesguide.models import User
from salesguide.queries.report_scope import sees_everyone_by_default
from salesguide.queries.reports.catalogue import ReportSpec
from salesguide.web.activities.forms import user_label

ME, EVERYONE = "me", "all"


@dataclass(frozen=True)
class ReportChoice:
    """The filters as ``catalogue.run_report`` takes them, and as the form shows them."""

    sale_type: int | None
    owner: int | None
    team: bool
    date_from: dt.date | None
    date_to: dt.date | None
    group: str | None
    owner_value: str  # "me", "all" or a user's id: the option shown selected


class ReportFilterForm(forms.Form):
    sale_type = forms.TypedChoiceField(label="", required=False, coerce=int, empty_value=None)
    owner = forms.ChoiceField(label="", required=False)
    date_from = forms.DateField(label="", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label="", required=False)

    def __init__(
        self,
        data: Any,
        *,
        spec: ReportSpec,
        viewer: User,
        sale_types: list[tuple[int, str]],
        owners: list[User],
    ) -> None:
        super().__init__(data)
        self.spec = spec
        self.viewer = viewer
        every = [] if spec.needs_sale_type else [("", _("Every sale type"))]
        self.fields["sale_type"].choices = [*every, *sale_types]  # type: ignore[attr-defined]
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (ME, _("Me")),
            (EVERYONE, _("Everyone")),
            *((str(user.pk), user_label(user)) for user in owners),
        ]
        self.fields["group"].choices = [(value, _(label)) for value, label in spec.groups]  # type: ignore[attr-defined]
        self.default_sale_type = sale_types[0][0] if spec.needs_sale_type and sale_types else None

    def _value(self, name: str) -> Any:
        # Each field on its own: one that does not parse falls back to its default, the others still count.
        return self.cleaned_data.get(name) if name not in self.errors else None

    def choice(self) -> ReportChoice:
        self.is_valid()
        owner_value = self._value("owner") or (EVERYONE if sees_everyone_by_default(self.viewer) else ME)
        owner: int | None = None
        if owner_value == ME:
            owner = self.viewer.pk
        elif owner_value != EVERYONE:
            owner = int(owner_value)
        sale_type = self._value("sale_type") or self.default_sale_type
        return ReportChoice(
            sale_type=sale_type,
            owner=owner,
            team=owner_value == EVERYONE,
            date_from=self._value("date_from"),
            date_to=self._value("date_to"),
            group=self._value("group") or (self.spec.groups[0][0] if self.spec.groups else None),
            owner_value=owner_value,
        )

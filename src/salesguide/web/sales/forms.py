"""Forms for sales: create, edit, close (sold, lost, stalled) and the list's filters.

They only parse input. Rules (a title is required, a probability from 0 to 100, a re-open date after today,
the right kind of reason, ...) live in the services, whose messages land next to the field through
``add_to_form``; browser hints (``required``, ``maxlength``) are attributes only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesguide.domain.exit_criteria import OVERRIDE_REASON_MAX
from salesguide.models import (
    Company,
    Competitor,
    Contact,
    Reason,
    ReasonKind,
    Sale,
    SaleStatus,
    SaleType,
    User,
)
from salesguide.queries.customers import company_choices
from salesguide.queries.guides import live_stages
from salesguide.services.permissions import allowed_actions, may_choose_owner
from salesguide.web.activities.forms import OwnerChoiceField, active_users, user_label
from salesguide.web.sales.money import AmountError, amount_for_input, parse_localized_amount

# The services name fields after the model; these forms call the foreign keys without ``_id``.
SALE_FIELD_ALIASES = {
    "sale_type_id": "sale_type",
    "company_id": "company",
    "contact_id": "contact",
    "owner_id": "owner",
    "stage_id": "stage",
    "reason_id": "reason",
    "competitor_id": "competitor",
}
CHOICES_LIMIT = 50

_AMOUNT_ERRORS = {
    "format": _("Enter an amount such as 1250,50 or 1250.50."),
    "decimals": _("Use at most two decimals."),
    "negative": _("The amount cannot be negative."),
}


class AmountField(forms.Field):
    """An amount typed in the user's language, cleaned to minor units (cents)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> int | None:
        if value is None or isinstance(value, int):
            return value
        try:
            return parse_localized_amount(str(value))
        except AmountError as error:
            raise ValidationError(_AMOUNT_ERRORS[error.reason], code=error.reason) from None

    def prepare_value(self, value: Any) -> Any:
        return amount_for_input(value) if isinstance(value, int) else value


def _date_widget(**attrs: Any) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=_date_widget(),
        error_messages={"invalid": _("Enter a valid date.")},
        **kwargs,
    )


# The largest id a database column holds (64-bit): anything above is no id at all.
ID_MAX = 2**63 - 1


class SaleForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        widget=forms.TextInput(attrs={"required": True, "maxlength": 200, "autocomplete": "off"}),
    )
    sale_type = forms.ModelChoiceField(
        label=_("Sale type"),
        queryset=SaleType.objects.none(),
        empty_label=_("Choose a sale type"),
        widget=forms.Select(attrs={"required": True}),
        help_text=_("The sale starts in the first stage of its type, with that stage's probability."),
        error_messages={
            "required": _("Choose a sale type."),
            "invalid_choice": _("Choose one of the sale types in the list."),
        },
    )
    # Selects whose options the view fills (the companies matching a search, the contacts of the company):
    # there may be too many to list them all.
    company = forms.IntegerField(
        label=_("Company"),
        required=False,
        min_value=1,
        max_value=ID_MAX,
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("sales:contact_options"),
                "hx-target": "#id_contact",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        ),
    )
    contact = forms.IntegerField(label=_("Contact"), required=False, min_value=1, max_value=ID_MAX, widget=forms.Select)
    owner = OwnerChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose the owner of the sale."),
            "invalid_choice": _("Choose one of the users in the list."),
        },
    )
    amount = AmountField(label=_("Amount"), required=False)
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 3, "autocomplete": "off", "size": 4}),
        help_text=_("A three-letter code, such as EUR."),
    )
    expected_date = _date_field(_("Expected date"), help_text=_("Empty: today plus the sale type's duration."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, actor: User, sale: Sale | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        type_field = self.fields["sale_type"]
        assert isinstance(type_field, forms.ModelChoiceField)
        current_type = sale.sale_type_id if sale is not None else 0
        type_field.queryset = SaleType.objects.filter(Q(deleted=False) | Q(pk=current_type)).order_by(
            "rank", "name", "id"
        )
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = active_users()
        if not may_choose_owner(actor):
            owner_field.disabled = True
            owner_field.help_text = _("Only a manager can hand a sale to someone else.")
        company_id = self._chosen("company", sale.company_id if sale else None)
        self.fields["company"].widget.choices = company_options(company_id)
        contact_id = self._chosen("contact", sale.contact_id if sale else None)
        self.fields["contact"].widget.choices = contact_options(company_id, contact_id)

    def _chosen(self, name: str, current: int | None) -> int | None:
        """The id the user picked (when the form is posted) or the one stored, for filling the select."""
        raw = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name, current)
        try:
            number = int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None
        # An id no database column holds would fail the query that fills the select (a 500).
        return number if number is not None and 0 < number <= ID_MAX else None

    def clean_currency(self) -> str:
        # Passed on as typed: the sale services normalise it (``eur`` is EUR) and refuse what is not ISO 4217,
        # the same for every door; empty is the installation's currency.
        return self.cleaned_data.get("currency") or ""

    def clean_company(self) -> int | None:
        company_id = self.cleaned_data.get("company")
        if company_id is not None and not Company.objects.filter(pk=company_id).exists():
            raise ValidationError(_("This company no longer exists; choose another one."))
        return company_id

    def clean_contact(self) -> int | None:
        contact_id = self.cleaned_data.get("contact")
        if contact_id is not None and not Contact.objects.filter(pk=contact_id).exists():
            raise ValidationError(_("This contact no longer exists; choose another one."))
        return contact_id

    def service_fields(self) -> dict[str, Any]:
        """The fields as the sale services name them."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "title": data.get("title") or "",
            "sale_type_id": data["sale_type"].pk if data.get("sale_type") else None,
            "company_id": data.get("company"),
            "contact_id": data.get("contact"),
            "amount": data.get("amount") or 0,
            "currency": data.get("currency") or None,
            "expected_date": data.get("expected_date"),
            "description": data.get("description") or "",
        }
        if not self.fields["owner"].disabled and data.get("owner") is not None:
            fields["owner_id"] = data["owner"].pk
        return fields


def company_options(selected_id: int | None, q: str | None = None) -> list[tuple[Any, str]]:
    """The companies matching ``q`` (the first ones by name), the chosen one first."""
    return [("", "—"), *((c.pk, c.name) for c in company_choices(q, selected_id=selected_id, limit=CHOICES_LIMIT))]


def contact_options(company_id: int | None, selected_id: int | None) -> list[tuple[Any, str]]:
    """The contacts of the chosen company (or, without one, the first contacts by name), the chosen one first."""
    people = Contact.objects.select_related("company").order_by("last_name", "first_name", "id")
    if company_id is not None:
        people = people.filter(company_id=company_id)
    found = list(people[:CHOICES_LIMIT])
    if selected_id is not None and all(p.pk != selected_id for p in found):
        chosen = Contact.objects.select_related("company").filter(pk=selected_id).first()
        if chosen is not None:
            found.insert(0, chosen)

    def label(person: Contact) -> str:
        if company_id is None and person.company is not None:
            return f"{person.full_name} ({person.company.name})"
        return person.full_name

    return [("", "—"), *((p.pk, label(p)) for p in found)]


def stage_choices(sale_type_id: int | None) -> list[tuple[Any, str]]:
    """The live stages of a sale type in order, labelled with their probability (the stage select)."""
    if sale_type_id is None:
        return []
    return [(stage.stage_id, f"{stage.name} ({stage.probability}%)") for stage in live_stages(sale_type_id)]


class VersionedForm(forms.Form):
    """A form that changes a sale carries the version it was read at, so a change made meanwhile is noticed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("version") is None:
            raise ValidationError(_("This form is out of date. Reload the page and try again."))
        return data


class SaleEditForm(VersionedForm, SaleForm):
    stage = forms.TypedChoiceField(
        label=_("Stage"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the stages of this sale type.")},
    )
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        required=False,
        error_messages={"invalid": _("Enter a whole number from 0 to 100.")},
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
    )

    field_order = [
        "title",
        "sale_type",
        "stage",
        "probability",
        "company",
        "contact",
        "owner",
        "amount",
        "currency",
        "expected_date",
        "description",
    ]

    def __init__(self, *args: Any, actor: User, sale: Sale, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, sale=sale, **kwargs)
        type_field = self.fields["sale_type"]
        type_field.help_text = _(
            "Changing the sale type moves the sale to the stage chosen beside it (the new type's first stage "
            "unless you pick another). Activities and documents are kept."
        )
        # Choosing another type swaps the stage options for the new type's (htmx), so what the user picks
        # beside the type is what the sale gets (SPEC 3.9).
        type_field.widget.attrs.update(
            {
                "hx-get": reverse_lazy("sales:stage_options"),
                "hx-target": "#id_stage",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
                "hx-include": "#id_stage",
            }
        )
        stage_field = self.fields["stage"]
        assert isinstance(stage_field, forms.TypedChoiceField)
        posted_type = self._chosen("sale_type", sale.sale_type_id) if self.is_bound else sale.sale_type_id
        choices = stage_choices(posted_type or sale.sale_type_id)
        if sale.stage_id is not None and all(value != sale.stage_id for value, _label in choices):
            # The stored stage, when it is not (or no longer) one of the type's, stays valid to post back
            # unchanged: an unchanged stage beside a new type means "the new type's first stage".
            choices = [("", "—"), *choices] if posted_type == sale.sale_type_id else [*choices, (sale.stage_id, "—")]
        stage_field.choices = choices
        stage_field.help_text = _("Moving to another stage sets the probability to that stage's probability.")
        probability_field = self.fields["probability"]
        probability_field.help_text = _("The sale's own probability, a whole number from 0 to 100.")
        actions = allowed_actions(actor, sale)
        for name, allowed in (("stage", actions.move), ("probability", actions.set_probability)):
            if not allowed:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Reopen the sale to change this.")
        if sale.lines.exists():
            # The amount is the total of the lines (services/sale_lines.py): shown, not typed.
            self.fields["amount"].disabled = True
            self.fields["amount"].help_text = _("The total of the sale's lines. Change the lines to change it.")

    def changed_service_fields(self) -> dict[str, Any]:
        """Only what the user changed, so a change of type or stage is not undone by the old values beside it."""
        all_fields = self.service_fields()
        data = self.cleaned_data
        all_fields["stage_id"] = data.get("stage")
        all_fields["probability"] = data.get("probability")
        names = {
            "sale_type": "sale_type_id",
            "company": "company_id",
            "contact": "contact_id",
            "owner": "owner_id",
            "stage": "stage_id",
        }
        changed = {names.get(name, name) for name in self.changed_data}
        if data.get("probability") is None:
            changed.discard("probability")
        if data.get("stage") is None:
            changed.discard("stage_id")
        return {name: value for name, value in all_fields.items() if name in changed}


def sale_initial(sale: Sale) -> dict[str, Any]:
    return {
        "title": sale.title,
        "sale_type": sale.sale_type_id,
        "stage": sale.stage_id,
        "probability": sale.probability,
        "company": sale.company_id,
        "contact": sale.contact_id,
        "owner": sale.owner_id,
        "amount": sale.amount,
        "currency": sale.currency,
        "expected_date": sale.expected_date,
        "description": sale.description,
        "version": sale.version,
    }


class ReasonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # not generic at run time
    def __init__(self, kind: str, **kwargs: Any) -> None:
        super().__init__(
            queryset=Reason.objects.filter(kind=kind, deleted=False).order_by("rank", "name", "id"),
            required=False,
            label=_("Reason"),
            empty_label=_("No reason given"),
            error_messages={"invalid_choice": _("Choose one of the reasons in the list.")},
            **kwargs,
        )


class OverrideReasonField(forms.CharField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            label=_("Reason to move on anyway"),
            required=False,
            max_length=OVERRIDE_REASON_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Kept on the sale's history. Only managers and administrators can move on."),
            **kwargs,  # type: ignore[arg-type]
        )


class SoldForm(VersionedForm):
    date = _date_field(_("Date sold"), help_text=_("Empty: today."))
    reason = ReasonChoiceField(ReasonKind.SOLD)
    amount = AmountField(label=_("Final amount"), required=False, help_text=_("Empty: keep the current amount."))
    # Shown only to a manager or administrator when required items block closing (exit criteria, SPEC 6.3).
    override_reason = OverrideReasonField()


class LostForm(VersionedForm):
    date = _date_field(_("Date lost"), help_text=_("Empty: today."))
    reason = ReasonChoiceField(ReasonKind.LOST)
    competitor = forms.ModelChoiceField(
        label=_("Competitor"),
        required=False,
        queryset=Competitor.objects.filter(deleted=False).order_by("rank", "name", "id"),
        empty_label=_("Not known"),
        help_text=_("Who won the sale, if you know."),
        error_messages={"invalid_choice": _("Choose one of the competitors in the list.")},
    )


class StallForm(VersionedForm):
    reopen_date = _date_field(
        _("Re-open date"), help_text=_("When to pick the sale up again. A follow-up on that day is proposed next.")
    )
    reason = ReasonChoiceField(ReasonKind.STALLED)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reopen_date"].required = True
        self.fields["reopen_date"].error_messages["required"] = _("Choose a re-open date after today.")
        self.fields["reopen_date"].widget.attrs["required"] = True
        self.fields["reopen_date"].widget.attrs["min"] = (timezone.localdate() + dt.timedelta(days=1)).isoformat()


class VersionOnlyForm(VersionedForm):
    """Reopen, completed, delete and reset-probability only need the version the user saw."""

    completed = forms.BooleanField(required=False)


STATUS_FILTERS = [("", _("Any status")), *SaleStatus.choices]


class SaleFilterForm(forms.Form):
    """The sale list's filters; an unknown value is ignored (the list shows everything for that filter)."""

    q = forms.CharField(required=False, max_length=100)
    sale_type = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    stage = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(required=False, choices=STATUS_FILTERS)
    owner = forms.CharField(required=False)
    company = forms.IntegerField(required=False, min_value=1)
    stale = forms.BooleanField(required=False)
    after = forms.CharField(required=False, max_length=200)

    def __init__(
        self, *args: Any, sale_types: list[SaleType], stages: list[Any], owners: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sale_type"].choices = [("", _("Every sale type")), *((t.pk, t.name) for t in sale_types)]  # type: ignore[attr-defined]
        self.fields["stage"].choices = [("", _("Every stage")), *((s.pk, s.name) for s in stages)]  # type: ignore[attr-defined]
        self.owner_choices = [("", _("Everyone")), ("me", _("Mine")), *((str(u.pk), user_label(u)) for u in owners)]

    def clean_owner(self) -> str:
        owner = (self.cleaned_data.get("owner") or "").strip()
        return owner if owner in {value for value, _label in self.owner_choices} else ""

    def values(self) -> dict[str, Any]:
        """The filters that were understood; one that was not is left out (and so filters nothing)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}

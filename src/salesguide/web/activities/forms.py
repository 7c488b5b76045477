"""The activity form (on a sale's Activities tab, in "My activities", and for the follow-up proposed when a sale
is stalled) and the filter of "My activities". The form for planning an activity without a sale, with its
company and contact pickers, is in ``planning``. Forms only parse; the services check the rules and their
messages land next to the field through ``add_to_form``. When a field does not parse, the form also shows what
the rules say about the fields that did (``add_problems``), so every problem shows at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesguide.domain.activities import activity_field_problems
from salesguide.models import Activity, ActivityType, User
from salesguide.queries.activity_list import Period
from salesguide.web.domain_errors import add_problems

# The services name fields after the model; the form calls the foreign keys without ``_id`` and splits start.
ACTIVITY_FIELD_ALIASES = {
    "activity_type_id": "activity_type",
    "owner_id": "owner",
    "start": "start_date",
    "company_id": "company",
    "contact_id": "contact",
}


def user_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


class OwnerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # not generic at run time
    def label_from_instance(self, obj: Any) -> str:
        return user_label(obj)


def active_users() -> Any:
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


def live_activity_types(current_id: int | None = None) -> Any:
    """Activity types to pick from: the live ones, plus the one an activity already has even if deleted."""
    return ActivityType.objects.filter(Q(deleted=False) | Q(pk=current_id or 0)).order_by("rank", "name", "id")


class ActivityForm(forms.Form):
    activity_type = forms.ModelChoiceField(
        label=_("Activity type"),
        queryset=ActivityType.objects.none(),
        empty_label=_("Choose an activity type"),
        error_messages={
            "required": _("Choose an activity type."),
            "invalid_choice": _("Choose one of the activity types in the list."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        widget=forms.TextInput(attrs={"required": True, "maxlength": 200, "autocomplete": "off"}),
    )
    start_date = forms.DateField(
        label=_("Date"),
        error_messages={"required": _("Enter a date."), "invalid": _("Enter a valid date.")},
        widget=forms.DateInput(attrs={"type": "date", "required": True}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label=_("Time"),
        required=False,
        help_text=_("Empty: 09:00."),
        error_messages={"invalid": _("Enter a valid time, such as 14:30.")},
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        required=False,
        help_text=_("Empty: the activity type's default duration."),
        error_messages={"invalid": _("Enter a whole number of minutes.")},
        widget=forms.NumberInput(attrs={"min": 0, "step": 5, "inputmode": "numeric"}),
    )
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    owner = OwnerChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose who does this activity."),
            "invalid_choice": _("Choose one of the users in the list."),
        },
    )

    def __init__(self, *args: Any, activity_type_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type_field = self.fields["activity_type"]
        assert isinstance(type_field, forms.ModelChoiceField)
        type_field.queryset = live_activity_types(activity_type_id)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = active_users()

    def start(self) -> dt.datetime | None:
        """The start in the user's time zone, stored as an aware datetime."""
        day = self.cleaned_data.get("start_date")
        if day is None:
            return None
        at = self.cleaned_data.get("start_time") or dt.time(9, 0)
        return timezone.make_aware(dt.datetime.combine(day, at), timezone.get_current_timezone())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            # Some fields did not parse, so no service will see this form: show what the rules say about the
            # fields that did parse too, so every problem shows at once (issue 9, item 12).
            add_problems(self, activity_field_problems(self.parsed_fields()), ACTIVITY_FIELD_ALIASES)
        return data

    def parsed_fields(self) -> dict[str, Any]:
        """The fields that parsed, as the services name them: what can still be checked when others did not."""
        data = self.cleaned_data
        fields: dict[str, Any] = {name: data[name] or "" for name in ("title", "text") if name in data}
        if "start_date" in data and "start_time" in data:
            fields["start"] = self.start()
        if data.get("duration_minutes") is not None:
            fields["duration_minutes"] = data["duration_minutes"]
        return fields

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "activity_type_id": data["activity_type"].pk,
            "title": data.get("title") or "",
            "start": self.start(),
            "text": data.get("text") or "",
            "owner_id": data["owner"].pk,
        }
        if data.get("duration_minutes") is not None:
            fields["duration_minutes"] = data["duration_minutes"]
        return fields


def activity_initial(activity: Activity) -> dict[str, Any]:
    local = timezone.localtime(activity.start)
    return {
        "activity_type": activity.activity_type_id,
        "title": activity.title,
        "start_date": local.date(),
        "start_time": local.time().replace(second=0, microsecond=0),
        "duration_minutes": activity.duration_minutes,
        "text": activity.text,
        "owner": activity.owner_id,
    }


PERIODS = {
    Period.ALL: _("Any time"),
    Period.OVERDUE: _("Overdue"),
    Period.TODAY: _("Today"),
    Period.WEEK: _("The next 7 days"),
    Period.MONTH: _("This month"),
}


class MyActivitiesFilter(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("open", _("Open")), ("completed", _("Completed"))],
    )
    period = forms.ChoiceField(label=_("Period"), required=False, choices=list(PERIODS.items()))
    # Whose list (managers and administrators only): a user's id, or empty for the user's own.
    owner = forms.CharField(required=False)
    after = forms.CharField(required=False)

"""Forms of the guide tab: a follow-up (created from a suggestion, or edited) and a document created from a
suggestion. They parse input into Python values; the rules (title required, duration range, who may plan on
the sale) stay in the services, whose messages ``domain_errors.add_to_form`` puts next to these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesguide.domain.activities import activity_field_problems
from salesguide.models import Activity, ActivityType, User
from salesguide.services.activities import FollowupDraft
from salesguide.web.domain_errors import add_problems

# Services name fields by their ids; the forms by the objects.
FIELD_ALIASES = {"activity_type_id": "activity_type", "owner_id": "owner"}

# What a browser's datetime-local input sends and shows.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class FollowupForm(forms.Form):
    """A follow-up as it will be (or was) planned: pre-filled from the suggestion and the sale."""

    activity_type = forms.ModelChoiceField(
        label=_("Activity type"), queryset=ActivityType.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    start = forms.DateTimeField(
        label=_("Start"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=0, max_value=7 * 24 * 60)
    owner = UserChoiceField(label=_("Owner"), queryset=User.objects.none(), empty_label=None)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(
        self, *args: Any, current_type_id: int | None = None, current_owner_id: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # An activity keeps showing its type and owner even when the type was deleted or the owner left.
        types = ActivityType.objects.filter(Q(deleted=False) | Q(pk=current_type_id or 0)).order_by("rank", "id")
        owners = User.objects.filter(Q(is_active=True) | Q(pk=current_owner_id or 0)).order_by(
            "first_name", "last_name", "username"
        )
        self.fields["activity_type"].queryset = types  # type: ignore[attr-defined]
        self.fields["title"].widget.attrs["autofocus"] = True
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            # Some fields did not parse, so no service will see this form: show what the rules say about the
            # fields that did parse as well, so every problem shows at once (issue 9, item 12).
            parsed: dict[str, Any] = {
                name: data[name] for name in ("title", "start", "duration_minutes", "text") if name in data
            }
            add_problems(self, activity_field_problems(parsed), FIELD_ALIASES)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "activity_type_id": data["activity_type"].pk,
            "title": data["title"],
            "start": data["start"],
            "duration_minutes": data["duration_minutes"],
            "owner_id": data["owner"].pk,
            "text": data["text"] or "",
        }


class DocumentForm(forms.Form):
    """A document created from a suggestion: its subject and our reference, with the merge fields filled in."""

    subject = forms.CharField(label=_("Subject"), max_length=255)
    our_reference = forms.CharField(label=_("Our reference"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].widget.attrs["autofocus"] = True

    def service_fields(self) -> dict[str, Any]:
        return {"subject": self.cleaned_data["subject"], "our_reference": self.cleaned_data["our_reference"]}


def initial_of_draft(draft: FollowupDraft) -> dict[str, Any]:
    return {
        "activity_type": draft.activity_type_id,
        "title": draft.title,
        "start": draft.start,
        "duration_minutes": draft.duration_minutes,
        "owner": draft.owner_id,
        "text": draft.text,
    }


def initial_of_activity(activity: Activity) -> dict[str, Any]:
    return {
        "activity_type": activity.activity_type_id,
        "title": activity.title,
        "start": activity.start,
        "duration_minutes": activity.duration_minutes,
        "owner": activity.owner_id,
        "text": activity.text,
    }

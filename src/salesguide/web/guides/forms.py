"""Forms of the guide pages. They parse input into Python values; the rules (names, ranges, a guide needs two
stages) stay in the services, whose messages ``domain_errors.add_to_form`` puts next to these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from salesguide.models import (
    ActivityType,
    Category,
    DocumentTemplate,
    DurationUnit,
    ExitCriteria,
    ProbabilityPolicy,
)
from salesguide.services.sale_types import sale_type_problems
from salesguide.web.domain_errors import add_problems

# Services name fields by their ids; the forms by the objects.
SUGGESTION_FIELD_ALIASES = {"activity_type_id": "activity_type", "template_id": "template"}
SALE_TYPE_FIELD_ALIASES = {"category_id": "category"}

GUIDE_NEEDS_TWO_STAGES = _("A guide cannot be switched on with fewer than two stages.")


def required_field() -> forms.BooleanField:
    """The mark of a suggestion a sale must have done before it leaves the stage (SPEC 6.3)."""
    return forms.BooleanField(
        label=_("Required before leaving this stage"),
        required=False,
        help_text=_("What this means depends on the sale type's exit criteria: off, warn or block."),
    )


class SaleTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.none(), empty_label=_("No category")
    )
    duration = forms.IntegerField(label=_("Estimated duration"), required=False, min_value=0, initial=0)
    duration_unit = forms.ChoiceField(label=_("Unit"), choices=DurationUnit.choices, initial=DurationUnit.DAYS)
    has_guide = forms.BooleanField(label=_("Linked to a guide"), required=False, help_text=GUIDE_NEEDS_TWO_STAGES)
    auto_advance = forms.BooleanField(label=_("Suggest moving to the next stage automatically"), required=False)
    probability_policy = forms.ChoiceField(
        label=_("Probability"),
        choices=ProbabilityPolicy.choices,
        initial=ProbabilityPolicy.FOLLOW_STAGE,
        widget=forms.RadioSelect,
        help_text=_(
            "Follow the stage: every change of stage sets the sale's probability to the stage's. "
            "Keep a manual value: a probability typed on the sale stays until someone resets it."
        ),
    )
    # Not required: a form sent without it (an older page) keeps the mode the sale type has.
    exit_criteria = forms.ChoiceField(
        label=_("Exit criteria"),
        choices=ExitCriteria.choices,
        initial=ExitCriteria.OFF,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("What the items marked “required before leaving this stage” mean when a sale moves on."),
    )

    # The wizard asks for the guide switches in a step of their own.
    GUIDE_FIELDS = ("has_guide", "auto_advance", "probability_policy", "exit_criteria")

    def __init__(self, *args: Any, with_guide_fields: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = Category.objects.filter(deleted=False)
        if not with_guide_fields:
            for name in self.GUIDE_FIELDS:
                del self.fields[name]

    @classmethod
    def redisplay(cls, data: QueryDict, **kwargs: Any) -> SaleTypeForm:
        """An unbound form showing what was typed, for when the stage list changed but nothing is saved
        yet (so no "required" errors appear while the admin is still arranging stages)."""
        probe = cls(**kwargs)
        initial: dict[str, Any] = {}
        for name, field in probe.fields.items():
            if isinstance(field, forms.BooleanField):
                initial[name] = name in data
            elif name in data:
                initial[name] = data.get(name)
        return cls(initial=initial, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            # Some fields did not parse, so no service will see this form: show what the rules say about the
            # fields that did parse as well, so every problem shows at once (issue 9, item 12).
            parsed: dict[str, Any] = {name: data[name] for name in ("name", "description", "duration") if name in data}
            add_problems(self, sale_type_problems(parsed), {"category_id": "category"})
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "name": data["name"],
            "description": data["description"],
            "category_id": data["category"].pk if data.get("category") else None,
            "duration": data["duration"] or 0,
            "duration_unit": data["duration_unit"],
        }
        for name in self.GUIDE_FIELDS:
            if name in self.fields:
                fields[name] = data[name]
        if not fields.get("exit_criteria", True):
            del fields["exit_criteria"]
        return fields


class GuideSwitchForm(forms.Form):
    """Wizard step 3: switch the guide on, with the two choices that shape how it behaves."""

    auto_advance = SaleTypeForm.base_fields["auto_advance"]
    probability_policy = SaleTypeForm.base_fields["probability_policy"]
    exit_criteria = SaleTypeForm.base_fields["exit_criteria"]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields, without an exit-criteria mode that was not sent (the sale type keeps its own)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "exit_criteria" or value}


class NewStageForm(forms.Form):
    name = forms.CharField(label=_("Name of the new stage"), required=False, max_length=200)
    probability = forms.IntegerField(label=_("Probability (%)"), required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the salesperson as what this stage is about."),
    )

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "probability": data["probability"], "description": data["description"]}


class FollowupForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=300)
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why this follow-up matters; shown to the salesperson as a hint."),
    )
    activity_type = forms.ModelChoiceField(
        label=_("Activity type"), required=False, queryset=ActivityType.objects.none(), empty_label=None
    )
    days_offset = forms.IntegerField(label=_("Days after the previous follow-up"), required=False, initial=0)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        required=False,
        help_text=_("Leave empty to use the activity type's duration."),
    )
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    auto_suggest = forms.BooleanField(label=_("Automatically suggest this follow-up"), required=False)
    required = required_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activity_type = self.fields["activity_type"]
        assert isinstance(activity_type, forms.ModelChoiceField)
        activity_type.queryset = ActivityType.objects.filter(deleted=False)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "purpose": data["purpose"],
            "activity_type_id": data["activity_type"].pk if data.get("activity_type") else None,
            "days_offset": data["days_offset"] or 0,
            "duration_minutes": data["duration_minutes"],
            "text": data["text"],
            "auto_suggest": data["auto_suggest"],
            "required": data["required"],
        }


class DocumentForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=300)
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why this document matters; shown to the salesperson as a hint."),
    )
    template = forms.ModelChoiceField(
        label=_("Document template"),
        required=False,
        queryset=DocumentTemplate.objects.none(),
        empty_label=None,
    )
    subject = forms.CharField(label=_("Default subject"), required=False, max_length=300)
    our_reference = forms.CharField(label=_("Our reference"), required=False, max_length=300)
    required = required_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template = self.fields["template"]
        assert isinstance(template, forms.ModelChoiceField)
        template.queryset = DocumentTemplate.objects.filter(deleted=False)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "purpose": data["purpose"],
            "template_id": data["template"].pk if data.get("template") else None,
            "subject": data["subject"],
            "our_reference": data["our_reference"],
            "required": data["required"],
        }


class ExpectedDaysForm(forms.Form):
    expected_days = forms.IntegerField(
        label=_("Expected days in this stage"),
        required=False,
        help_text=_("A sale that stays longer without a planned activity counts as stale. Leave empty for no limit."),
    )


class GuideImportForm(forms.Form):
    file = forms.FileField(label=_("Guide file (YAML)"))

    MAX_BYTES = 10 * 1024 * 1024

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(max)d MB)."),
                params={"max": self.MAX_BYTES // (1024 * 1024)},
            )
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not a text file in UTF-8.")) from None


class StarterGuidesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the starter guides"), choices=[("nl", _("Dutch")), ("en", _("English"))]
    )

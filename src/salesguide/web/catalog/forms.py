"""Forms for the settings lists. They only parse input: ranges, uniqueness and required names are checked by
the services, whose messages land next to the field through ``add_to_form``. Browser hints (``required``,
``maxlength``) are attributes only, so there is one source of truth for each rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from salesguide.models import ActivityKind, DocumentKind, ReasonKind, Role, TemplateFormat
from salesguide.services.accounts import new_user_problems
from salesguide.web.accounts.forms import LANGUAGE_CHOICES
from salesguide.web.domain_errors import add_problems


def name_field(max_length: int = 100) -> forms.CharField:
    return forms.CharField(
        label=_("Name"),
        required=False,
        widget=forms.TextInput(attrs={"required": True, "maxlength": max_length, "autocomplete": "off"}),
    )


class StageForm(forms.Form):
    name = name_field()
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        required=False,
        help_text=_("The chance that a sale in this stage is won: a whole number from 0 to 100."),
        widget=forms.NumberInput(attrs={"required": True, "min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        help_text=_("Shown to salespeople as what this stage is about."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class StageRestoreForm(forms.Form):
    """Which of the sale types a deleted stage was in it goes back into. A browser sends only the ticked boxes,
    so the page marks its post with ``chosen``; a post without it (a plain "Restore" button) names no choice,
    which the service reads as "all of them", as the API does without ``sale_type_ids``."""

    chosen = forms.BooleanField(required=False, widget=forms.HiddenInput)
    sale_types = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose among the sale types the stage was in.")},
    )

    def __init__(self, *args: Any, sale_type_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sale_types"].choices = [(pk, str(pk)) for pk in sale_type_ids]  # type: ignore[attr-defined]

    def chosen_sale_type_ids(self) -> list[int] | None:
        if not self.cleaned_data.get("chosen"):
            return None
        return list(self.cleaned_data.get("sale_types") or [])


class ActivityTypeForm(forms.Form):
    name = name_field()
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    default_duration_minutes = forms.IntegerField(
        label=_("Default duration (minutes)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "step": 5, "inputmode": "numeric"}),
    )


class ReasonForm(forms.Form):
    name = name_field()
    kind = forms.ChoiceField(label=_("Used when a sale is"), choices=ReasonKind.choices, widget=forms.RadioSelect)


class NamedItemForm(forms.Form):
    name = name_field()


class DocxTemplateForm(forms.Form):
    name = name_field()
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices, initial=DocumentKind.LETTER)
    file = forms.FileField(
        label=_("Word document (.docx)"),
        required=False,
        help_text=_("A .docx file with merge fields such as {{ sale.title }}."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )


class TextTemplateForm(forms.Form):
    name = name_field()
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices, initial=DocumentKind.EMAIL)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(TemplateFormat.HTML.value, _("HTML")), (TemplateFormat.TEXT.value, _("Plain text"))],
        initial=TemplateFormat.HTML,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        strip=False,
        help_text=_("The text of the e-mail. Merge fields such as {{ contact.first_name }} are filled in."),
        widget=forms.Textarea(attrs={"rows": 12, "class": "input--code"}),
    )


class DocxTemplateEditForm(forms.Form):
    name = name_field()
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("Replace the file"),
        required=False,
        help_text=_("Leave empty to keep the current file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )


class TextTemplateEditForm(forms.Form):
    name = name_field()
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    body = TextTemplateForm.base_fields["body"]


class UserCreateForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        required=False,
        widget=forms.TextInput(attrs={"required": True, "maxlength": 150, "autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("First name"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.SALESPERSON)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, initial="nl")
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        help_text=_("Leave empty to generate a strong password; it is shown once."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            # Some fields did not parse (an e-mail address), so no service will see this form: show what the
            # rules say about the fields that did parse as well, so every problem shows at once (issue 9, item 12).
            add_problems(self, new_user_problems(dict(data)))
        return data


class UserEditForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("Someone who is not active cannot log in; everything they made stays."),
    )


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        required=False,
        strip=False,
        help_text=_("Leave empty to generate a strong password; it is shown once."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

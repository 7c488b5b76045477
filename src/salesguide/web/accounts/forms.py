"""Forms that parse what a person typed on the login and profile pages. Rules live in the services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("nl", "Nederlands"), ("en", "English")]


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The user name or password is not right. Both are case-sensitive."),
        "inactive": _("This account is switched off. Ask an administrator to switch it on again."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")


class LanguageForm(forms.Form):
    # The names of the languages are written in their own language, so each reader finds theirs.
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES)
    next = forms.CharField(required=False)


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, widget=forms.RadioSelect)
    confirm_suggested_followups = forms.BooleanField(
        label=_("Confirm creation of suggested follow-up"),
        required=False,
        help_text=_(
            "When you complete a follow-up and the guide suggests the next one, ask before creating it. "
            "Switch this off to have it created directly."
        ),
    )


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Times on screen are shown in it, and times you type are read in it."),
    )

    def __init__(self, *args: Any, installation_zone: str, zone_names: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = _("The installation’s time zone (%(zone)s)") % {"zone": installation_zone}
        self.fields["time_zone"].choices = [("", default), *((name, name) for name in zone_names)]  # type: ignore[attr-defined]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("What the token is for, for example “Nightly export”."),
    )

"""The one place where the web maps domain errors to what a user sees: messages next to fields, or at the top
of the form. The API has its own mapping (api/errors.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext

from salesguide.domain.errors import DomainError, DuplicateName, Message, ValidationFailed


def translate(message: Message) -> str:
    return message.render(gettext)


def add_to_form(form: forms.BaseForm, error: DomainError, field_aliases: dict[str, str] | None = None) -> None:
    """Put a domain error on the form.

    Each field problem goes next to its field (``field_aliases`` maps a service's field name to the
    form's, e.g. ``activity_type_id`` → ``activity_type``), or at the top when the form has no such field.
    A duplicate name goes next to the name field (``name``, or ``field_aliases["name"]``); other errors go
    on top.
    """
    aliases = field_aliases or {}

    def form_field(name: str) -> str | None:
        name = aliases.get(name, name)
        return name if name in form.fields else None

    if isinstance(error, ValidationFailed):
        for problem in error.problems:
            field = form_field(str(problem.loc[-1])) if problem.loc else None
            form.add_error(field, translate(problem.message))
    elif isinstance(error, DuplicateName):
        form.add_error(form_field("name"), translate(error.message))
    else:
        form.add_error(None, translate(error.message))

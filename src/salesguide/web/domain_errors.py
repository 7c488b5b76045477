"""The one place where the web maps domain errors to what a user sees: messages next to fields, or at the top
of the form. The API has its own mapping (api/errors.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext

from salesguide.domain.errors import DomainError, Message, ValidationFailed


def translate(message: Message) -> str:
    return message.render(gettext)


def add_to_form(form: forms.BaseForm, error: DomainError, field_aliases: dict[str, str] | None = None) -> None:
    """Put a domain error on the form: each field problem next to its field (or at the top when the form has no
    such field); other errors (duplicate name, rule violation) next to ``name`` for duplicates, else at the top."""
    aliases = field_aliases or {}
    if isinstance(error, ValidationFailed):
        for problem in error.problems:
            field = str(problem.loc[-1]) if problem.loc else None
            field = aliases.get(field or "", field)
            form.add_error(field if field in form.fields else None, translate(problem.message))
        return
    from salesguide.domain.errors import DuplicateName

    if isinstance(error, DuplicateName) and "name" in form.fields:
        form.add_error("name", translate(error.message))
    else:
        form.add_error(None, translate(error.message))

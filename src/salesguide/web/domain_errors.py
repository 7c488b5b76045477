"""The one place where the web maps domain errors to what a user sees: messages next to fields, or at the top
of the form. The API has its own mapping (api/errors.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext

from salesguide.domain.errors import DomainError, DuplicateName, FieldProblem, Message, ValidationFailed


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


def add_problems(
    form: forms.BaseForm, problems: Iterable[FieldProblem], field_aliases: dict[str, str] | None = None
) -> None:
    """Put the problems a service or rule finds in the fields that parsed on a form that did not parse all of its
    fields, so the user sees every problem at once instead of one group after the other (issue 9, item 12). A
    field that already shows an error is left alone: its value did not parse, so no rule has judged it yet."""
    aliases = field_aliases or {}
    for problem in problems:
        name = aliases.get(str(problem.loc[-1]), str(problem.loc[-1])) if problem.loc else None
        field = name if name in form.fields else None
        if field is not None and form.has_error(field):
            continue
        form.add_error(field, translate(problem.message))


def parsed(
    form: forms.BaseForm, fields: dict[str, object], field_aliases: dict[str, str] | None = None
) -> dict[str, object]:
    """Of ``fields`` (named as the services name them), those whose form field parsed: what can be checked on a
    form that has errors."""
    aliases = field_aliases or {}
    cleaned = getattr(form, "cleaned_data", {})
    return {name: value for name, value in fields.items() if aliases.get(name, name) in cleaned}

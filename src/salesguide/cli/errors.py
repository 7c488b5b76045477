"""The one place where the command line turns domain errors into what an operator sees: a short message on
stderr and a non-zero exit status (Django's CommandError)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError
from django.utils.translation import gettext

from salesguide.domain.errors import DomainError, FieldProblem, ValidationFailed


def place(loc: tuple[str | int, ...]) -> str:
    """``("stages", 2, "probability")`` as ``stages[2].probability``."""
    text = ""
    for step in loc:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def problem_line(problem: FieldProblem) -> str:
    message = problem.message.render(gettext)
    return f"{message} ({place(problem.loc)})" if problem.loc else message


def one_line(error: DomainError) -> str:
    if isinstance(error, ValidationFailed) and error.problems:
        return "; ".join(problem_line(p) for p in error.problems)
    return error.message.render(gettext)


@contextmanager
def domain_errors_as_command_errors() -> Iterator[None]:
    """Run the body; a domain error ends the command with its message on one line and exit status 1."""
    try:
        yield
    except DomainError as error:
        raise CommandError(one_line(error)) from None

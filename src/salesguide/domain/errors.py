"""Domain errors. Messages are English msgids marked with ``gettext_noop`` and translated by the adapters,
which map each class to an HTTP status (API) or a message next to a field (web) in one place each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it here (the domain knows no language)."""
    return message


@dataclass(frozen=True)
class Message:
    """A translatable message: an English msgid and the values to put into it."""

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, translate: Any = None) -> str:
        """The message in the language of ``translate``; a value that is a Message itself is rendered too."""
        template = translate(self.text) if translate else self.text
        if not self.params:
            return template
        params = {k: v.render(translate) if isinstance(v, Message) else v for k, v in self.params.items()}
        return template % params


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one input field. ``loc`` is its place (``["body", "probability"]`` or a path in a
    guide file such as ``["stages", 2, "probability"]``)."""

    loc: tuple[str | int, ...]
    message: Message


class DomainError(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.render())
        self.message = message


class RuleViolation(DomainError):
    """The request is well-formed but breaks a rule (e.g. a guide with fewer than two stages)."""


class DuplicateName(DomainError):
    """Another live item already has this name."""


class StaleVersion(DomainError):
    """The record changed since the client read it."""


class NotFound(DomainError):
    """No such item."""


class NotAllowed(DomainError):
    """The user may not do this."""


class ValidationFailed(DomainError):
    """One or more fields are invalid; every problem is listed."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0].message if self.problems else Message(gettext_noop("Invalid input."))
        super().__init__(first)

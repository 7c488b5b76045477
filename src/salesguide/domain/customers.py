"""Rules for customers: what a company and a contact must look like, and when a company may be deleted.

Each field has one rule (required or not, longest length, plain line / e-mail address / web address / long
text), so the web form, the API and later imports all refuse the same input with the same message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from salesguide.domain import addresses
from salesguide.domain.errors import FieldProblem, Message, RuleViolation, gettext_noop
from salesguide.domain.names import unsafe_name_character


class TextKind(StrEnum):
    LINE = "line"
    EMAIL = "email"
    WEBSITE = "website"
    LONG = "long"


@dataclass(frozen=True)
class TextRule:
    max_length: int
    kind: TextKind = TextKind.LINE
    # The message when the field is left empty; None when it may be empty.
    required: str | None = None


NOTES_MAX_LENGTH = 20_000

COMPANY_RULES: dict[str, TextRule] = {
    "name": TextRule(200, required=gettext_noop("A name is required.")),
    "org_number": TextRule(50),
    "address": TextRule(200),
    "postal_code": TextRule(20),
    "city": TextRule(100),
    "country": TextRule(100),
    "phone": TextRule(50),
    "email": TextRule(254, TextKind.EMAIL),
    "website": TextRule(200, TextKind.WEBSITE),
    "notes": TextRule(NOTES_MAX_LENGTH, TextKind.LONG),
}

CONTACT_RULES: dict[str, TextRule] = {
    "first_name": TextRule(100),
    "last_name": TextRule(100, required=gettext_noop("A last name is required.")),
    "title": TextRule(100),
    "email": TextRule(254, TextKind.EMAIL),
    "phone": TextRule(50),
}

_EMAIL_LOCAL_SPECIALS = set("!#$%&'*+-/=?^_`{|}~.")


def cleaned(value: str) -> str:
    """The form in which text is stored: without the spaces and line breaks around it."""
    return value.strip()


def is_email_address(value: str) -> bool:
    """A plain ``name@domain.tld`` address (no quoted local parts or IP literals: nobody types those into a
    CRM, and mail programs handle them badly)."""
    if len(value) > 254 or value.count("@") != 1 or any(char.isspace() for char in value):
        return False
    local, domain = value.split("@")
    if not local or len(local) > 64 or local.startswith(".") or local.endswith(".") or ".." in local:
        return False
    if not all(char.isalnum() or char in _EMAIL_LOCAL_SPECIALS for char in local):
        return False
    labels = domain.split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        return False
    return all(
        0 < len(label) <= 63
        and not label.startswith("-")
        and not label.endswith("-")
        and all(char.isalnum() or char == "-" for char in label)
        for label in labels
    )


def website_url(value: str) -> str | None:
    """The link for a company's website as typed (``www.example.com`` or ``https://example.com/shop``), or
    None when it is not a web address. Only http and https: anything else in a link is a risk, not a site."""
    text = cleaned(value)
    if not text or any(char.isspace() for char in text):
        return None
    url = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host.strip("."):
        return None
    if not all(char.isalnum() or char in ".-" for char in host):
        return None
    return url


def _text_problem(rule: TextRule, value: object) -> Message | None:
    if not isinstance(value, str):
        return Message(gettext_noop("This must be text."))
    if "\x00" in value:
        return Message(gettext_noop("Text cannot contain NUL characters."))
    text = cleaned(value)
    if not text:
        return Message(rule.required) if rule.required else None
    if len(text) > rule.max_length:
        return Message(gettext_noop("Use at most %(max_length)s characters."), {"max_length": rule.max_length})
    if rule.kind is not TextKind.LONG and (unsafe := unsafe_name_character(text)) is not None:
        return unsafe  # names and other one-line fields: one line of visible text
    if rule.kind is TextKind.EMAIL and not is_email_address(text):
        return Message(gettext_noop("Enter a valid e-mail address."))
    if rule.kind is TextKind.WEBSITE and website_url(text) is None:
        return Message(gettext_noop("Enter a web address such as www.example.com."))
    return None


def field_problems(rules: Mapping[str, TextRule], fields: Mapping[str, object]) -> list[FieldProblem]:
    """Every problem with the given fields, each at its field's name (fields not given are not checked, so a
    change checks only what it changes)."""
    problems = []
    for name, value in fields.items():
        message = _text_problem(rules[name], value)
        if message is not None:
            problems.append(FieldProblem((name,), message))
    return problems


def company_problems(fields: Mapping[str, object]) -> list[FieldProblem]:
    return field_problems(COMPANY_RULES, fields)


def contact_problems(fields: Mapping[str, object]) -> list[FieldProblem]:
    return field_problems(CONTACT_RULES, fields)


def unknown_company_problem(company_id: object) -> FieldProblem:
    return FieldProblem(
        ("company_id",), Message(gettext_noop("There is no company with id %(id)s."), {"id": company_id})
    )


def full_name(first_name: str, last_name: str) -> str:
    return f"{first_name} {last_name}".strip()


def phone_uri(phone: str) -> str:
    """The ``tel:`` link that dials ``phone`` as people write it: "+31 20 123 45 67" → "tel:+31201234567".

    A tel URI has no spaces (RFC 3966): only the digits are kept, with a leading "+" for an international
    number. Empty when there is nothing to dial."""
    digits = "".join(c for c in phone if c.isascii() and c.isdigit())
    if not digits:
        return ""
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + digits


def address_line(address: str, postal_code: str, city: str, country: str) -> str:
    """A company's address on one line, in the order of its country: "Main Street 1, 1011 AB Amsterdam,
    Netherlands", "12 Kirkgate, Leeds, LS11 5PS, United Kingdom"."""
    return addresses.address_line(addresses.PostalAddress(address, postal_code, city, country))


def check_company_can_be_deleted(sales_count: int) -> None:
    """Sales keep their company: deleting one that still has sales would leave them without a customer."""
    if sales_count == 1:
        raise RuleViolation(Message(gettext_noop("This company has one sale; move or delete it first.")))
    if sales_count > 1:
        raise RuleViolation(
            Message(
                gettext_noop("This company has %(count)d sales; move or delete them first."),
                {"count": sales_count},
            )
        )

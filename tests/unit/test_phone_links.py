"""A phone number as people write it becomes a tel: link a phone can dial (issue 9, item 15)."""

import pytest

from salesguide.domain.customers import phone_uri


@pytest.mark.parametrize(
    ("written", "link"),
    [
        ("+31 20 123 45 67", "tel:+31201234567"),
        ("020 - 123 45 67", "tel:0201234567"),
        ("(020) 123.45.67", "tel:0201234567"),
        (" +44 113 496 0000 ", "tel:+441134960000"),
    ],
)
def test_a_phone_link_has_no_spaces_or_separators_when_the_number_is_written_with_them(written: str, link: str) -> None:
    assert phone_uri(written) == link


def test_there_is_no_phone_link_when_the_number_has_no_digits() -> None:
    assert phone_uri("ask reception") == ""

"""Postal addresses written the way their country writes them (issue 9, item 20/21), without a database."""

import pytest

from salesguide.domain import customers
from salesguide.domain.addresses import PostalAddress, address_line, address_lines, country_code


@pytest.mark.parametrize(
    ("address", "lines"),
    [
        (
            PostalAddress("Oudegracht 112", "3511 AX", "Utrecht", "Nederland"),
            ["Oudegracht 112", "3511 AX Utrecht", "Nederland"],
        ),
        (
            PostalAddress("12 Kirkgate", "LS11 5PS", "Leeds", "United Kingdom"),
            ["12 Kirkgate", "Leeds", "LS11 5PS", "United Kingdom"],
        ),
        (
            PostalAddress("1600 Amphitheatre Parkway", "94043", "Mountain View", "USA"),
            ["1600 Amphitheatre Parkway", "Mountain View, 94043", "USA"],
        ),
        (
            PostalAddress("Unter den Linden 1", "10117", "Berlin", "Deutschland"),
            ["Unter den Linden 1", "10117 Berlin", "Deutschland"],
        ),
        (
            PostalAddress("Rue de la Loi 16", "1000", "Brussel", "België"),
            ["Rue de la Loi 16", "1000 Brussel", "België"],
        ),
    ],
    ids=["NL", "GB", "US", "DE", "BE"],
)
def test_an_address_is_written_in_the_order_of_its_country_when_the_country_is_known(address, lines):
    assert address_lines(address) == lines


def test_an_english_address_puts_the_postcode_after_the_town_when_written_on_one_line():
    address = PostalAddress("12 Kirkgate", "LS11 5PS", "Leeds", "United Kingdom")
    assert address_line(address) == "12 Kirkgate, Leeds, LS11 5PS, United Kingdom"


def test_the_company_card_line_follows_the_country_too_when_the_company_is_english():
    assert customers.address_line("12 Kirkgate", "LS11 5PS", "Leeds", "UK") == "12 Kirkgate, Leeds, LS11 5PS, UK"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Nederland", "NL"),
        ("the Netherlands", "NL"),
        ("Holland", "NL"),
        ("nl", "NL"),
        ("United Kingdom", "GB"),
        ("Verenigd Koninkrijk", "GB"),
        ("U.K.", "GB"),
        ("England", "GB"),
        ("Engeland", "GB"),
        ("United States of America", "US"),
        ("Verenigde Staten", "US"),
        ("Deutschland", "DE"),
        ("Duitsland", "DE"),
        ("Belgique", "BE"),
        ("belgie", "BE"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_a_country_is_recognised_as_people_type_it_in_dutch_english_german_or_french(typed, code):
    assert country_code(typed) == code


def test_the_country_line_is_left_out_when_the_letter_stays_in_the_senders_country():
    address = PostalAddress("Oudegracht 112", "3511 AX", "Utrecht", "Nederland")
    assert address_lines(address, home_country="Netherlands") == ["Oudegracht 112", "3511 AX Utrecht"]


def test_the_country_line_stays_when_the_letter_goes_abroad():
    address = PostalAddress("12 Kirkgate", "LS11 5PS", "Leeds", "United Kingdom")
    assert address_lines(address, home_country="NL") == ["12 Kirkgate", "Leeds", "LS11 5PS", "United Kingdom"]


def test_an_address_without_a_country_is_written_as_in_the_senders_country():
    address = PostalAddress("12 Kirkgate", "LS11 5PS", "Leeds", "")
    assert address_lines(address, home_country="United Kingdom") == ["12 Kirkgate", "Leeds", "LS11 5PS"]


def test_an_address_in_an_unknown_country_keeps_postal_code_before_city_and_the_country_as_typed():
    address = PostalAddress("Main Road 5", "12345", "Springfield", "Atlantis")
    assert address_lines(address) == ["Main Road 5", "12345 Springfield", "Atlantis"]


def test_missing_parts_leave_no_empty_lines_or_stray_commas():
    assert address_lines(PostalAddress("", "", "Mountain View", "US")) == ["Mountain View", "US"]
    assert address_lines(PostalAddress("", "LS11 5PS", "", "GB")) == ["LS11 5PS", "GB"]
    assert address_lines(PostalAddress()) == []
    assert address_line(PostalAddress("", "", "", "")) == ""


def test_a_street_of_two_lines_keeps_both_lines():
    address = PostalAddress("Unit 4\nKirkgate Market", "LS2 7HY", "Leeds", "UK")
    assert address_lines(address) == ["Unit 4", "Kirkgate Market", "Leeds", "LS2 7HY", "UK"]


def test_a_swiss_postal_code_gets_its_country_prefix_only_when_there_is_one():
    assert address_lines(PostalAddress("Bahnhofstrasse 1", "8001", "Zürich", "Zwitserland")) == [
        "Bahnhofstrasse 1",
        "CH-8001 Zürich",
        "Zwitserland",
    ]
    assert address_lines(PostalAddress("Bahnhofstrasse 1", "", "Zürich", "CH")) == ["Bahnhofstrasse 1", "Zürich", "CH"]

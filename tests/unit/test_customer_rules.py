"""The rules for companies and contacts, without a database."""

import pytest

from salesguide.domain import customers as rules
from salesguide.domain.errors import RuleViolation


def _messages(problems):
    return {problem.loc: problem.message.render() for problem in problems}


def test_a_company_needs_a_name():
    assert _messages(rules.company_problems({"name": "  "})) == {("name",): "A name is required."}


def test_a_contact_needs_a_last_name_but_not_a_first_name():
    problems = rules.contact_problems({"first_name": "", "last_name": ""})
    assert _messages(problems) == {("last_name",): "A last name is required."}


def test_a_complete_company_has_no_problems():
    fields = {
        "name": "Acme",
        "org_number": "NL123456789B01",
        "address": "Main Street 1",
        "postal_code": "1011 AB",
        "city": "Amsterdam",
        "country": "Netherlands",
        "phone": "+31 20 123 45 67",
        "email": "info@acme.example",
        "website": "www.acme.example",
        "notes": "Buys every spring.\nAsk for Jan.",
    }
    assert rules.company_problems(fields) == []


@pytest.mark.parametrize(
    ("field", "longest"),
    [("name", 200), ("org_number", 50), ("postal_code", 20), ("city", 100), ("phone", 50)],
)
def test_each_company_field_has_a_longest_length_that_the_message_names(field, longest):
    assert rules.company_problems({field: "x" * longest}) == []
    assert _messages(rules.company_problems({field: "x" * (longest + 1)})) == {
        (field,): f"Use at most {longest} characters."
    }


def test_spaces_around_a_value_do_not_count_towards_its_length():
    assert rules.company_problems({"name": "  " + "x" * 200 + "  "}) == []
    assert rules.cleaned("  Acme \n") == "Acme"


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("jan@acme.example", True),
        ("jan.de.vries+crm@mail.acme.co.uk", True),
        ("o'brien@example.ie", True),
        ("", True),
        ("jan", False),
        ("jan@", False),
        ("@acme.example", False),
        ("jan@acme", False),
        ("jan@@acme.example", False),
        ("jan de vries@acme.example", False),
        ("jan..vries@acme.example", False),
        ("jan@-acme.example", False),
        ("jan@acme..example", False),
        ("jan@127.0.0.1", False),
    ],
)
def test_an_e_mail_address_is_checked_for_its_form(address, ok):
    problems = rules.contact_problems({"email": address})
    assert (problems == []) is ok
    if not ok:
        assert _messages(problems) == {("email",): "Enter a valid e-mail address."}


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        ("www.acme.example", "https://www.acme.example"),
        ("acme.example/shop", "https://acme.example/shop"),
        ("http://acme.example", "http://acme.example"),
        ("https://acme.example/a?b=c", "https://acme.example/a?b=c"),
        ("javascript:alert(1)", None),
        ("ftp://acme.example", None),
        ("acme", None),
        ("acme example.com", None),
        ("", None),
    ],
)
def test_a_website_becomes_a_web_link_only_when_it_is_a_web_address(typed, link):
    assert rules.website_url(typed) == link


def test_a_website_that_is_no_web_address_is_refused_with_an_example():
    assert _messages(rules.company_problems({"website": "javascript:alert(1)"})) == {
        ("website",): "Enter a web address such as www.example.com."
    }


@pytest.mark.parametrize("value", [None, 7, ["Acme"]])
def test_a_value_that_is_not_text_is_refused(value):
    assert _messages(rules.company_problems({"city": value})) == {("city",): "This must be text."}


def test_text_with_a_nul_character_is_refused():
    assert _messages(rules.contact_problems({"phone": "06\x00"})) == {("phone",): "Text cannot contain NUL characters."}


def test_every_problem_is_listed_at_its_own_field():
    problems = rules.company_problems({"name": "", "email": "nope", "website": "nope"})
    assert set(_messages(problems)) == {("name",), ("email",), ("website",)}


def test_an_unknown_company_is_a_problem_of_the_company_field():
    problem = rules.unknown_company_problem(42)
    assert problem.loc == ("company_id",)
    assert problem.message.render() == "There is no company with id 42."


@pytest.mark.parametrize(
    ("first", "last", "full"), [("Jan", "Jansen", "Jan Jansen"), ("", "Jansen", "Jansen"), (" ", "Jansen", "Jansen")]
)
def test_a_full_name_is_first_and_last_name(first, last, full):
    assert rules.full_name(first, last) == full


@pytest.mark.parametrize(
    ("parts", "line"),
    [
        (("Main Street 1", "1011 AB", "Amsterdam", "Netherlands"), "Main Street 1, 1011 AB Amsterdam, Netherlands"),
        (("", "", "Amsterdam", ""), "Amsterdam"),
        (("Main Street 1", "", "", "Belgium"), "Main Street 1, Belgium"),
        (("", "", "", ""), ""),
    ],
)
def test_an_address_reads_as_on_an_envelope(parts, line):
    assert rules.address_line(*parts) == line


def test_a_company_without_sales_may_be_deleted():
    rules.check_company_can_be_deleted(0)


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (1, "This company has one sale; move or delete it first."),
        (3, "This company has 3 sales; move or delete them first."),
    ],
)
def test_a_company_with_sales_may_not_be_deleted_and_the_message_says_how_many(count, message):
    with pytest.raises(RuleViolation) as refused:
        rules.check_company_can_be_deleted(count)
    assert refused.value.message.render() == message

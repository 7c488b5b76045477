"""Companies and contacts through their services: who may write, what is refused, what a delete leaves."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from salesguide.domain.errors import NotAllowed, NotFound, RuleViolation, ValidationFailed
from salesguide.models import Company, Contact, Sale
from salesguide.queries import customers as queries
from salesguide.services import customers, sale_types

pytestmark = pytest.mark.django_db


def _problems(error):
    return {problem.loc: problem.message.render() for problem in error.problems}


@pytest.fixture
def acme(salesperson_user):
    return customers.create_company(salesperson_user, name="Acme", city="Amsterdam", email="info@acme.example")


@pytest.fixture
def make_sale(admin_user):
    def _make_sale(company, title="Deal"):
        sale_type = sale_types.create_sale_type(admin_user, name=f"Type for {title}")
        return Sale.objects.create(title=title, sale_type=sale_type, company=company, owner=admin_user)

    return _make_sale


def test_a_salesperson_creates_a_company_with_its_text_trimmed(salesperson_user):
    # When
    company = customers.create_company(salesperson_user, name="  Acme BV ", city=" Utrecht", website="acme.example")

    # Then
    stored = Company.objects.get(pk=company.pk)
    assert (stored.name, stored.city, stored.website) == ("Acme BV", "Utrecht", "acme.example")


def test_someone_not_logged_in_cannot_create_a_company(db):
    with pytest.raises(NotAllowed):
        customers.create_company(AnonymousUser(), name="Acme")
    assert not Company.objects.exists()


def test_an_inactive_user_cannot_change_a_company(acme, make_user):
    # Given
    gone = make_user("gone", "salesperson", is_active=False)

    # When / Then
    with pytest.raises(NotAllowed):
        customers.update_company(gone, acme.pk, name="Renamed")
    assert Company.objects.get(pk=acme.pk).name == "Acme"


def test_a_company_without_a_name_and_with_a_bad_e_mail_lists_both_problems(salesperson_user):
    with pytest.raises(ValidationFailed) as refused:
        customers.create_company(salesperson_user, name=" ", email="info(at)acme")
    assert _problems(refused.value) == {
        ("name",): "A name is required.",
        ("email",): "Enter a valid e-mail address.",
    }
    assert not Company.objects.exists()


def test_changing_a_company_changes_only_the_given_fields(acme, manager_user):
    # When
    customers.update_company(manager_user, acme.pk, phone="+31 20 555 0000", city="Rotterdam")

    # Then
    stored = Company.objects.get(pk=acme.pk)
    assert (stored.name, stored.city, stored.phone, stored.email) == (
        "Acme",
        "Rotterdam",
        "+31 20 555 0000",
        "info@acme.example",
    )


def test_a_refused_change_keeps_the_old_values(acme, salesperson_user):
    with pytest.raises(ValidationFailed):
        customers.update_company(salesperson_user, acme.pk, name="Acme 2", postal_code="x" * 21)
    assert Company.objects.get(pk=acme.pk).name == "Acme"


def test_changing_an_unknown_company_is_not_found(salesperson_user):
    with pytest.raises(NotFound) as missing:
        customers.update_company(salesperson_user, 999, name="Ghost")
    assert missing.value.message.render() == "No company with id 999."


def test_a_contact_belongs_to_an_existing_company(acme, salesperson_user):
    # When
    contact = customers.create_contact(
        salesperson_user, first_name="Jan", last_name="Jansen", company_id=acme.pk, email="jan@acme.example"
    )

    # Then
    assert Contact.objects.get(pk=contact.pk).company == acme
    assert contact.full_name == "Jan Jansen"


def test_a_contact_of_a_company_that_does_not_exist_is_refused_at_the_company_field(salesperson_user):
    with pytest.raises(ValidationFailed) as refused:
        customers.create_contact(salesperson_user, last_name="", company_id=424242)
    assert _problems(refused.value) == {
        ("last_name",): "A last name is required.",
        ("company_id",): "There is no company with id 424242.",
    }
    assert not Contact.objects.exists()


def test_a_contact_can_be_taken_off_their_company_and_moved_to_another(acme, salesperson_user):
    # Given
    other = customers.create_company(salesperson_user, name="Globex")
    contact = customers.create_contact(salesperson_user, last_name="Jansen", company_id=acme.pk)

    # When / Then
    assert customers.update_contact(salesperson_user, contact.pk, company_id=other.pk).company == other
    assert customers.update_contact(salesperson_user, contact.pk, company_id=None).company is None
    assert Contact.objects.get(pk=contact.pk).last_name == "Jansen"


def test_deleting_a_company_without_sales_keeps_its_contacts_without_a_company(acme, salesperson_user):
    # Given
    contact = customers.create_contact(salesperson_user, last_name="Jansen", company_id=acme.pk)

    # When
    deleted = customers.delete_company(salesperson_user, acme.pk)

    # Then
    assert deleted.name == "Acme"
    assert not Company.objects.filter(pk=acme.pk).exists()
    assert Contact.objects.get(pk=contact.pk).company is None


def test_a_company_with_sales_is_not_deleted_and_the_message_says_how_many(acme, salesperson_user, make_sale):
    # Given
    make_sale(acme, "First")
    make_sale(acme, "Second")

    # When
    with pytest.raises(RuleViolation) as refused:
        customers.delete_company(salesperson_user, acme.pk)

    # Then
    assert refused.value.message.render() == "This company has 2 sales; move or delete them first."
    assert Company.objects.filter(pk=acme.pk).exists()


def test_deleting_a_contact_keeps_their_company(acme, salesperson_user):
    # Given
    contact = customers.create_contact(salesperson_user, last_name="Jansen", company_id=acme.pk)

    # When
    customers.delete_contact(salesperson_user, contact.pk)

    # Then
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert Company.objects.filter(pk=acme.pk).exists()


def test_deleting_an_unknown_contact_is_not_found(salesperson_user):
    with pytest.raises(NotFound):
        customers.delete_contact(salesperson_user, 999)


# --- the queries behind the lists and cards ------------------------------------------------------------------


def test_a_search_finds_companies_by_name_or_city_ignoring_case(salesperson_user):
    # Given
    customers.create_company(salesperson_user, name="Acme", city="Amsterdam")
    customers.create_company(salesperson_user, name="Globex", city="Utrecht")
    customers.create_company(salesperson_user, name="Initech", org_number="NL-998877", email="hi@initech.example")

    # Then
    assert [c.name for c in queries.companies("aCmE")] == ["Acme"]
    assert [c.name for c in queries.companies("UTRECHT")] == ["Globex"]
    assert [c.name for c in queries.companies("998877")] == ["Initech"]
    assert [c.name for c in queries.companies("hi@initech")] == ["Initech"]
    assert [c.name for c in queries.companies("acme amsterdam")] == ["Acme"]
    assert list(queries.companies("acme utrecht")) == []


def test_company_pages_follow_the_name_ignoring_case_and_meet_every_company_once(salesperson_user):
    # Given
    names = ["beta", "Alpha", "delta", "Charlie", "echo", "alpha"]
    for name in names:
        customers.create_company(salesperson_user, name=name)

    # When
    seen, after = [], None
    while True:
        page = queries.company_page(limit=4, after=after)
        seen += [c.name for c in page.items]
        if page.next is None:
            break
        after = page.next

    # Then
    assert seen == ["Alpha", "alpha", "beta", "Charlie", "delta", "echo"]


def test_contacts_are_found_by_full_name_and_company_and_filtered_on_a_company(acme, salesperson_user):
    # Given
    globex = customers.create_company(salesperson_user, name="Globex")
    customers.create_contact(salesperson_user, first_name="Jan", last_name="Jansen", company_id=acme.pk)
    customers.create_contact(salesperson_user, first_name="Piet", last_name="Jansen", company_id=globex.pk)

    # Then
    assert [c.full_name for c in queries.contacts("PIET jansen")] == ["Piet Jansen"]
    assert [c.full_name for c in queries.contacts("jansen acme")] == ["Jan Jansen"]
    assert [c.full_name for c in queries.contacts("jansen")] == ["Jan Jansen", "Piet Jansen"]
    assert [c.full_name for c in queries.contacts(company_id=acme.pk)] == ["Jan Jansen"]


def test_the_company_card_has_its_contacts_and_counts_its_sales(
    acme, salesperson_user, make_sale, django_assert_num_queries
):
    # Given
    customers.create_contact(salesperson_user, first_name="Piet", last_name="Zwart", company_id=acme.pk)
    customers.create_contact(salesperson_user, first_name="Anna", last_name="de Boer", company_id=acme.pk)
    make_sale(acme)

    # When
    with django_assert_num_queries(2):
        card = queries.company_card(acme.pk)

    # Then
    assert [c.full_name for c in card.contacts] == ["Anna de Boer", "Piet Zwart"]
    assert card.sales_count == 1
    assert queries.company_card(999) is None

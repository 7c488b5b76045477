"""Settings and maintenance through its pages: who may open it, and the lists an administrator keeps —
stages, activity types, reasons, competitors, categories, document templates and users."""

from __future__ import annotations

import io
import re

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from salesguide.models import ActivityType, Category, Competitor, DocumentTemplate, Reason, Stage, User
from salesguide.services import catalog as catalog_services
from salesguide.services import templates as template_services

pytestmark = pytest.mark.django_db


def page_of(response) -> str:
    return response.content.decode()


def error_next_to(response, field: str) -> str:
    """The error text shown right under one form field ("" when there is none)."""
    match = re.search(rf'id="id_{field}_error">(.*?)</div>', page_of(response), re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip() if match else ""


def listed_names(response) -> list[str]:
    return re.findall(r'class="table__primary" href="[^"]+">([^<]+)</a>', page_of(response))


def docx_bytes(text: str = "Dear {{ contact.first_name }}") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def stages(admin_user):
    return [
        catalog_services.create_stage(admin_user, name=name, probability=probability)
        for name, probability in [("Lead", 10), ("Offer", 50), ("Contract", 90)]
    ]


# --- who may open settings ------------------------------------------------------------------------

SETTINGS_PAGES = [
    "/settings/",
    "/settings/stages/",
    "/settings/stages/add/",
    "/settings/activity-types/",
    "/settings/reasons/",
    "/settings/competitors/",
    "/settings/categories/",
    "/settings/templates/",
    "/settings/templates/add/docx/",
    "/settings/users/",
    "/settings/users/add/",
]


@pytest.mark.parametrize("path", SETTINGS_PAGES)
def test_a_salesperson_gets_a_page_saying_settings_are_for_administrators(salesperson_client, path):
    response = salesperson_client.get(path)

    assert response.status_code == 403
    assert "This page is not for you" in page_of(response)
    assert "Only administrators can open Settings and maintenance." in page_of(response)


def test_a_sales_manager_cannot_change_stages_either(manager_client):
    response = manager_client.post("/settings/stages/add/", {"name": "Lead", "probability": "10"})

    assert response.status_code == 403
    assert not Stage.objects.exists()


@pytest.mark.parametrize("path", SETTINGS_PAGES)
def test_an_administrator_opens_every_settings_page(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_the_settings_page_lists_every_area_including_the_guides(admin_client):
    page = page_of(admin_client.get("/settings/"))

    for link in [
        "/settings/guides/",
        "/settings/stages/",
        "/settings/activity-types/",
        "/settings/templates/",
        "/settings/reasons/",
        "/settings/competitors/",
        "/settings/categories/",
        "/settings/users/",
    ]:
        assert f'href="{link}"' in page
    assert "Sale types and guides" in page


def test_only_administrators_see_settings_in_the_top_bar(admin_client, salesperson_client):
    assert 'href="/settings/">Settings</a>' in page_of(admin_client.get("/")).replace(' aria-current="page"', "")
    assert "Settings</a>" not in page_of(salesperson_client.get("/"))


# --- stages ---------------------------------------------------------------------------------------


def test_an_empty_stage_list_says_what_to_do_next(admin_client):
    page = page_of(admin_client.get("/settings/stages/"))

    assert "No stages yet" in page
    assert "Add the first stage" in page
    assert 'href="/settings/stages/add/"' in page


def test_adding_a_stage_lists_it_with_its_probability_and_confirms(admin_client):
    response = admin_client.post(
        "/settings/stages/add/",
        {"name": "Lead", "probability": "10", "description": "First contact"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/settings/stages/"
    assert "“Lead” is added." in page_of(response)
    assert listed_names(response) == ["Lead"]
    assert "10%" in page_of(response)
    assert Stage.objects.get().description == "First contact"


def test_a_probability_of_101_shows_the_error_next_to_the_field_and_saves_nothing(admin_client):
    response = admin_client.post("/settings/stages/add/", {"name": "Lead", "probability": "101"})

    assert response.status_code == 200
    assert error_next_to(response, "probability") == "The probability must be between 0 and 100, not 101."
    assert error_next_to(response, "name") == ""
    assert re.search(r'name="probability"[^>]*aria-invalid="true"', page_of(response))
    assert 'value="Lead"' in page_of(response)
    assert not Stage.objects.exists()


def test_a_stage_without_name_or_probability_gets_a_message_next_to_each_field(admin_client):
    response = admin_client.post("/settings/stages/add/", {"name": "  ", "probability": ""})

    assert error_next_to(response, "name") == "A name is required."
    assert error_next_to(response, "probability") == "The probability must be a whole number from 0 to 100."
    assert not Stage.objects.exists()


def test_a_duplicate_stage_name_is_reported_next_to_the_name_and_saves_nothing(admin_client, stages):
    response = admin_client.post("/settings/stages/add/", {"name": "lead", "probability": "20"})

    assert error_next_to(response, "name") == "There is already a stage named “Lead”."
    assert Stage.objects.count() == 3


def test_editing_a_stage_shows_its_values_then_saves_and_confirms(admin_client, stages):
    lead = stages[0]
    form = page_of(admin_client.get(f"/settings/stages/{lead.pk}/"))

    response = admin_client.post(
        f"/settings/stages/{lead.pk}/",
        {"name": "Qualified lead", "probability": "15", "description": ""},
        follow=True,
    )

    assert 'value="Lead"' in form and 'value="10"' in form
    assert "“Qualified lead” is saved." in page_of(response)
    lead.refresh_from_db()
    assert (lead.name, lead.probability) == ("Qualified lead", 15)


def test_editing_a_stage_to_a_bad_probability_keeps_the_old_value(admin_client, stages):
    lead = stages[0]

    response = admin_client.post(f"/settings/stages/{lead.pk}/", {"name": "Lead", "probability": "-1"})

    assert error_next_to(response, "probability") == "The probability must be between 0 and 100, not -1."
    lead.refresh_from_db()
    assert lead.probability == 10


def test_editing_a_stage_that_does_not_exist_shows_not_found(admin_client):
    assert admin_client.get("/settings/stages/999/").status_code == 404


def test_deleting_a_stage_asks_first_then_hides_it_until_show_deleted(admin_client, stages):
    offer = stages[1]

    question = admin_client.get(f"/settings/stages/{offer.pk}/delete/")
    response = admin_client.post(f"/settings/stages/{offer.pk}/delete/", follow=True)
    with_deleted = admin_client.get("/settings/stages/?deleted=1")

    assert "Delete “Offer”?" in page_of(question)
    assert "“Offer” is deleted." in page_of(response)
    assert listed_names(response) == ["Lead", "Contract"]
    assert listed_names(with_deleted) == ["Lead", "Offer", "Contract"]
    assert "deleted</span>" in page_of(with_deleted)
    # Restoring a stage opens a page that asks which sale types it goes back into (issue 9, item 11).
    assert f'href="/settings/stages/{offer.pk}/restore/"' in page_of(with_deleted)
    assert Stage.objects.get(pk=offer.pk).deleted is True


def test_restoring_a_stage_brings_it_back_and_confirms(admin_client, admin_user, stages):
    catalog_services.delete_stage(admin_user, stages[1].pk)

    response = admin_client.post(
        f"/settings/stages/{stages[1].pk}/restore/", {"next": "/settings/stages/?deleted=1"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/settings/stages/?deleted=1"
    assert "“Offer” is restored." in page_of(response)
    assert Stage.objects.get(pk=stages[1].pk).deleted is False


def test_restoring_a_stage_whose_name_was_taken_meanwhile_says_why_it_cannot(admin_client, admin_user, stages):
    catalog_services.delete_stage(admin_user, stages[0].pk)
    catalog_services.create_stage(admin_user, name="Lead", probability=5)

    response = admin_client.post(f"/settings/stages/{stages[0].pk}/restore/", follow=True)

    assert "There is already a stage named “Lead”." in page_of(response)
    assert Stage.objects.get(pk=stages[0].pk).deleted is True


def test_moving_a_stage_down_changes_the_order_and_confirms(admin_client, stages):
    response = admin_client.post(f"/settings/stages/{stages[0].pk}/move/", {"direction": "down"}, follow=True)

    assert "Moved “Lead” down." in page_of(response)
    assert listed_names(response) == ["Offer", "Lead", "Contract"]


def test_moving_a_stage_up_with_htmx_answers_with_the_list_and_the_message_only(admin_client, stages):
    response = admin_client.post(f"/settings/stages/{stages[2].pk}/move/", {"direction": "up"}, HTTP_HX_REQUEST="true")

    page = page_of(response)
    assert "<html" not in page
    assert 'id="item-list"' in page
    assert re.search(r'id="messages"[^>]*hx-swap-oob="true"', page)
    assert "Moved “Contract” up." in page
    assert listed_names(response) == ["Lead", "Contract", "Offer"]


def test_the_first_stage_offers_no_way_up_and_the_last_no_way_down(admin_client, stages):
    page = page_of(admin_client.get("/settings/stages/"))

    assert re.search(rf'id="move-up-{stages[0].pk}"[^>]*disabled', page)
    assert not re.search(rf'id="move-down-{stages[0].pk}"[^>]*disabled', page)
    assert re.search(rf'id="move-down-{stages[2].pk}"[^>]*disabled', page)


def test_searching_narrows_the_list_and_says_when_nothing_matches(admin_client, stages):
    found = admin_client.get("/settings/stages/?q=off")
    nothing = admin_client.get("/settings/stages/?q=zebra")

    assert listed_names(found) == ["Offer"]
    assert "Nothing matches “zebra”" in page_of(nothing)


def test_searching_with_htmx_answers_with_the_list_only(admin_client, stages):
    response = admin_client.get("/settings/stages/?q=con", HTTP_HX_REQUEST="true")

    assert "<html" not in page_of(response)
    assert listed_names(response) == ["Contract"]


# --- the other simple lists -----------------------------------------------------------------------


def test_adding_an_activity_type_lists_its_kind_and_default_duration(admin_client):
    response = admin_client.post(
        "/settings/activity-types/add/",
        {"name": "Phone call (out)", "kind": "call", "default_duration_minutes": "15"},
        follow=True,
    )

    page = page_of(response)
    assert "“Phone call (out)” is added." in page
    assert "Phone call</span>" in page
    assert "15 minutes" in page
    assert ActivityType.objects.get().kind == "call"


def test_a_negative_default_duration_is_reported_next_to_the_field(admin_client):
    response = admin_client.post(
        "/settings/activity-types/add/", {"name": "Task", "kind": "task", "default_duration_minutes": "-5"}
    )

    assert error_next_to(response, "default_duration_minutes").startswith("Enter a whole number from 0 to")
    assert not ActivityType.objects.exists()


def test_reasons_are_listed_grouped_by_kind(admin_client):
    admin_client.post("/settings/reasons/add/", {"name": "Price too high", "kind": "lost"})
    admin_client.post("/settings/reasons/add/", {"name": "Best offer", "kind": "sold"})

    page = page_of(admin_client.get("/settings/reasons/"))

    sold, lost, stalled = (page.index(f'table-group__title">{kind}<') for kind in ("Sold", "Lost", "Stalled"))
    assert sold < page.index(">Best offer<") < lost < page.index(">Price too high<") < stalled


def test_the_same_reason_name_may_serve_two_kinds_but_not_one_kind_twice(admin_client):
    admin_client.post("/settings/reasons/add/", {"name": "Budget", "kind": "lost"})
    admin_client.post("/settings/reasons/add/", {"name": "Budget", "kind": "stalled"})
    response = admin_client.post("/settings/reasons/add/", {"name": "budget", "kind": "lost"})

    assert error_next_to(response, "name") == "There is already a reason named “Budget”."
    assert sorted(Reason.objects.values_list("kind", flat=True)) == ["lost", "stalled"]


@pytest.mark.parametrize(("slug", "model"), [("competitors", Competitor), ("categories", Category)])
def test_a_named_list_supports_add_rename_delete_and_restore(admin_client, slug, model):
    admin_client.post(f"/settings/{slug}/add/", {"name": "Acme"})
    item = model.objects.get()

    renamed = admin_client.post(f"/settings/{slug}/{item.pk}/", {"name": "Acme Corp"}, follow=True)
    deleted = admin_client.post(f"/settings/{slug}/{item.pk}/delete/", follow=True)
    restored = admin_client.post(f"/settings/{slug}/{item.pk}/restore/", follow=True)

    assert "“Acme Corp” is saved." in page_of(renamed)
    assert "“Acme Corp” is deleted." in page_of(deleted) and listed_names(deleted) == []
    assert "“Acme Corp” is restored." in page_of(restored) and listed_names(restored) == ["Acme Corp"]


# --- document templates ---------------------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_an_uploaded_word_template_is_listed_and_downloads_unchanged(admin_client):
    content = docx_bytes()

    response = admin_client.post(
        "/settings/templates/add/docx/",
        {"name": "Quote letter", "kind": "quote", "file": upload("quote.docx", content)},
        follow=True,
    )
    template = DocumentTemplate.objects.get()
    download = admin_client.get(f"/settings/templates/{template.pk}/download/")

    assert "“Quote letter” is added." in page_of(response)
    assert "quote.docx" in page_of(response)
    assert b"".join(download.streaming_content) == content
    assert 'attachment; filename="quote.docx"' in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("notes.txt", b"hello", "Upload a Word document (.docx)."),
        ("fake.docx", b"this is not a zip file", "This is not a valid Word document (.docx)."),
    ],
)
def test_an_upload_that_is_not_a_word_document_is_refused_next_to_the_file_field(
    admin_client, filename, content, message
):
    response = admin_client.post(
        "/settings/templates/add/docx/",
        {"name": "Letter", "kind": "letter", "file": upload(filename, content)},
    )

    assert error_next_to(response, "file") == message
    assert not DocumentTemplate.objects.exists()


def test_a_word_template_over_the_size_limit_is_refused(admin_client, settings):
    settings.TEMPLATE_UPLOAD_MAX_BYTES = 2048

    response = admin_client.post(
        "/settings/templates/add/docx/",
        {"name": "Big", "kind": "letter", "file": upload("big.docx", docx_bytes("x" * 5000))},
    )

    assert error_next_to(response, "file") == "The file is too large (at most 2 KB)."
    assert not DocumentTemplate.objects.exists()


def test_a_word_template_needs_a_file(admin_client):
    response = admin_client.post("/settings/templates/add/docx/", {"name": "Letter", "kind": "letter"})

    assert error_next_to(response, "file") == "Upload a Word document (.docx)."


def test_an_email_template_is_written_in_the_page(admin_client):
    response = admin_client.post(
        "/settings/templates/add/text/",
        {
            "name": "Follow-up mail",
            "kind": "email",
            "format": "text",
            "body": "Hello {{ contact.first_name }}",
        },
        follow=True,
    )

    assert "“Follow-up mail” is added." in page_of(response)
    template = DocumentTemplate.objects.get()
    assert (template.format, template.body) == ("text", "Hello {{ contact.first_name }}")


def test_an_email_template_without_a_body_is_refused_next_to_the_body(admin_client):
    response = admin_client.post(
        "/settings/templates/add/text/", {"name": "Empty", "kind": "email", "format": "html", "body": " "}
    )

    assert error_next_to(response, "body") == "The template needs a body."


def test_replacing_the_file_of_a_word_template_keeps_its_name(admin_client, admin_user):
    template = template_services.create_docx_template(
        admin_user, name="Contract", kind="contract", content=docx_bytes("v1"), filename="v1.docx"
    )
    new_content = docx_bytes("v2")

    response = admin_client.post(
        f"/settings/templates/{template.pk}/",
        {"name": "Contract", "kind": "contract", "file": upload("v2.docx", new_content)},
        follow=True,
    )

    assert "“Contract” is saved." in page_of(response)
    download = admin_client.get(f"/settings/templates/{template.pk}/download/")
    assert b"".join(download.streaming_content) == new_content


def test_editing_a_word_template_without_a_new_file_keeps_the_old_one(admin_client, admin_user):
    content = docx_bytes("keep me")
    template = template_services.create_docx_template(
        admin_user, name="Letter", kind="letter", content=content, filename="letter.docx"
    )

    admin_client.post(f"/settings/templates/{template.pk}/", {"name": "Welcome letter", "kind": "letter"})

    template.refresh_from_db()
    assert template.name == "Welcome letter"
    assert template_services.template_content(template) == content


def test_a_deleted_template_can_be_restored(admin_client, admin_user):
    template = template_services.create_text_template(admin_user, name="Mail", body="Hi")

    deleted = admin_client.post(f"/settings/templates/{template.pk}/delete/", follow=True)
    restored = admin_client.post(f"/settings/templates/{template.pk}/restore/", follow=True)

    assert "“Mail” is deleted." in page_of(deleted) and "No document templates yet" in page_of(deleted)
    assert "“Mail” is restored." in page_of(restored)
    assert DocumentTemplate.objects.get().deleted is False


# --- users ----------------------------------------------------------------------------------------


def user_form(**changes):
    data = {
        "username": "nora",
        "first_name": "Nora",
        "last_name": "Noord",
        "email": "",
        "role": "salesperson",
        "language": "nl",
        "password": "",
    }
    data.update(changes)
    return data


def test_the_users_page_lists_everyone_with_their_role(admin_client, salesperson_user, manager_user):
    page = page_of(admin_client.get("/settings/users/"))

    assert "Administrator" in page and "Sales manager" in page and "Salesperson" in page
    assert re.findall(r'class="table__primary" href="[^"]+">([^<]+)</a>', page) == [
        "admin",
        "manager",
        "salesperson",
    ]


def test_adding_a_user_without_a_password_shows_a_generated_one_once(admin_client):
    response = admin_client.post("/settings/users/add/", user_form())

    page = page_of(response)
    password = re.search(r'id="shown-password" type="text" value="([^"]+)"', page).group(1)
    assert "User “nora” is added." in page
    assert "it is shown only this once" in page
    user = User.objects.get(username="nora")
    assert user.check_password(password)
    assert (user.role, user.language) == ("salesperson", "nl")
    assert password not in page_of(admin_client.get("/settings/users/"))


def test_a_weak_password_is_refused_next_to_the_password_field(admin_client):
    response = admin_client.post("/settings/users/add/", user_form(password="123"))

    assert "too short" in error_next_to(response, "password")
    assert not User.objects.filter(username="nora").exists()


def test_a_user_name_that_is_taken_is_reported_next_to_the_user_name(admin_client, salesperson_user):
    response = admin_client.post("/settings/users/add/", user_form(username="Salesperson"))

    assert error_next_to(response, "username") == "There is already a user named “Salesperson”."


def test_changing_role_language_and_active_is_saved_and_confirmed(admin_client, salesperson_user):
    response = admin_client.post(
        f"/settings/users/{salesperson_user.pk}/", {"role": "manager", "language": "nl"}, follow=True
    )

    assert "User “salesperson” is saved." in page_of(response)
    salesperson_user.refresh_from_db()
    assert (salesperson_user.role, salesperson_user.language, salesperson_user.is_active) == (
        "manager",
        "nl",
        False,
    )
    assert "salesperson" not in listed_names(response)
    assert "salesperson" in listed_names(admin_client.get("/settings/users/?inactive=1"))


def test_an_administrator_cannot_take_away_their_own_rights(admin_client, admin_user):
    response = admin_client.post(
        f"/settings/users/{admin_user.pk}/", {"role": "salesperson", "language": "en", "is_active": "on"}
    )

    assert "You cannot take away your own administrator rights." in page_of(response)
    admin_user.refresh_from_db()
    assert admin_user.role == "admin"


def test_setting_a_new_generated_password_shows_it_once(admin_client, salesperson_user, user_password):
    response = admin_client.post(f"/settings/users/{salesperson_user.pk}/password/", {"password": ""})

    password = re.search(r'id="shown-password" type="text" value="([^"]+)"', page_of(response)).group(1)
    salesperson_user.refresh_from_db()
    assert salesperson_user.check_password(password)
    assert not salesperson_user.check_password(user_password)


def test_the_users_page_filters_by_role(admin_client, salesperson_user, manager_user):
    response = admin_client.get("/settings/users/?role=manager")

    assert listed_names(response) == ["manager"]


def test_the_user_form_shows_a_bad_user_name_beside_an_e_mail_address_that_did_not_parse(admin_client):
    # Given a user name with a space (a rule of the service) and an e-mail address that is not one (issue 9, 12)
    response = admin_client.post(
        "/settings/users/add/", user_form(username="maria jansen", email="not an address", password="")
    )
    # Then both problems show at once, and no user is added
    assert "user name" in error_next_to(response, "username")
    assert error_next_to(response, "email")
    assert not User.objects.filter(username__icontains="maria").exists()

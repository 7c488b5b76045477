"""Logging in and out, the language switch, the home page and the profile page with its API tokens, as a
person sees them through the web pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from salesguide.models import ApiToken
from salesguide.services import accounts as account_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_visitor() -> Client:
    """A visitor who is not logged in and chose English on the login page."""
    client = Client()
    client.post("/language/", {"language": "en", "next": "/login/"})
    return client


def html_lang(response) -> str:
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


# --- login and logout -----------------------------------------------------------------------------


def test_the_login_page_asks_for_user_name_and_password(english_visitor):
    response = english_visitor.get("/login/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="username"' in page and 'name="password"' in page
    assert "Log in" in page


@pytest.mark.parametrize("path", ["/", "/profile/", "/settings/", "/settings/stages/", "/settings/users/"])
def test_every_page_but_login_sends_a_visitor_who_is_not_logged_in_to_the_login_page(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_logging_in_with_the_right_password_opens_the_home_page(english_visitor, admin_user, user_password):
    response = english_visitor.post("/login/", {"username": "admin", "password": user_password}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "Team overview" in response.content.decode()  # an administrator's home: the team's view


def test_logging_in_returns_to_the_page_that_was_asked_for(english_visitor, admin_user, user_password):
    response = english_visitor.post("/login/", {"username": "admin", "password": user_password, "next": "/profile/"})

    assert response["Location"] == "/profile/"


def test_a_wrong_password_is_refused_with_a_clear_message(english_visitor, admin_user):
    response = english_visitor.post("/login/", {"username": "admin", "password": "not-the-password"})

    assert response.status_code == 200
    assert "The user name or password is not right." in response.content.decode()
    assert english_visitor.get("/").status_code == 302


def test_after_five_wrong_passwords_logging_in_is_paused_with_a_clear_message(
    english_visitor, admin_user, user_password
):
    for _ in range(5):
        english_visitor.post("/login/", {"username": "admin", "password": "wrong"})

    response = english_visitor.post("/login/", {"username": "admin", "password": user_password})

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed attempts" in page
    assert "Try again in 15 minutes." in page
    assert english_visitor.get("/").status_code == 302


def test_logging_out_ends_the_session_and_confirms_it(admin_client):
    response = admin_client.post("/logout/", follow=True)

    assert response.redirect_chain[-1][0] == "/login/"
    assert "You are logged out." in response.content.decode()
    assert admin_client.get("/").status_code == 302


def test_logging_out_needs_a_form_post_not_a_link(admin_client):
    assert admin_client.get("/logout/").status_code == 405
    assert admin_client.get("/").status_code == 200


def test_the_login_page_keeps_the_language_of_the_person_who_logged_out(make_user):
    dutch = make_user("dutch", "salesperson", language="nl")
    client = Client()
    client.force_login(dutch)

    client.post("/logout/")

    assert html_lang(client.get("/login/")) == "nl"


# --- language -------------------------------------------------------------------------------------


def test_the_language_switch_on_the_login_page_changes_the_language_of_the_page(client):
    client.post("/language/", {"language": "en", "next": "/login/"})
    english = client.get("/login/")
    client.post("/language/", {"language": "nl", "next": "/login/"})
    dutch = client.get("/login/")

    assert html_lang(english) == "en" and english["Content-Language"] == "en"
    assert html_lang(dutch) == "nl" and dutch["Content-Language"] == "nl"
    assert 'aria-pressed="true">English' in english.content.decode()


def test_the_language_switch_returns_to_the_login_page_it_came_from(client):
    response = client.post("/language/", {"language": "en", "next": "/login/?next=/profile/"})

    assert response["Location"] == "/login/?next=/profile/"


def test_the_language_switch_never_sends_a_visitor_to_another_site(client):
    response = client.post("/language/", {"language": "en", "next": "https://elsewhere.example/"})

    assert response["Location"] == "/login/"


def test_a_logged_in_user_sees_pages_in_their_own_language(make_user):
    dutch, english = make_user("nina", "salesperson", language="nl"), make_user("ed", "salesperson")
    dutch_client, english_client = Client(), Client()
    dutch_client.force_login(dutch)
    english_client.force_login(english)

    assert html_lang(dutch_client.get("/")) == "nl"
    assert html_lang(english_client.get("/")) == "en"


# --- home -----------------------------------------------------------------------------------------


def test_the_home_page_shows_an_administrator_the_way_into_settings_and_the_guides(admin_client):
    page = admin_client.get("/").content.decode()

    assert "Set up sale types and guides" in page  # the empty team's view, before the first sale
    assert 'href="/settings/"' in page
    assert 'href="/settings/guides/"' in page
    assert "How Salesguide works" not in page


def test_the_home_page_of_a_salesperson_is_their_day_without_settings(salesperson_client):
    page = salesperson_client.get("/").content.decode()

    assert "My day" in page and "How Salesguide works" not in page
    assert "Set up sale types and guides" not in page
    assert 'href="/settings/"' not in page


# --- profile --------------------------------------------------------------------------------------


def profile_form(**changes):
    data = {
        "first_name": "Sam",
        "last_name": "Seller",
        "email": "salesperson@example.com",
        "language": "en",
        "confirm_suggested_followups": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_profile_shows_the_current_preferences(salesperson_client):
    page = salesperson_client.get("/profile/").content.decode()

    assert 'value="salesperson@example.com"' in page
    assert re.search(r'<input type="radio" name="language" value="en"[^>]*checked', page)
    assert re.search(r'name="confirm_suggested_followups"[^>]*checked', page)


def test_changing_the_language_on_the_profile_is_saved_and_the_next_page_speaks_it(
    salesperson_client, salesperson_user
):
    response = salesperson_client.post("/profile/", profile_form(language="nl"), follow=True)

    salesperson_user.refresh_from_db()
    assert salesperson_user.language == "nl"
    assert html_lang(response) == "nl"
    assert "Your profile is saved." in response.content.decode()


def test_switching_off_confirmation_of_suggested_followups_is_remembered(salesperson_client, salesperson_user):
    salesperson_client.post("/profile/", profile_form(confirm_suggested_followups=None))

    salesperson_user.refresh_from_db()
    assert salesperson_user.confirm_suggested_followups is False


def test_an_invalid_email_address_is_reported_next_to_the_field_and_nothing_is_saved(
    salesperson_client, salesperson_user
):
    response = salesperson_client.post("/profile/", profile_form(email="not-an-address", first_name="Changed"))

    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(r'id="id_email_error">(.*?)</div>', page, re.S).group(1)
    assert "Enter a valid email address." in error
    assert re.search(r'name="email"[^>]*aria-invalid="true"', page)
    salesperson_user.refresh_from_db()
    assert salesperson_user.first_name == "Sam"


# --- API tokens -----------------------------------------------------------------------------------


def test_a_new_api_token_is_shown_once_with_a_copy_hint(salesperson_client, salesperson_user):
    response = salesperson_client.post("/profile/tokens/", {"name": "Nightly export"})

    page = response.content.decode()
    key = re.search(r'id="new-token" type="text" value="(sg_[^"]+)"', page).group(1)
    assert "it is shown only this once" in page
    assert account_services.user_for_token(key) == salesperson_user
    again = salesperson_client.get("/profile/").content.decode()
    assert key not in again
    assert "Nightly export" in again and key[:8] in again


def test_the_token_list_shows_name_prefix_and_when_it_was_last_used(salesperson_client, salesperson_user):
    token, key = account_services.create_token(salesperson_user, "Reports")
    account_services.user_for_token(key)

    page = salesperson_client.get("/profile/").content.decode()

    row = re.search(r"<tr>\s*<td data-label=\"Name\">Reports</td>(.*?)</tr>", page, re.S).group(1)
    assert token.prefix in row
    assert "Never" not in row


def test_revoking_a_token_asks_first_and_then_the_token_no_longer_works(salesperson_client, salesperson_user):
    token, key = account_services.create_token(salesperson_user, "Old script")

    question = salesperson_client.get(f"/profile/tokens/{token.pk}/revoke/")
    response = salesperson_client.post(f"/profile/tokens/{token.pk}/revoke/", follow=True)

    assert "Revoke the token “Old script”?" in question.content.decode()
    page = response.content.decode()
    assert "Revoked the token “Old script”." in page
    assert "No API tokens yet" in page
    assert account_services.user_for_token(key) is None


def test_a_user_cannot_revoke_someone_elses_token(salesperson_client, admin_user):
    token, key = account_services.create_token(admin_user, "Admin script")

    response = salesperson_client.post(f"/profile/tokens/{token.pk}/revoke/", follow=True)

    assert "No API token with id" in response.content.decode()
    assert account_services.user_for_token(key) == admin_user
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_an_unknown_address_shows_a_not_found_page_with_a_way_back(salesperson_client):
    response = salesperson_client.get("/no-such-page/")

    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()
    assert 'href="/"' in response.content.decode()

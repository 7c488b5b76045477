"""Every error is JSON with a ``detail``, in the caller's language, and never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_malformed_json_answers_400_with_a_detail(api):
    # When
    response = api.post("stages", '{"name": "Qualify", "probability": ', content_type="application/json")

    # Then
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}


@pytest.mark.parametrize("body", [["Qualify", 10], "Qualify", 10])
def test_a_json_body_that_is_not_an_object_answers_422(api, body):
    # When
    response = api.post("stages", json.dumps(body))

    # Then
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body"], "msg": "This must be a JSON object."}]}


def test_an_empty_body_answers_422(api):
    # When
    response = api.post("stages", "")

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


@pytest.mark.parametrize("name", ["Qual\x00ify", "x" * 101, "   "])
def test_a_name_that_cannot_be_stored_is_refused_with_422_on_the_name(api, name):
    # When
    response = api.post("stages", {"name": name, "probability": 10})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


def test_a_description_longer_than_the_limit_is_refused(api):
    # When
    response = api.post("stages", {"name": "Qualify", "probability": 10, "description": "x" * 20_001})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "description"], "msg": "Use at most 20000 characters."}]


def test_an_unknown_path_below_the_api_answers_a_json_404(api):
    # When
    response = api.get("no-such-thing")

    # Then
    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_id_that_is_not_a_number_answers_a_json_404(api):
    # When
    response = api.get("stages/first")

    # Then
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_method_the_endpoint_does_not_have_answers_a_json_405(api):
    # When
    response = api.client.put("/api/v1/stages", "{}", content_type="application/json", headers=api.headers)

    # Then
    assert response.status_code == 405
    assert response.json() == {"detail": "This endpoint does not accept PUT."}
    assert "GET" in response.headers["Allow"]


def test_a_wrongly_typed_query_parameter_answers_422_naming_it(api):
    # When
    response = api.get("stages", include_deleted="maybe")

    # Then
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["query", "include_deleted"], "msg": "Enter true or false."}]}


def test_messages_follow_the_accept_language_header(make_api, admin_user, token_for):
    # Given a Dutch-speaking script
    dutch = make_api(token_for(admin_user), language="nl")

    # When
    response = dutch.post("stages", {"probability": 10})

    # Then (Django's own Dutch catalogue already knows this sentence)
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "name"], "msg": "Dit veld is verplicht."}]


def test_without_accept_language_messages_follow_the_users_own_language(make_user, token_for):
    # Given a Dutch user whose script does not say which language it wants
    user = make_user("piet", "admin", language="nl")
    client = Client()
    headers = {"Authorization": f"Bearer {token_for(user)}"}

    # When
    response = client.post("/api/v1/stages", {"probability": "veel"}, content_type="application/json", headers=headers)

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "name"], "msg": "Dit veld is verplicht."},
        {"loc": ["body", "probability"], "msg": "Voer een geheel getal in."},
    ]


def test_an_explicit_accept_language_wins_over_the_users_language(make_user, token_for, make_api):
    # Given
    user = make_user("piet", "admin", language="nl")
    english = make_api(token_for(user), language="en-GB,nl;q=0.5")

    # When
    response = english.post("stages", {"probability": 10})

    # Then
    assert response.json()["detail"] == [{"loc": ["body", "name"], "msg": "This field is required."}]


def test_an_unexpected_error_is_logged_and_answered_in_json(api, monkeypatch, caplog):
    # Given a bug somewhere below the API
    from salesguide.services import catalog

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(catalog, "create_stage", broken)

    # When
    response = api.post("stages", {"name": "Qualify", "probability": 10})

    # Then
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side. The error has been logged."}
    assert any("boom" in str(record.exc_info[1]) for record in caplog.records if record.exc_info)


def test_a_write_to_an_unknown_path_answers_a_json_404_even_from_a_browser(admin_user):
    # Given
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)

    # When
    response = browser.patch("/api/v1/stages/first", "{}", content_type="application/json")

    # Then
    assert response.status_code == 404
    assert response.json()["detail"]

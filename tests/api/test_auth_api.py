"""Who may call the API: bearer tokens, browser sessions with CSRF, and the admin-only writes."""

from __future__ import annotations

import pytest
from django.test import Client

from salesguide.services import accounts

pytestmark = pytest.mark.django_db

CONFIGURATION_WRITES = [
    ("post", "stages", {"name": "Qualify", "probability": 10}),
    ("post", "activity-types", {"name": "Call", "kind": "call"}),
    ("post", "reasons", {"name": "Price", "kind": "lost"}),
    ("post", "competitors", {"name": "Rival"}),
    ("post", "categories", {"name": "Services"}),
    ("post", "document-templates", {"name": "Welcome", "kind": "email", "body": "<p>Hi</p>"}),
    ("post", "sale-types", {"name": "New customer"}),
]


def test_health_answers_without_a_token_and_names_the_database(anonymous_api):
    # When
    response = anonymous_api.get("health")

    # Then
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] in ("sqlite", "postgresql")


@pytest.mark.parametrize("path", ["stages", "sale-types", "users/me", "sale-types/1/guide"])
def test_a_call_without_a_token_answers_401_with_a_detail(anonymous_api, path):
    # When
    response = anonymous_api.get(path)

    # Then
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Basic YWRtaW46c2VjcmV0", "sg_abc"])
def test_a_wrong_or_malformed_authorization_header_answers_401(db, header):
    # Given
    client = Client()

    # When
    response = client.get("/api/v1/stages", headers={"Authorization": header})

    # Then
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_revoked_token_answers_401(admin_user, make_api):
    # Given a script's token that worked
    token, key = accounts.create_token(admin_user, "script")
    script = make_api(key)
    assert script.get("stages").status_code == 200

    # When the admin revokes it
    accounts.revoke_token(admin_user, token.pk)

    # Then
    response = script.get("stages")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_revoked_token_is_refused_even_from_a_browser_that_is_logged_in(admin_user):
    # Given
    token, key = accounts.create_token(admin_user)
    accounts.revoke_token(admin_user, token.pk)
    browser = Client()
    browser.force_login(admin_user)

    # When
    response = browser.get("/api/v1/stages", headers={"Authorization": f"Bearer {key}"})

    # Then
    assert response.status_code == 401


def test_the_token_of_a_user_who_can_no_longer_log_in_answers_401(admin_user, salesperson_user, token_for, make_api):
    # Given
    script = make_api(token_for(salesperson_user))
    accounts.update_user(admin_user, salesperson_user.pk, is_active=False)

    # When
    response = script.get("stages")

    # Then
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), CONFIGURATION_WRITES, ids=[w[1] for w in CONFIGURATION_WRITES])
def test_a_salespersons_token_cannot_write_configuration(salesperson_api, method, path, body):
    # When
    response = getattr(salesperson_api, method)(path, body)

    # Then
    assert response.status_code == 403
    assert response.json() == {"detail": "Only administrators can change the configuration."}
    assert salesperson_api.get(path).json()["items"] == []


def test_a_manager_cannot_change_or_delete_a_stage_either(api, manager_api, make_stage):
    # Given
    stage = make_stage("Qualify", 10)

    # When
    patched = manager_api.patch(f"stages/{stage['id']}", {"probability": 90})
    deleted = manager_api.delete(f"stages/{stage['id']}")
    reordered = manager_api.post("stages/reorder", {"ids": [stage["id"]]})

    # Then
    assert (patched.status_code, deleted.status_code, reordered.status_code) == (403, 403, 403)
    assert api.get(f"stages/{stage['id']}").json() == stage


def test_a_salesperson_reads_the_configuration(salesperson_api, make_sale_type):
    # Given
    sale_type = make_sale_type("New customer", has_guide=True)

    # When
    stages = salesperson_api.get("stages")
    sale_types = salesperson_api.get("sale-types")
    guide = salesperson_api.get(f"sale-types/{sale_type['id']}/guide")

    # Then
    assert stages.status_code == sale_types.status_code == guide.status_code == 200
    assert [s["name"] for s in stages.json()["items"]] == ["New customer first", "New customer second"]
    assert sale_types.json()["items"][0]["name"] == "New customer"
    assert guide.json()["active"] is True


def _logged_in_browser(user) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    return browser


def test_a_browser_session_reads_without_a_token(admin_user):
    # Given
    browser = _logged_in_browser(admin_user)

    # When
    response = browser.get("/api/v1/users/me")

    # Then
    assert response.status_code == 200
    assert response.json()["username"] == "admin"


def test_a_session_write_without_the_csrf_token_is_refused_with_403(admin_user):
    # Given
    browser = _logged_in_browser(admin_user)

    # When
    response = browser.post("/api/v1/stages", {"name": "Qualify", "probability": 10}, content_type="application/json")

    # Then
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert browser.get("/api/v1/stages").json()["items"] == []


def test_a_session_write_with_the_csrf_token_of_the_docs_page_succeeds(admin_user):
    # Given the interactive docs page, which hands the browser its CSRF token
    browser = _logged_in_browser(admin_user)
    assert browser.get("/api/v1/docs").status_code == 200
    csrf_token = browser.cookies["csrftoken"].value

    # When
    response = browser.post(
        "/api/v1/stages",
        {"name": "Qualify", "probability": 10},
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token},
    )

    # Then
    assert response.status_code == 201
    assert response.json()["name"] == "Qualify"


def test_a_token_write_needs_no_csrf_token(admin_user, token_for, make_api):
    # Given a client that enforces CSRF like a browser would, but calls with a token
    script = make_api(token_for(admin_user), client=Client(enforce_csrf_checks=True))

    # When
    response = script.post("stages", {"name": "Qualify", "probability": 10})

    # Then
    assert response.status_code == 201


def test_an_anonymous_write_answers_401_not_a_csrf_complaint(db):
    # Given
    browser = Client(enforce_csrf_checks=True)

    # When
    response = browser.post("/api/v1/stages", {"name": "X", "probability": 1}, content_type="application/json")

    # Then
    assert response.status_code == 401


def test_the_api_throttles_a_caller_who_sends_too_many_requests(api, settings):
    # Given
    settings.SALESGUIDE_API_RATE = "3/min"
    from django.core.cache import cache

    cache.clear()

    # When
    statuses = [api.get("stages").status_code for _ in range(4)]

    # Then
    assert statuses == [200, 200, 200, 429]
    last = api.get("stages")
    assert last.json()["detail"] == "Too many requests; wait a moment and try again."
    assert int(last.headers["Retry-After"]) >= 1
    cache.clear()

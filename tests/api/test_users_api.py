"""Users: my own profile for everyone; the list of users for administrators."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_me_shows_who_the_token_belongs_to(salesperson_api, salesperson_user):
    # When
    response = salesperson_api.get("users/me")

    # Then
    assert response.status_code == 200
    assert response.json() == {
        "id": salesperson_user.pk,
        "username": "salesperson",
        "first_name": "Sam",
        "last_name": "Seller",
        "email": "salesperson@example.com",
        "role": "salesperson",
        "language": "en",
        "confirm_suggested_followups": True,
        "time_zone": "",
        "calendar_url": None,
        "is_active": True,
    }


def test_a_salesperson_changes_their_own_preferences(salesperson_api):
    # When
    response = salesperson_api.patch("users/me", {"language": "nl", "confirm_suggested_followups": False})

    # Then
    assert response.status_code == 200
    assert (response.json()["language"], response.json()["confirm_suggested_followups"]) == ("nl", False)
    assert salesperson_api.get("users/me").json()["language"] == "nl"


def test_a_user_chooses_a_time_zone_and_goes_back_to_the_installations(salesperson_api):
    # When a known time zone is chosen, then an unknown one, then none
    chosen = salesperson_api.patch("users/me", {"time_zone": "America/New_York"})
    unknown = salesperson_api.patch("users/me", {"time_zone": "Mars/Olympus_Mons"})
    after_unknown = salesperson_api.get("users/me").json()["time_zone"]
    cleared = salesperson_api.patch("users/me", {"time_zone": ""})

    # Then the known one is kept, the unknown one refused next to the field, and empty means the installation's
    assert (chosen.status_code, chosen.json()["time_zone"]) == (200, "America/New_York")
    assert unknown.status_code == 422
    assert [p["loc"] for p in unknown.json()["detail"]] == [["body", "time_zone"]]
    assert after_unknown == "America/New_York"
    assert (cleared.status_code, cleared.json()["time_zone"]) == (200, "")


def test_a_profile_change_refuses_an_unknown_language_a_bad_email_and_the_role(salesperson_api):
    # When
    response = salesperson_api.patch("users/me", {"language": "de", "email": "not-an-address", "role": "admin"})

    # Then
    assert response.status_code == 422
    assert sorted(p["loc"][-1] for p in response.json()["detail"]) == ["email", "language", "role"]
    assert salesperson_api.get("users/me").json()["role"] == "salesperson"


def test_an_admin_adds_a_user_and_sees_the_generated_password_once(api, make_api):
    # When
    response = api.post("users", {"username": "newbie", "role": "manager", "language": "en"})

    # Then
    assert response.status_code == 201
    created = response.json()
    assert (created["username"], created["role"], created["language"]) == ("newbie", "manager", "en")
    assert len(created["password"]) >= 12
    assert "password" not in api.get(f"users/{created['id']}").json()


def test_a_chosen_password_is_not_echoed(api):
    # When
    response = api.post("users", {"username": "chosen", "password": "a-long-secret-phrase"})

    # Then
    assert response.status_code == 201
    assert response.json()["password"] is None


def test_a_duplicate_user_name_answers_409_and_a_weak_password_422(api):
    # Given
    api.post("users", {"username": "taken"})

    # When
    duplicate = api.post("users", {"username": "TAKEN"})
    weak = api.post("users", {"username": "weak", "password": "123"})

    # Then
    assert duplicate.status_code == 409
    assert weak.status_code == 422
    assert weak.json()["detail"][0]["loc"] == ["body", "password"]


def test_only_administrators_list_and_add_users(salesperson_api, manager_api):
    assert salesperson_api.get("users").status_code == 403
    assert manager_api.get("users").status_code == 403
    assert manager_api.post("users", {"username": "sneaky"}).status_code == 403
    assert salesperson_api.get("users/1").status_code == 403


def test_an_admin_changes_a_users_role_and_blocks_them(api, salesperson_user, make_api, token_for):
    # Given
    script = make_api(token_for(salesperson_user))

    # When
    response = api.patch(f"users/{salesperson_user.pk}", {"role": "manager", "is_active": False})

    # Then
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["is_active"]) == ("manager", False)
    assert script.get("users/me").status_code == 401


def test_an_admin_cannot_take_away_their_own_admin_rights(api, admin_user):
    # When
    response = api.patch(f"users/{admin_user.pk}", {"role": "salesperson"})

    # Then
    assert response.status_code == 403
    assert api.get("users/me").json()["role"] == "admin"


def test_users_are_listed_by_user_name(api, make_user):
    # Given
    make_user("zoe", "salesperson")
    make_user("bob", "manager")

    # When
    names = [u["username"] for u in api.get("users").json()["items"]]

    # Then
    assert names == ["admin", "bob", "zoe"]

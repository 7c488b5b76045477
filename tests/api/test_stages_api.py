"""Stages through the API: create, validate, rename, soft delete, restore, reorder."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_stage_and_gets_it_back_with_its_rank(api):
    # When
    response = api.post("stages", {"name": "Qualify", "probability": 20, "description": "Is there a need?"})

    # Then
    assert response.status_code == 201
    stage = response.json()
    assert stage == {
        "id": stage["id"],
        "name": "Qualify",
        "probability": 20,
        "description": "Is there a need?",
        "rank": 0,
        "deleted": False,
    }
    assert api.get(f"stages/{stage['id']}").json() == stage


@pytest.mark.parametrize("probability", [101, -1])
def test_a_probability_outside_0_to_100_is_refused_with_422_naming_the_field(api, probability):
    # When
    response = api.post("stages", {"name": "Impossible", "probability": probability})

    # Then
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "probability"],
                "msg": f"The probability must be between 0 and 100, not {probability}.",
            }
        ]
    }
    assert api.get("stages").json()["items"] == []


def test_changing_a_probability_to_101_is_refused_and_keeps_the_old_value(api, make_stage):
    # Given
    stage = make_stage("Offer", 60)

    # When
    response = api.patch(f"stages/{stage['id']}", {"probability": 101})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "probability"]
    assert api.get(f"stages/{stage['id']}").json()["probability"] == 60


def test_a_missing_name_and_a_wrongly_typed_probability_are_both_listed(api):
    # When
    response = api.post("stages", {"probability": "high"})

    # Then
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"loc": ["body", "name"], "msg": "This field is required."},
            {"loc": ["body", "probability"], "msg": "Enter a whole number."},
        ]
    }


def test_a_duplicate_stage_name_is_refused_with_409_ignoring_case(api, make_stage):
    # Given
    make_stage("Negotiation")

    # When
    response = api.post("stages", {"name": "negotiation ", "probability": 70})

    # Then
    assert response.status_code == 409
    assert response.json() == {"detail": "There is already a stage named “Negotiation”."}


def test_renaming_a_stage_to_the_name_of_another_is_refused_with_409(api, make_stage):
    # Given
    make_stage("Offer")
    other = make_stage("Contract")

    # When
    response = api.patch(f"stages/{other['id']}", {"name": "OFFER"})

    # Then
    assert response.status_code == 409
    assert api.get(f"stages/{other['id']}").json()["name"] == "Contract"


def test_a_patch_changes_only_the_fields_it_names(api, make_stage):
    # Given
    stage = make_stage("Offer", 60, "Send the offer.")

    # When
    response = api.patch(f"stages/{stage['id']}", {"description": "Send and explain the offer."})

    # Then
    assert response.status_code == 200
    assert response.json() == {**stage, "description": "Send and explain the offer."}


def test_null_for_a_required_field_in_a_patch_is_refused(api, make_stage):
    # Given
    stage = make_stage("Offer", 60)

    # When
    response = api.patch(f"stages/{stage['id']}", {"name": None})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "name"], "msg": "This field cannot be null; leave it out instead."}
    ]


def test_an_unknown_field_is_refused_instead_of_being_ignored(api):
    # When
    response = api.post("stages", {"name": "Offer", "probability": 60, "probabilty": 70})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "probabilty"], "msg": "This field is not allowed here."}]


def test_a_soft_deleted_stage_is_hidden_from_the_list_shown_on_request_and_restorable(api, make_stage):
    # Given
    kept = make_stage("Qualify")
    gone = make_stage("Obsolete")

    # When
    deleted = api.delete(f"stages/{gone['id']}")

    # Then it is gone from the list, but still there on request and by id
    assert deleted.status_code == 200
    assert deleted.json()["deleted"] is True
    assert [s["name"] for s in api.get("stages").json()["items"]] == ["Qualify"]
    assert [s["name"] for s in api.get("stages", include_deleted="true").json()["items"]] == [
        "Qualify",
        "Obsolete",
    ]
    assert api.get(f"stages/{gone['id']}").json()["deleted"] is True

    # When it is restored
    restored = api.post(f"stages/{gone['id']}/restore")

    # Then it is back in the list
    assert restored.status_code == 200
    assert restored.json()["deleted"] is False
    assert [s["id"] for s in api.get("stages").json()["items"]] == [kept["id"], gone["id"]]


def test_restoring_a_stage_whose_name_was_taken_meanwhile_is_refused_with_409(api, make_stage):
    # Given
    old = make_stage("Demo")
    api.delete(f"stages/{old['id']}")
    make_stage("Demo")

    # When
    response = api.post(f"stages/{old['id']}/restore")

    # Then
    assert response.status_code == 409
    assert api.get(f"stages/{old['id']}").json()["deleted"] is True


def test_reordering_stages_gives_them_the_new_order(api, make_stage):
    # Given
    a, b, c = (make_stage(name)["id"] for name in ("A", "B", "C"))

    # When
    response = api.post("stages/reorder", {"ids": [c, a, b]})

    # Then
    assert response.status_code == 200
    assert response.json() == {"ids": [c, a, b]}
    items = api.get("stages").json()["items"]
    assert [(s["id"], s["rank"]) for s in items] == [(c, 0), (a, 1), (b, 2)]


def test_a_reorder_that_leaves_a_stage_out_is_refused_and_changes_nothing(api, make_stage):
    # Given
    a, b, c = (make_stage(name)["id"] for name in ("A", "B", "C"))

    # When
    response = api.post("stages/reorder", {"ids": [b, a]})

    # Then
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    assert str(c) in response.json()["detail"]
    assert [s["id"] for s in api.get("stages").json()["items"]] == [a, b, c]


@pytest.mark.parametrize("stage_id", [999, 2**63, 10**30])
def test_an_unknown_stage_id_answers_404(api, stage_id):
    # When
    response = api.get(f"stages/{stage_id}")

    # Then
    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_patching_or_deleting_an_unknown_stage_answers_404(api):
    assert api.patch("stages/999", {"name": "X"}).status_code == 404
    assert api.delete("stages/999").status_code == 404
    assert api.post("stages/999/restore").status_code == 404

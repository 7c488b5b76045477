"""Sale types through the API: ordered stages, guide switches, categories, soft delete."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_sale_type_shows_its_stages_in_the_order_given(api, make_stage):
    # Given
    offer = make_stage("Offer", 60)
    lead = make_stage("Lead", 10)
    category = api.post("categories", {"name": "Services"}).json()

    # When
    response = api.post(
        "sale-types",
        {
            "name": "New customer",
            "description": "First sale to a company.",
            "category": category["id"],
            "duration": 3,
            "duration_unit": "months",
            "stage_ids": [lead["id"], offer["id"]],
            "has_guide": True,
            "auto_advance": True,
            "probability_policy": "keep_manual",
            "exit_criteria": "block",
        },
    )

    # Then
    assert response.status_code == 201
    sale_type = response.json()
    assert sale_type == {
        "id": sale_type["id"],
        "name": "New customer",
        "description": "First sale to a company.",
        "category": category["id"],
        "duration": 3,
        "duration_unit": "months",
        "stage_ids": [lead["id"], offer["id"]],
        "stages": [
            {"id": lead["id"], "name": "Lead", "probability": 10, "expected_days": None},
            {"id": offer["id"], "name": "Offer", "probability": 60, "expected_days": None},
        ],
        "has_guide": True,
        "auto_advance": True,
        "probability_policy": "keep_manual",
        "exit_criteria": "block",
        "rank": 0,
        "deleted": False,
    }
    assert api.get(f"sale-types/{sale_type['id']}").json() == sale_type


def test_a_new_sale_type_has_exit_criteria_off_and_a_patch_changes_the_mode(api, make_stage):
    # Given
    sale_type = api.post("sale-types", {"name": "Plain"}).json()

    # When
    patched = api.patch(f"sale-types/{sale_type['id']}", {"exit_criteria": "warn"})

    # Then
    assert sale_type["exit_criteria"] == "off"
    assert patched.status_code == 200
    assert patched.json()["exit_criteria"] == "warn"
    assert api.get(f"sale-types/{sale_type['id']}").json() == patched.json()
    assert api.get("sale-types").json()["items"][0]["exit_criteria"] == "warn"


@pytest.mark.parametrize("value", ["strict", "", "BLOCK", None, True])
def test_an_unknown_exit_criteria_mode_is_refused_with_422_and_changes_nothing(api, make_sale_type, value):
    # Given
    sale_type = make_sale_type("Guarded", has_guide=True)
    api.patch(f"sale-types/{sale_type['id']}", {"exit_criteria": "block"})
    before = api.get("sale-types").json()

    # When
    patched = api.patch(f"sale-types/{sale_type['id']}", {"exit_criteria": value, "name": "Renamed"})
    created = api.post("sale-types", {"name": "Another", "exit_criteria": value})

    # Then
    for response in (patched, created):
        assert response.status_code == 422
        problem = response.json()["detail"][0]
        assert problem["loc"] == ["body", "exit_criteria"]
        if value is not None:
            assert problem["msg"] == "Choose one of: 'off', 'warn' or 'block'."
    assert api.get("sale-types").json() == before


def test_a_guide_with_one_stage_is_refused_with_422(api, make_stage):
    # Given
    only = make_stage("Only")

    # When
    response = api.post("sale-types", {"name": "Too short", "stage_ids": [only["id"]], "has_guide": True})

    # Then
    assert response.status_code == 422
    assert response.json() == {"detail": "A guide needs at least 2 stages; this sale type has 1."}
    assert api.get("sale-types").json()["items"] == []


def test_switching_on_the_guide_of_a_type_with_one_stage_is_refused_with_422(api, make_stage, make_sale_type):
    # Given
    sale_type = make_sale_type("Small", stage_ids=[make_stage("Only")["id"]])

    # When
    response = api.patch(f"sale-types/{sale_type['id']}", {"has_guide": True})

    # Then
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    assert api.get(f"sale-types/{sale_type['id']}").json()["has_guide"] is False


def test_taking_stages_out_of_a_guide_below_two_is_refused(api, make_sale_type):
    # Given
    sale_type = make_sale_type("Guided", has_guide=True)

    # When
    response = api.patch(f"sale-types/{sale_type['id']}", {"stage_ids": sale_type["stage_ids"][:1]})

    # Then
    assert response.status_code == 422
    assert api.get(f"sale-types/{sale_type['id']}").json()["stage_ids"] == sale_type["stage_ids"]


def test_a_duplicate_sale_type_name_is_refused_with_409(api, make_sale_type):
    # Given
    make_sale_type("New customer")

    # When
    response = api.post("sale-types", {"name": "NEW CUSTOMER"})

    # Then
    assert response.status_code == 409
    assert response.json() == {"detail": "There is already a sale type named “New customer”."}


def test_using_a_stage_twice_is_refused_with_422_on_stage_ids(api, make_stage):
    # Given
    stage = make_stage("Lead")

    # When
    response = api.post("sale-types", {"name": "Twice", "stage_ids": [stage["id"], stage["id"]]})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "stage_ids"]


def test_an_unknown_stage_or_category_answers_404(api):
    assert api.post("sale-types", {"name": "A", "stage_ids": [999]}).status_code == 404
    assert api.post("sale-types", {"name": "B", "category": 999}).status_code == 404


def test_a_patch_reorders_the_stages_and_clears_the_category(api, make_stage):
    # Given
    a, b, c = (make_stage(n)["id"] for n in "ABC")
    category = api.post("categories", {"name": "Products"}).json()["id"]
    sale_type = api.post("sale-types", {"name": "T", "stage_ids": [a, b, c], "category": category}).json()

    # When
    response = api.patch(f"sale-types/{sale_type['id']}", {"stage_ids": [c, a], "category": None})

    # Then
    assert response.status_code == 200
    assert response.json()["stage_ids"] == [c, a]
    assert [s["id"] for s in response.json()["stages"]] == [c, a]
    assert response.json()["category"] is None


def test_a_deleted_sale_type_is_hidden_and_can_be_restored(api, make_sale_type):
    # Given
    sale_type = make_sale_type("Old way")

    # When
    deleted = api.delete(f"sale-types/{sale_type['id']}")

    # Then
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    assert api.get("sale-types").json()["items"] == []
    assert [t["id"] for t in api.get("sale-types", include_deleted="true").json()["items"]] == [sale_type["id"]]

    # When
    restored = api.post(f"sale-types/{sale_type['id']}/restore")

    # Then
    assert restored.status_code == 200
    assert [t["id"] for t in api.get("sale-types").json()["items"]] == [sale_type["id"]]


def test_sale_types_are_reordered_with_the_full_new_order(api, make_sale_type, make_stage):
    # Given
    stage_ids = [make_stage("s1")["id"], make_stage("s2")["id"]]
    first, second = (make_sale_type(n, stage_ids=stage_ids)["id"] for n in ("First", "Second"))

    # When
    response = api.post("sale-types/reorder", {"ids": [second, first]})

    # Then
    assert response.status_code == 200
    assert [t["id"] for t in api.get("sale-types").json()["items"]] == [second, first]


def test_the_sale_types_of_a_category_are_listed_by_filter(api, make_stage):
    # Given
    category = api.post("categories", {"name": "Services"}).json()["id"]
    api.post("sale-types", {"name": "Consulting", "category": category})
    api.post("sale-types", {"name": "Hardware"})

    # When
    items = api.get("sale-types", category=category).json()["items"]

    # Then
    assert [t["name"] for t in items] == ["Consulting"]


def test_the_expected_days_of_a_stage_are_set_per_sale_type(api, make_sale_type):
    # Given
    sale_type = make_sale_type("Aging")
    stage_id = sale_type["stage_ids"][1]

    # When
    response = api.patch(f"sale-types/{sale_type['id']}/stages/{stage_id}", {"expected_days": 14})

    # Then
    assert response.status_code == 200
    assert response.json()["stages"][1]["expected_days"] == 14
    assert api.patch(f"sale-types/{sale_type['id']}/stages/{stage_id}", {"expected_days": -1}).status_code == 422
    assert api.patch(f"sale-types/{sale_type['id']}/stages/999", {"expected_days": 1}).status_code == 404


def test_listing_sale_types_costs_the_same_number_of_queries_for_many_types(
    api, make_stage, django_assert_max_num_queries
):
    # Given
    stage_ids = [make_stage(f"s{i}")["id"] for i in range(4)]
    for i in range(20):
        api.post("sale-types", {"name": f"Type {i}", "stage_ids": stage_ids})

    # When / Then: auth, token use, the page, the stages of the page
    with django_assert_max_num_queries(6):
        response = api.get("sale-types", limit=20)
    assert len(response.json()["items"]) == 20

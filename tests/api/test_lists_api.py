"""The small lists: activity types, reasons, competitors and categories behave alike."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

LISTS = [
    ("activity-types", {"name": "Meeting (external)", "kind": "meeting", "default_duration_minutes": 60}),
    ("reasons", {"name": "Too expensive", "kind": "lost"}),
    ("competitors", {"name": "Rival Ltd"}),
    ("categories", {"name": "Services"}),
]
IDS = [path for path, _ in LISTS]


@pytest.mark.parametrize(("path", "body"), LISTS, ids=IDS)
def test_an_item_is_added_read_renamed_deleted_and_restored(api, path, body):
    # When added
    created = api.post(path, body)

    # Then
    assert created.status_code == 201
    item = created.json()
    assert {k: item[k] for k in body} == body
    assert (item["rank"], item["deleted"]) == (0, False)
    assert api.get(f"{path}/{item['id']}").json() == item

    # When renamed
    renamed = api.patch(f"{path}/{item['id']}", {"name": "Renamed"})

    # Then
    assert renamed.status_code == 200
    assert renamed.json() == {**item, "name": "Renamed"}

    # When deleted
    assert api.delete(f"{path}/{item['id']}").json()["deleted"] is True

    # Then it is hidden unless asked for
    assert api.get(path).json()["items"] == []
    assert [i["id"] for i in api.get(path, include_deleted="true").json()["items"]] == [item["id"]]

    # When restored
    assert api.post(f"{path}/{item['id']}/restore").status_code == 200

    # Then
    assert [i["name"] for i in api.get(path).json()["items"]] == ["Renamed"]


@pytest.mark.parametrize(("path", "body"), LISTS, ids=IDS)
def test_a_duplicate_name_answers_409(api, path, body):
    # Given
    api.post(path, body)

    # When
    response = api.post(path, {**body, "name": body["name"].upper()})

    # Then
    assert response.status_code == 409
    assert "already" in response.json()["detail"]


@pytest.mark.parametrize(("path", "body"), LISTS, ids=IDS)
def test_a_missing_name_answers_422(api, path, body):
    # When
    response = api.post(path, {k: v for k, v in body.items() if k != "name"})

    # Then
    assert response.status_code == 422
    assert ["body", "name"] in [p["loc"] for p in response.json()["detail"]]


@pytest.mark.parametrize(("path", "body"), LISTS, ids=IDS)
def test_items_are_reordered(api, path, body):
    # Given
    first = api.post(path, {**body, "name": "First"}).json()["id"]
    second = api.post(path, {**body, "name": "Second"}).json()["id"]

    # When
    response = api.post(f"{path}/reorder", {"ids": [second, first]})

    # Then
    assert response.status_code == 200
    assert response.json() == {"ids": [second, first]}
    assert [i["id"] for i in api.get(path).json()["items"]] == [second, first]


@pytest.mark.parametrize(("path", "body"), LISTS, ids=IDS)
def test_an_unknown_item_answers_404(api, path, body):
    assert api.get(f"{path}/999").status_code == 404
    assert api.patch(f"{path}/999", {"name": "X"}).status_code == 404
    assert api.delete(f"{path}/999").status_code == 404


def test_an_activity_type_kind_outside_the_choices_answers_422_listing_them(api):
    # When
    response = api.post("activity-types", {"name": "Fax", "kind": "fax"})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "kind"], "msg": "Choose one of: 'meeting', 'call', 'task' or 'email'."}
    ]


def test_an_activity_type_duration_beyond_a_week_answers_422(api):
    # When
    response = api.post("activity-types", {"name": "Retreat", "default_duration_minutes": 20_000})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "default_duration_minutes"]


def test_the_same_reason_name_may_exist_once_per_kind(api):
    # Given
    api.post("reasons", {"name": "Price", "kind": "lost"})

    # When
    sold = api.post("reasons", {"name": "Price", "kind": "sold"})
    lost_again = api.post("reasons", {"name": "Price", "kind": "lost"})

    # Then
    assert sold.status_code == 201
    assert lost_again.status_code == 409


def test_reasons_are_listed_by_kind_and_filtered(api):
    # Given
    for name, kind in [("Price", "lost"), ("Fit", "sold"), ("Budget", "stalled"), ("Timing", "lost")]:
        api.post("reasons", {"name": name, "kind": kind})

    # When
    everything = api.get("reasons").json()["items"]
    lost = api.get("reasons", kind="lost").json()["items"]

    # Then
    assert [(r["kind"], r["name"]) for r in everything] == [
        ("lost", "Price"),
        ("lost", "Timing"),
        ("sold", "Fit"),
        ("stalled", "Budget"),
    ]
    assert [r["name"] for r in lost] == ["Price", "Timing"]
    assert api.get("reasons", kind="won").status_code == 422

"""Lists page with an opaque cursor: every item exactly once, in order, whatever the page size."""

from __future__ import annotations

import base64
import json

import pytest

from salesguide.models import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_stages(db):
    Stage.objects.bulk_create(Stage(name=f"Stage {i:03}", probability=i % 101, rank=i) for i in range(120))
    return list(Stage.objects.order_by("rank", "id").values_list("pk", flat=True))


def _all_pages(api, path, **params):
    pages, after = [], None
    while True:
        query = dict(params, **({"after": after} if after else {}))
        response = api.get(path, **query)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([item["id"] for item in body["items"]])
        after = body["next"]
        if after is None:
            return pages


def test_paging_through_many_stages_returns_each_once_in_order(api, many_stages):
    # When
    pages = _all_pages(api, "stages", limit=50)

    # Then
    assert [len(p) for p in pages] == [50, 50, 20]
    assert [i for p in pages for i in p] == many_stages


def test_a_list_holds_50_items_unless_asked_otherwise(api, many_stages):
    # When
    body = api.get("stages").json()

    # Then
    assert len(body["items"]) == 50
    assert body["next"]


def test_a_page_that_ends_exactly_at_the_last_item_has_no_next(api, many_stages):
    # When
    body = api.get("stages", limit=120).json()

    # Then
    assert len(body["items"]) == 120
    assert body["next"] is None


def test_paging_does_not_skip_or_repeat_items_that_share_a_rank(api):
    # Given stages with equal ranks (as after an import), told apart by id
    Stage.objects.bulk_create(Stage(name=f"S{i}", probability=10, rank=i // 4) for i in range(12))
    expected = list(Stage.objects.order_by("rank", "id").values_list("pk", flat=True))

    # When
    pages = _all_pages(api, "stages", limit=5)

    # Then
    assert [i for p in pages for i in p] == expected


def test_deleted_items_are_paged_only_when_asked_for(api, many_stages):
    # Given
    Stage.objects.filter(pk__in=many_stages[:10]).update(deleted=True)

    # When
    live = [i for p in _all_pages(api, "stages", limit=500) for i in p]
    everything = [i for p in _all_pages(api, "stages", limit=30, include_deleted="true") for i in p]

    # Then
    assert live == many_stages[10:]
    assert everything == many_stages


@pytest.mark.parametrize("limit", [0, -1, 501, "ten"])
def test_a_limit_outside_1_to_500_answers_422(api, limit):
    # When
    response = api.get("stages", limit=limit)

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


def _cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "after",
    [
        "garbage",
        "%%%",
        _cursor({"rank": 1}),
        _cursor([1]),
        _cursor([1, "two"]),
        _cursor([10**30, 1]),
        _cursor([True, 1]),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_a_garbage_cursor_answers_422_naming_after(api, many_stages, after):
    # When
    response = api.get("stages", after=after)

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "after"]


def test_the_next_cursor_of_one_list_cannot_be_used_for_a_list_sorted_differently(api, many_stages):
    # Given a cursor from the stages (sorted by rank and id)
    cursor = api.get("stages", limit=2).json()["next"]

    # When it is passed to the reasons (sorted by kind, rank and id)
    response = api.get("reasons", after=cursor)

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "after"]


def test_the_sale_types_users_and_small_lists_page_the_same_way(api, make_user):
    # Given
    for i in range(7):
        assert api.post("competitors", {"name": f"Rival {i}"}).status_code == 201
        make_user(f"user{i}", "salesperson")

    # When
    competitor_pages = _all_pages(api, "competitors", limit=3)
    user_pages = _all_pages(api, "users", limit=3)

    # Then
    assert [len(p) for p in competitor_pages] == [3, 3, 1]
    assert [len(p) for p in user_pages] == [3, 3, 2]  # seven users and the admin

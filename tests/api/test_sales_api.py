"""Sales through the API: create, change with a version, move between stages, close, stall, reopen, complete,
the history, who may change what, and the list with its filters and pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from salesguide.models import Sale
from salesguide.services import catalog, customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def stages(make_stage):
    return [make_stage("Lead", 10), make_stage("Offer", 40), make_stage("Negotiation", 70), make_stage("Contract", 90)]


@pytest.fixture
def sale_type(make_sale_type, stages):
    return make_sale_type("New customer", [s["id"] for s in stages], duration=2, duration_unit="weeks")


@pytest.fixture
def acme(admin_user):
    return customers.create_company(admin_user, name="Acme")


@pytest.fixture
def make_sale(api, sale_type):
    def _make_sale(title="Ten licences", client=None, **fields):
        body = {"title": title, "sale_type_id": sale_type["id"], **fields}
        response = (client or api).post("sales", body)
        assert response.status_code == 201, response.content
        return response.json()

    return _make_sale


def _ids(stages):
    return [s["id"] for s in stages]


# --- creating ------------------------------------------------------------------------------------------------


def test_a_new_sale_starts_in_the_first_stage_with_its_probability(api, admin_user, sale_type, stages, acme):
    # When
    response = api.post(
        "sales", {"title": "Ten licences", "sale_type_id": sale_type["id"], "company_id": acme.pk, "amount": 125000}
    )

    # Then
    assert response.status_code == 201
    sale = response.json()
    assert sale == {
        **sale,
        "title": "Ten licences",
        "description": "",
        "sale_type_id": sale_type["id"],
        "company_id": acme.pk,
        "company_name": "Acme",
        "contact_id": None,
        "owner_id": admin_user.pk,
        "amount": 125000,
        "currency": "EUR",
        "stage_id": stages[0]["id"],
        "stage_name": "Lead",
        "stage_probability": 10,
        "probability": 10,
        "probability_is_manual": False,
        "status": "open",
        "expected_date": (timezone.localdate() + dt.timedelta(weeks=2)).isoformat(),
        "closed_date": None,
        "completed": False,
        "stage_when_closed_id": None,
        "next_activity_date": None,
        "version": sale["version"],
    }
    assert api.get(f"sales/{sale['id']}").json() == sale


def test_a_sale_without_a_title_is_refused_with_the_field_named(api, sale_type):
    # When
    response = api.post("sales", {"title": "  ", "sale_type_id": sale_type["id"]})

    # Then
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body", "title"], "msg": "A title is required."}]}
    assert api.get("sales").json()["items"] == []


def test_a_sale_of_an_unknown_sale_type_is_refused_with_404(api):
    # When
    response = api.post("sales", {"title": "Lost in space", "sale_type_id": 999})

    # Then
    assert response.status_code == 404
    assert response.json() == {"detail": "No sale type with id 999."}


def test_a_salesperson_cannot_create_a_sale_for_someone_else(salesperson_api, sale_type, admin_user):
    # When
    response = salesperson_api.post(
        "sales", {"title": "For the boss", "sale_type_id": sale_type["id"], "owner_id": admin_user.pk}
    )

    # Then
    assert response.status_code == 403
    assert response.json() == {"detail": "Only a manager can create a sale for someone else."}


# --- changing with a version ---------------------------------------------------------------------------------


def test_changing_a_sale_with_the_version_read_changes_it_and_counts_the_version_up(api, make_sale):
    # Given
    sale = make_sale()

    # When
    response = api.patch(
        f"sales/{sale['id']}",
        {"version": sale["version"], "title": "Twelve licences", "amount": 150000, "expected_date": "2031-03-01"},
    )

    # Then
    assert response.status_code == 200
    changed = response.json()
    assert (changed["title"], changed["amount"], changed["expected_date"]) == ("Twelve licences", 150000, "2031-03-01")
    assert changed["version"] == sale["version"] + 1


def test_a_change_with_a_stale_version_is_refused_with_409_and_changes_nothing(api, make_sale):
    # Given someone else changed the sale after we read it
    sale = make_sale()
    assert api.patch(f"sales/{sale['id']}", {"version": sale["version"], "amount": 5000}).status_code == 200

    # When we send our change with the version we read
    response = api.patch(f"sales/{sale['id']}", {"version": sale["version"], "title": "Our title"})

    # Then
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Someone else changed this sale meanwhile (version {sale['version'] + 1}, you had "
        f"{sale['version']}). Reload it and try again."
    }
    now = api.get(f"sales/{sale['id']}").json()
    assert (now["title"], now["amount"], now["version"]) == ("Ten licences", 5000, sale["version"] + 1)


def test_a_change_without_a_version_is_refused_with_422(api, make_sale):
    # Given
    sale = make_sale()

    # When
    response = api.patch(f"sales/{sale['id']}", {"title": "No version"})

    # Then
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body", "version"], "msg": "This field is required."}]}


def test_a_manual_probability_is_shown_next_to_the_stage_probability(api, make_sale):
    # Given
    sale = make_sale()

    # When
    response = api.patch(f"sales/{sale['id']}", {"version": sale["version"], "probability": 25})

    # Then
    changed = response.json()
    assert (changed["stage_probability"], changed["probability"], changed["probability_is_manual"]) == (10, 25, True)


def test_resetting_the_probability_gives_the_sale_its_stage_probability_again(api, make_sale):
    # Given a sale whose probability was typed by hand
    sale = make_sale()
    manual = api.patch(f"sales/{sale['id']}", {"version": sale["version"], "probability": 25}).json()

    # When its probability is reset, with the version read
    response = api.post(f"sales/{sale['id']}/probability/reset", {"version": manual["version"]})

    # Then it follows its stage again, and the history says so
    assert response.status_code == 200, response.content
    reset = response.json()
    assert (reset["probability"], reset["probability_is_manual"]) == (10, False)
    assert reset["version"] == manual["version"] + 1
    assert api.get(f"sales/{sale['id']}/history").json()["items"][-1]["probability_after"] == 10
    # And a reset with the old version is refused
    assert api.post(f"sales/{sale['id']}/probability/reset", {"version": manual["version"]}).status_code == 409


def test_a_salesperson_reads_every_sale_but_changes_only_their_own(
    salesperson_api, make_sale, salesperson_user, stages
):
    # Given a sale of the administrator and one of the salesperson
    theirs = make_sale("The admin's")
    mine = make_sale("Mine", client=salesperson_api)

    # When
    read = salesperson_api.get(f"sales/{theirs['id']}")
    patch = salesperson_api.patch(f"sales/{theirs['id']}", {"version": theirs["version"], "title": "Taken"})
    move = salesperson_api.post(f"sales/{theirs['id']}/stage", {"stage_id": stages[1]["id"]})
    delete = salesperson_api.delete(f"sales/{theirs['id']}")
    own = salesperson_api.patch(f"sales/{mine['id']}", {"version": mine["version"], "title": "Still mine"})

    # Then
    assert read.status_code == 200
    assert [patch.status_code, move.status_code, delete.status_code] == [403, 403, 403]
    assert patch.json() == {"detail": "Only the owner of this sale or a manager can change it."}
    # The sale is as the administrator left it; only what it offers differs, by who asks: nothing to them
    after = salesperson_api.get(f"sales/{theirs['id']}").json()
    assert {**after, "actions": theirs["actions"]} == theirs
    assert not any(read.json()["actions"].values())
    assert own.status_code == 200 and own.json()["owner_id"] == salesperson_user.pk


def test_a_manager_changes_a_salespersons_sale(manager_api, salesperson_api, make_sale):
    # Given
    sale = make_sale("Theirs", client=salesperson_api)

    # When
    response = manager_api.patch(f"sales/{sale['id']}", {"version": sale["version"], "amount": 900})

    # Then
    assert response.status_code == 200
    assert response.json()["amount"] == 900


def test_an_unknown_sale_answers_404_everywhere(api):
    for response in (
        api.get("sales/4242"),
        api.patch("sales/4242", {"version": 1}),
        api.delete("sales/4242"),
        api.post("sales/4242/stage", {"stage_id": 1}),
        api.post("sales/4242/sold"),
        api.get("sales/4242/history"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "No sale with id 4242."}


# --- stages and history ---------------------------------------------------------------------------------------


def test_moving_forwards_backwards_and_skipping_sets_each_stage_probability_and_writes_history(
    api, make_sale, stages, admin_user
):
    # Given
    sale = make_sale()
    lead, offer, negotiation, contract = _ids(stages)

    # When it skips to the contract, goes back to the offer and forward to negotiation
    probabilities = []
    for stage_id in (contract, offer, negotiation):
        response = api.post(f"sales/{sale['id']}/stage", {"stage_id": stage_id})
        assert response.status_code == 200
        probabilities.append((response.json()["stage_id"], response.json()["probability"]))

    # Then
    assert probabilities == [(contract, 90), (offer, 40), (negotiation, 70)]
    history = api.get(f"sales/{sale['id']}/history").json()
    assert history["next"] is None
    rows = history["items"]
    assert [
        (r["kind"], r["from_stage_name"], r["to_stage_name"], r["probability_before"], r["probability_after"])
        for r in rows
    ] == [
        ("created", None, "Lead", None, 10),
        ("stage", "Lead", "Contract", 10, 90),
        ("stage", "Contract", "Offer", 90, 40),
        ("stage", "Offer", "Negotiation", 40, 70),
    ]
    assert rows[1] == {
        **rows[1],
        "from_stage_id": lead,
        "to_stage_id": contract,
        "from_status": "open",
        "to_status": "open",
        "by_id": admin_user.pk,
        "by_name": "Ada Admin",
        "reason": "",
    }
    assert dt.datetime.fromisoformat(rows[1]["at"]).utcoffset() is not None


def test_moving_with_a_stale_version_is_refused_with_409(api, make_sale, stages):
    # Given
    sale = make_sale()
    api.patch(f"sales/{sale['id']}", {"version": sale["version"], "amount": 1})

    # When
    response = api.post(f"sales/{sale['id']}/stage", {"stage_id": stages[1]["id"], "version": sale["version"]})

    # Then
    assert response.status_code == 409
    assert api.get(f"sales/{sale['id']}").json()["stage_id"] == stages[0]["id"]


def test_moving_to_a_stage_of_another_sale_type_is_refused_with_422(api, make_sale, make_stage):
    # Given
    sale = make_sale()
    elsewhere = make_stage("Elsewhere", 5)

    # When
    response = api.post(f"sales/{sale['id']}/stage", {"stage_id": elsewhere["id"]})

    # Then
    assert response.status_code == 422
    assert response.json() == {"detail": "That stage is not one of this sale type's stages."}


# --- closing, stalling, reopening, completing ------------------------------------------------------------------


def test_selling_sets_probability_100_and_remembers_the_stage(api, admin_user, make_sale, stages):
    # Given
    sale = make_sale()
    api.post(f"sales/{sale['id']}/stage", {"stage_id": stages[2]["id"]})
    reason = catalog.create_reason(admin_user, name="Best offer", kind="sold")

    # When
    response = api.post(f"sales/{sale['id']}/sold", {"date": "2030-05-01", "reason_id": reason.pk, "amount": 99000})

    # Then
    assert response.status_code == 200
    sold = response.json()
    assert sold == {
        **sold,
        "status": "sold",
        "probability": 100,
        "stage_when_closed_id": stages[2]["id"],
        "closed_date": "2030-05-01",
        "reason_id": reason.pk,
        "amount": 99000,
    }
    assert api.get(f"sales/{sale['id']}/history").json()["items"][-1]["reason"] == "Best offer"


def test_selling_with_a_reason_of_another_kind_is_refused_and_leaves_the_sale_open(api, admin_user, make_sale):
    # Given
    sale = make_sale()
    reason = catalog.create_reason(admin_user, name="Too expensive", kind="lost")

    # When
    response = api.post(f"sales/{sale['id']}/sold", {"reason_id": reason.pk})

    # Then
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body", "reason_id"], "msg": "Choose a reason of the right kind."}]}
    assert api.get(f"sales/{sale['id']}").json()["status"] == "open"


def test_losing_sets_probability_0_with_reason_and_competitor_and_today_as_date(api, admin_user, make_sale):
    # Given
    sale = make_sale()
    reason = catalog.create_reason(admin_user, name="Too expensive", kind="lost")
    rival = catalog.create_named_item(admin_user, catalog.Competitor, name="Rival")

    # When
    response = api.post(f"sales/{sale['id']}/lost", {"reason_id": reason.pk, "competitor_id": rival.pk})

    # Then
    lost = response.json()
    assert (lost["status"], lost["probability"], lost["competitor_id"], lost["closed_date"]) == (
        "lost",
        0,
        rival.pk,
        timezone.localdate().isoformat(),
    )


def test_a_closed_sale_cannot_be_closed_again_or_moved(api, make_sale, stages):
    # Given
    sale = make_sale()
    api.post(f"sales/{sale['id']}/lost")

    # When
    again = api.post(f"sales/{sale['id']}/sold")
    moved = api.post(f"sales/{sale['id']}/stage", {"stage_id": stages[1]["id"]})

    # Then
    assert [again.status_code, moved.status_code] == [422, 422]
    assert again.json() == {"detail": "Only an open sale can do this; reopen it first."}
    assert api.get(f"sales/{sale['id']}").json()["status"] == "lost"


def test_stalling_proposes_a_call_on_the_reopen_date_at_nine_without_creating_it(api, admin_user, make_sale):
    # Given
    sale = make_sale("Big deal")
    catalog.create_activity_type(admin_user, name="Meeting", kind="meeting")
    call = catalog.create_activity_type(admin_user, name="Phone call", kind="call", default_duration_minutes=15)
    reason = catalog.create_reason(admin_user, name="Budget next year", kind="stalled")
    reopen = timezone.localdate() + dt.timedelta(days=30)

    # When
    response = api.post(f"sales/{sale['id']}/stall", {"reopen_date": reopen.isoformat(), "reason_id": reason.pk})

    # Then
    assert response.status_code == 200
    body = response.json()
    assert (body["sale"]["status"], body["sale"]["reopen_date"]) == ("stalled", reopen.isoformat())
    proposed = body["proposed_activity"]
    assert (proposed["activity_type_id"], proposed["title"], proposed["duration_minutes"]) == (
        call.pk,
        "Re-open: Big deal",
        15,
    )
    start = dt.datetime.fromisoformat(proposed["start"])
    local_start = timezone.localtime(start, timezone.get_default_timezone())
    assert (local_start.date(), local_start.time()) == (reopen, dt.time(9, 0))
    assert api.get("activities", sale=sale["id"]).json()["items"] == []


def test_stalling_without_a_call_type_proposes_the_first_activity_type(api, admin_user, make_sale):
    # Given
    sale = make_sale()
    catalog.create_activity_type(admin_user, name="To do", kind="task")

    # When
    response = api.post(f"sales/{sale['id']}/stall", {"reopen_date": "2999-01-01"})

    # Then
    assert response.json()["proposed_activity"]["title"] == "Re-open: Ten licences"


@pytest.mark.parametrize("reopen_date", ["today", "2001-01-01"])
def test_stalling_needs_a_reopen_date_after_today(api, make_sale, reopen_date):
    # Given
    sale = make_sale()
    day = timezone.localdate().isoformat() if reopen_date == "today" else reopen_date

    # When
    response = api.post(f"sales/{sale['id']}/stall", {"reopen_date": day})

    # Then
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body", "reopen_date"], "msg": "Choose a re-open date after today."}]
    }
    assert api.get(f"sales/{sale['id']}").json()["status"] == "open"


def test_reopening_returns_a_closed_sale_to_its_last_stage_and_its_probability(api, make_sale, stages):
    # Given
    sale = make_sale()
    api.post(f"sales/{sale['id']}/stage", {"stage_id": stages[1]["id"]})
    api.post(f"sales/{sale['id']}/sold")

    # When
    response = api.post(f"sales/{sale['id']}/reopen")

    # Then
    reopened = response.json()
    assert (reopened["status"], reopened["stage_id"], reopened["probability"], reopened["closed_date"]) == (
        "open",
        stages[1]["id"],
        40,
        None,
    )
    assert api.get(f"sales/{sale['id']}/history").json()["items"][-1]["kind"] == "reopened"


def test_reopening_an_open_sale_is_refused_with_422(api, make_sale):
    # Given
    sale = make_sale()

    # When
    response = api.post(f"sales/{sale['id']}/reopen", {"version": sale["version"]})

    # Then
    assert response.status_code == 422
    assert response.json() == {"detail": "This sale is already open."}


def test_only_a_sold_or_lost_sale_can_be_completed_and_it_can_be_unticked(api, make_sale):
    # Given
    sale = make_sale()

    # When
    refused = api.post(f"sales/{sale['id']}/complete")
    api.post(f"sales/{sale['id']}/sold")
    ticked = api.post(f"sales/{sale['id']}/complete")
    unticked = api.post(f"sales/{sale['id']}/complete", {"completed": False})

    # Then
    assert refused.status_code == 422
    assert refused.json() == {"detail": "Only a sold or lost sale can be marked completed."}
    assert ticked.json()["completed"] is True
    assert unticked.json()["completed"] is False


def test_a_stalled_sale_cannot_be_completed(api, make_sale):
    # Given
    sale = make_sale()
    api.post(f"sales/{sale['id']}/stall", {"reopen_date": "2999-01-01"})

    # When
    response = api.post(f"sales/{sale['id']}/complete")

    # Then
    assert response.status_code == 422
    assert api.get(f"sales/{sale['id']}").json()["completed"] is False


# --- deleting ----------------------------------------------------------------------------------------------------


def test_deleting_a_sale_removes_it(api, make_sale):
    # Given
    sale = make_sale()

    # When
    response = api.delete(f"sales/{sale['id']}")

    # Then
    assert response.status_code == 204
    assert api.get(f"sales/{sale['id']}").status_code == 404


def test_deleting_with_a_stale_version_is_refused_and_keeps_the_sale(api, make_sale):
    # Given
    sale = make_sale()
    api.patch(f"sales/{sale['id']}", {"version": sale["version"], "amount": 3})

    # When
    response = api.delete(f"sales/{sale['id']}?version={sale['version']}")

    # Then
    assert response.status_code == 409
    assert api.get(f"sales/{sale['id']}").status_code == 200


# --- next activity ------------------------------------------------------------------------------------------------


def test_the_next_activity_date_is_the_local_day_of_the_earliest_open_activity(api, admin_user, make_sale):
    # Given a sale with an activity at 23:30 UTC, which is the next day in Amsterdam
    sale = make_sale()
    call = catalog.create_activity_type(admin_user, name="Phone call", kind="call")
    for start in ("2031-01-01T23:30:00+00:00", "2031-02-01T10:00:00+00:00"):
        api.post("activities", {"activity_type_id": call.pk, "title": "Call", "start": start, "sale_id": sale["id"]})

    # When
    shown = api.get(f"sales/{sale['id']}").json()

    # Then
    assert shown["next_activity_date"] == "2031-01-02"


# --- the list -----------------------------------------------------------------------------------------------------


def test_the_list_filters_on_type_stage_status_owner_company_and_title(
    api, salesperson_api, salesperson_user, make_sale, make_sale_type, stages, acme
):
    # Given
    first = make_sale("Licences for Acme", company_id=acme.pk)
    second = make_sale("Support contract")
    api.post(f"sales/{second['id']}/stage", {"stage_id": stages[1]["id"]})
    third = make_sale("Training", client=salesperson_api)
    api.post(f"sales/{third['id']}/lost")
    other_type = make_sale_type("Existing customer")
    fourth = make_sale("More LICENCES", sale_type_id=other_type["id"])

    def found(**params):
        response = api.get("sales", **params)
        assert response.status_code == 200, response.content
        return [s["id"] for s in response.json()["items"]]

    # Then
    assert found() == [fourth["id"], third["id"], second["id"], first["id"]]
    assert found(sale_type=other_type["id"]) == [fourth["id"]]
    assert found(stage=stages[1]["id"]) == [second["id"]]
    assert found(status="lost") == [third["id"]]
    assert found(owner=salesperson_user.pk) == [third["id"]]
    assert found(company=acme.pk) == [first["id"]]
    assert found(q="licences") == [fourth["id"], first["id"]]
    assert found(q="licences", sale_type=other_type["id"]) == [fourth["id"]]


def test_an_unknown_status_filter_is_refused_with_422(api):
    # When
    response = api.get("sales", status="won")

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status"]


def test_paging_through_sales_gives_each_once_newest_first(api, make_sale):
    # Given
    made = [make_sale(f"Sale {i}")["id"] for i in range(7)]

    # When
    seen, after, pages = [], None, 0
    while True:
        body = api.get("sales", limit=3, **({"after": after} if after else {})).json()
        seen += [s["id"] for s in body["items"]]
        pages += 1
        after = body["next"]
        if after is None:
            break

    # Then
    assert pages == 3
    assert seen == list(reversed(made))


def test_a_damaged_cursor_is_refused_with_422(api):
    # When
    response = api.get("sales", after="not-a-cursor")

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "after"]


def test_a_page_of_sales_costs_the_same_number_of_queries_for_few_or_many(
    api, make_sale, acme, django_assert_max_num_queries
):
    # Given a warm client (its token's last use is recorded) and a few sales
    for i in range(3):
        make_sale(f"Sale {i}", company_id=acme.pk)
    api.get("sales")
    with django_assert_max_num_queries(2):
        assert len(api.get("sales").json()["items"]) == 3

    # When there are many more
    sale = Sale.objects.get(title="Sale 0")
    for i in range(30):
        sale.pk, sale.title = None, f"Copy {i}"
        sale.save()

    # Then a page still takes the token and the sales with their stage and company
    with django_assert_max_num_queries(2):
        assert len(api.get("sales").json()["items"]) == 33


# --- the OpenAPI document ------------------------------------------------------------------------------------------

SALES_CONTRACT = [
    ("get", "/api/v1/sales"),
    ("post", "/api/v1/sales"),
    *[(m, "/api/v1/sales/{id}") for m in ("get", "patch", "delete")],
    ("get", "/api/v1/sales/{id}/guide"),
    ("post", "/api/v1/sales/{id}/guide/followups/{suggestion_id}"),
    ("post", "/api/v1/sales/{id}/guide/documents/{suggestion_id}"),
    ("get", "/api/v1/sales/{id}/guide/preview/followups/{suggestion_id}"),
    ("get", "/api/v1/sales/{id}/guide/preview/documents/{suggestion_id}"),
    *[("post", f"/api/v1/sales/{{id}}/{a}") for a in ("stage", "sold", "lost", "stall", "reopen", "complete")],
    ("get", "/api/v1/sales/{id}/history"),
    ("get", "/api/v1/activities"),
    ("post", "/api/v1/activities"),
    *[(m, "/api/v1/activities/{id}") for m in ("get", "patch", "delete")],
    ("post", "/api/v1/activities/{id}/complete"),
    ("post", "/api/v1/activities/{id}/reopen"),
    ("get", "/api/v1/documents"),
    *[(m, "/api/v1/documents/{id}") for m in ("get", "delete")],
]


def test_the_openapi_document_describes_every_sales_endpoint_with_its_conflicts(anonymous_api):
    # When
    paths = anonymous_api.get("openapi.json").json()["paths"]

    # Then
    assert [(m, p) for m, p in SALES_CONTRACT if m not in paths.get(p, {})] == []
    for method, path in SALES_CONTRACT:
        codes = set(paths[path][method]["responses"])
        if "{id}" in path:
            assert "404" in codes, (method, path)
    assert "409" in paths["/api/v1/sales/{id}"]["patch"]["responses"]
    assert "409" in paths["/api/v1/sales/{id}"]["delete"]["responses"]
    assert paths["/api/v1/sales/{id}/stall"]["post"]["requestBody"]["required"] is True

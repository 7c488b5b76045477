"""Guides through the API: suggestions per stage, their order, switching the guide off and on, YAML files."""

from __future__ import annotations

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_type(api):
    return api.post(
        "activity-types", {"name": "Phone call (out)", "kind": "call", "default_duration_minutes": 15}
    ).json()


@pytest.fixture
def quote_template(api):
    return api.post("document-templates", {"name": "Quote mail", "kind": "email", "body": "<p>Our quote</p>"}).json()


@pytest.fixture
def guided(api, make_sale_type, call_type, quote_template):
    """A sale type with a guide: two follow-ups and a document in its first stage."""
    sale_type = make_sale_type("New customer", has_guide=True)
    first = sale_type["stage_ids"][0]
    base = f"sale-types/{sale_type['id']}/stages/{first}"
    intro = api.post(
        f"{base}/suggested-followups",
        {"name": "Introduction call", "purpose": "Find the need.", "activity_type_id": call_type["id"]},
    ).json()
    visit = api.post(
        f"{base}/suggested-followups",
        {"name": "Visit", "activity_type_id": call_type["id"], "days_offset": 7, "duration_minutes": 60},
    ).json()
    quote = api.post(
        f"{base}/suggested-documents",
        {
            "name": "Quote",
            "purpose": "Put the offer in writing.",
            "template_id": quote_template["id"],
            "subject": "Our quote",
            "our_reference": "Q-{{ sale.id }}",
        },
    ).json()
    return {"sale_type": sale_type, "stage_id": first, "intro": intro, "visit": visit, "quote": quote}


def test_a_suggested_follow_up_is_created_with_201_and_the_type_default_duration(api, guided, call_type):
    # Then
    assert guided["intro"] == {
        "id": guided["intro"]["id"],
        "sale_type_id": guided["sale_type"]["id"],
        "stage_id": guided["stage_id"],
        "name": "Introduction call",
        "purpose": "Find the need.",
        "activity_type_id": call_type["id"],
        "days_offset": 0,
        "duration_minutes": 15,
        "text": "",
        "auto_suggest": False,
        "required": False,
        "rank": 0,
        "deleted": False,
    }
    assert api.get(f"suggested-followups/{guided['intro']['id']}").json() == guided["intro"]


def test_the_guide_lists_each_stage_with_its_suggestions_in_order(api, guided):
    # When
    response = api.get(f"sale-types/{guided['sale_type']['id']}/guide")

    # Then
    assert response.status_code == 200
    guide = response.json()
    assert guide["sale_type_id"] == guided["sale_type"]["id"]
    assert guide["has_guide"] is True and guide["active"] is True
    assert [s["stage_id"] for s in guide["stages"]] == guided["sale_type"]["stage_ids"]
    first = guide["stages"][0]
    assert [f["name"] for f in first["followups"]] == ["Introduction call", "Visit"]
    assert first["followups"][0]["activity_kind"] == "call"
    assert [d["name"] for d in first["documents"]] == ["Quote"]
    assert first["documents"][0]["our_reference"] == "Q-{{ sale.id }}"
    assert guide["stages"][1]["followups"] == []


def test_deactivating_and_reactivating_a_guide_returns_exactly_the_same_suggestions(api, guided):
    # Given
    path = f"sale-types/{guided['sale_type']['id']}"
    before = api.get(f"{path}/guide").json()

    # When
    off = api.patch(path, {"has_guide": False})
    while_off = api.get(f"{path}/guide").json()
    on = api.patch(path, {"has_guide": True})

    # Then
    assert off.status_code == on.status_code == 200
    assert while_off["active"] is False
    assert while_off["stages"] == before["stages"]
    assert api.get(f"{path}/guide").json() == before


def test_taking_a_stage_out_and_putting_it_back_brings_its_suggestions_back(api, guided, make_stage):
    # Given
    path = f"sale-types/{guided['sale_type']['id']}"
    before = api.get(f"{path}/guide").json()
    first, second = guided["sale_type"]["stage_ids"]
    third = make_stage("Extra")["id"]

    # When
    assert api.patch(path, {"stage_ids": [second, third]}).status_code == 200
    assert api.patch(path, {"stage_ids": [first, second]}).status_code == 200

    # Then
    assert api.get(f"{path}/guide").json() == before


def test_suggestions_of_a_stage_are_reordered(api, guided):
    # Given
    path = f"sale-types/{guided['sale_type']['id']}"

    # When
    response = api.post(
        f"{path}/stages/{guided['stage_id']}/reorder",
        {"followup_ids": [guided["visit"]["id"], guided["intro"]["id"]]},
    )

    # Then
    assert response.status_code == 200
    assert [f["name"] for f in response.json()["stages"][0]["followups"]] == ["Visit", "Introduction call"]
    assert [f["name"] for f in api.get(f"{path}/guide").json()["stages"][0]["followups"]] == [
        "Visit",
        "Introduction call",
    ]


def test_a_reorder_naming_a_stranger_is_refused_with_422(api, guided):
    # When
    response = api.post(
        f"sale-types/{guided['sale_type']['id']}/stages/{guided['stage_id']}/reorder",
        {"followup_ids": [guided["visit"]["id"], 999]},
    )

    # Then
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


def test_a_suggested_follow_up_is_changed_deleted_and_restored(api, guided):
    # Given
    path = f"suggested-followups/{guided['visit']['id']}"
    guide_path = f"sale-types/{guided['sale_type']['id']}/guide"

    # When
    patched = api.patch(path, {"days_offset": 14, "auto_suggest": True, "duration_minutes": None})
    deleted = api.delete(path)

    # Then
    assert patched.status_code == 200
    assert (patched.json()["days_offset"], patched.json()["auto_suggest"]) == (14, True)
    assert patched.json()["duration_minutes"] is None
    assert deleted.json()["deleted"] is True
    assert [f["name"] for f in api.get(guide_path).json()["stages"][0]["followups"]] == ["Introduction call"]

    # When
    restored = api.post(f"{path}/restore")

    # Then
    assert restored.status_code == 200
    assert [f["name"] for f in api.get(guide_path).json()["stages"][0]["followups"]] == [
        "Introduction call",
        "Visit",
    ]


def test_a_suggested_document_is_changed_deleted_and_restored(api, guided):
    # Given
    path = f"suggested-documents/{guided['quote']['id']}"

    # When
    patched = api.patch(path, {"subject": "Our offer"})
    deleted = api.delete(path)
    restored = api.post(f"{path}/restore")

    # Then
    assert patched.json()["subject"] == "Our offer"
    assert deleted.json()["deleted"] is True
    assert restored.json()["deleted"] is False
    assert api.get(path).json() == {**guided["quote"], "subject": "Our offer"}


def test_suggestions_marked_required_say_so_in_their_answers_and_in_the_guide(api, guided, call_type, quote_template):
    # Given
    base = f"sale-types/{guided['sale_type']['id']}/stages/{guided['stage_id']}"
    guide_path = f"sale-types/{guided['sale_type']['id']}/guide"
    api.patch(f"sale-types/{guided['sale_type']['id']}", {"exit_criteria": "block"})

    # When
    call = api.post(
        f"{base}/suggested-followups", {"name": "Decision call", "activity_type_id": call_type["id"], "required": True}
    )
    offer = api.post(
        f"{base}/suggested-documents", {"name": "Offer", "template_id": quote_template["id"], "required": True}
    )
    intro = api.patch(f"suggested-followups/{guided['intro']['id']}", {"required": True})
    quote = api.patch(f"suggested-documents/{guided['quote']['id']}", {"required": True})
    unmarked = api.patch(f"suggested-followups/{guided['intro']['id']}", {"required": False})

    # Then
    assert call.status_code == offer.status_code == 201
    assert call.json()["required"] is True and offer.json()["required"] is True
    assert api.get(f"suggested-followups/{call.json()['id']}").json() == call.json()
    assert api.get(f"suggested-documents/{offer.json()['id']}").json() == offer.json()
    assert intro.json()["required"] is True and unmarked.json()["required"] is False
    assert quote.json() == {**guided["quote"], "required": True}
    guide = api.get(guide_path).json()
    assert guide["exit_criteria"] == "block"
    first = guide["stages"][0]
    assert [(f["name"], f["required"]) for f in first["followups"]] == [
        ("Introduction call", False),
        ("Visit", False),
        ("Decision call", True),
    ]
    assert [(d["name"], d["required"]) for d in first["documents"]] == [("Quote", True), ("Offer", True)]


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_a_required_mark_that_is_not_true_or_false_is_refused_and_changes_nothing(
    api, guided, call_type, quote_template, value
):
    # Given
    base = f"sale-types/{guided['sale_type']['id']}/stages/{guided['stage_id']}"
    guide_path = f"sale-types/{guided['sale_type']['id']}/guide"
    before = api.get(guide_path).json()

    # When
    answers = [
        api.patch(f"suggested-followups/{guided['intro']['id']}", {"required": value, "name": "Changed"}),
        api.patch(f"suggested-documents/{guided['quote']['id']}", {"required": value, "name": "Changed"}),
        api.post(
            f"{base}/suggested-followups", {"name": "New", "activity_type_id": call_type["id"], "required": value}
        ),
        api.post(
            f"{base}/suggested-documents", {"name": "New", "template_id": quote_template["id"], "required": value}
        ),
    ]

    # Then
    for response in answers:
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "required"]
    assert api.get(guide_path).json() == before


def test_the_openapi_document_describes_required_and_exit_criteria(anonymous_api):
    # When
    schemas = anonymous_api.get("openapi.json").json()["components"]["schemas"]

    # Then
    for name in ("SuggestedFollowupIn", "SuggestedDocumentIn", "SuggestedFollowupPatch", "SuggestedDocumentPatch"):
        assert schemas[name]["properties"]["required"]["type"] == "boolean", name
        assert "required before leaving" in schemas[name]["properties"]["required"]["description"], name
    for name in ("SuggestedFollowupOut", "SuggestedDocumentOut", "GuideFollowupOut", "GuideDocumentOut"):
        assert schemas[name]["properties"]["required"]["type"] == "boolean", name
        assert "required" in schemas[name]["required"], name
    for name in ("SaleTypeIn", "SaleTypePatch", "SaleTypeOut", "GuideOut"):
        assert schemas[name]["properties"]["exit_criteria"]["enum"] == ["off", "warn", "block"], name
    assert "exit_criteria" in schemas["SaleTypeOut"]["required"]


def test_a_suggestion_needs_a_name_and_a_known_activity_type(api, guided):
    # Given
    base = f"sale-types/{guided['sale_type']['id']}/stages/{guided['stage_id']}"

    # When
    nameless = api.post(f"{base}/suggested-followups", {"name": " ", "activity_type_id": 1})
    unknown_type = api.post(f"{base}/suggested-followups", {"name": "Call", "activity_type_id": 999})
    far_offset = api.post(
        f"{base}/suggested-followups",
        {"name": "Call", "activity_type_id": guided["intro"]["activity_type_id"], "days_offset": 5000},
    )

    # Then
    assert nameless.status_code == 422
    assert nameless.json()["detail"][0]["loc"] == ["body", "name"]
    assert unknown_type.status_code == 404
    assert far_offset.status_code == 422
    assert far_offset.json()["detail"][0]["loc"] == ["body", "days_offset"]


def test_suggestions_on_a_stage_the_sale_type_does_not_use_answer_404(api, guided, make_stage, call_type):
    # Given
    stranger = make_stage("Elsewhere")["id"]

    # When
    response = api.post(
        f"sale-types/{guided['sale_type']['id']}/stages/{stranger}/suggested-followups",
        {"name": "Call", "activity_type_id": call_type["id"]},
    )

    # Then
    assert response.status_code == 404
    assert response.json()["detail"] == "This sale type does not use that stage."


def test_a_salesperson_cannot_change_a_guide(salesperson_api, guided):
    # When
    response = salesperson_api.patch(f"suggested-followups/{guided['intro']['id']}", {"name": "Mine"})

    # Then
    assert response.status_code == 403


# --- guides as files ----------------------------------------------------------------------------------------
# These call salesguide.services.guide_files (export_guide / import_guide).


def test_a_guide_is_exported_as_yaml(api, guided):
    # When
    response = api.get(f"sale-types/{guided['sale_type']['id']}/guide/export")

    # Then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    data = yaml.safe_load(response.content.decode())
    assert "New customer" in response.content.decode()
    assert isinstance(data, dict)


def test_an_exported_guide_imports_again_as_a_new_sale_type_and_exports_the_same(api, guided):
    # Given a guide file, and room for the sale type it describes
    export_path = f"sale-types/{guided['sale_type']['id']}/guide/export"
    exported = api.get(export_path).content
    api.delete(f"sale-types/{guided['sale_type']['id']}")

    # When
    response = api.post("guides/import", exported, content_type="application/yaml")

    # Then
    assert response.status_code == 201, response.content
    imported = response.json()
    assert imported["name"] == "New customer"
    assert imported["id"] != guided["sale_type"]["id"]
    assert imported["stage_ids"] == guided["sale_type"]["stage_ids"]
    assert api.get(f"sale-types/{imported['id']}/guide/export").content == exported


def test_a_guide_file_is_also_accepted_as_plain_text(api, guided):
    # Given
    exported = api.get(f"sale-types/{guided['sale_type']['id']}/guide/export").content
    api.delete(f"sale-types/{guided['sale_type']['id']}")

    # When
    response = api.post("guides/import", exported, content_type="text/plain")

    # Then
    assert response.status_code == 201


def test_a_broken_guide_file_changes_nothing_and_lists_every_problem_with_its_place(api, guided):
    # Given a file with two problems
    exported = api.get(f"sale-types/{guided['sale_type']['id']}/guide/export").content.decode()
    data = yaml.safe_load(exported)
    api.delete(f"sale-types/{guided['sale_type']['id']}")
    data["stages"][0]["probability"] = 150
    data["stages"][1]["name"] = ""
    before = api.get("sale-types", include_deleted="true").json()

    # When
    response = api.post("guides/import", yaml.safe_dump(data), content_type="application/yaml")

    # Then
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert isinstance(problems, list) and len(problems) >= 2
    assert all(p["loc"][0] == "body" and p["msg"] for p in problems)
    assert ["body", "stages", 0, "probability"] in [p["loc"] for p in problems]
    assert api.get("sale-types", include_deleted="true").json() == before


def test_a_file_that_is_not_yaml_answers_422(api):
    # When
    response = api.post("guides/import", "stages: [unclosed", content_type="application/yaml")

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"]


def test_a_guide_file_in_another_content_type_answers_415(api):
    # When
    response = api.post("guides/import", {"name": "x"})

    # Then
    assert response.status_code == 415
    assert "application/yaml" in response.json()["detail"]


def test_a_salesperson_cannot_import_a_guide(salesperson_api, api, guided):
    # Given
    exported = api.get(f"sale-types/{guided['sale_type']['id']}/guide/export").content
    api.delete(f"sale-types/{guided['sale_type']['id']}")

    # When
    response = salesperson_api.post("guides/import", exported, content_type="application/yaml")

    # Then
    assert response.status_code == 403

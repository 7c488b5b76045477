"""What a guide file may contain and what importing it would do: pure rules, no database."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest

from salesguide.domain.errors import Message, ValidationFailed
from salesguide.domain.guide_file import at_line, inspect_guide_file, read_guide_file
from salesguide.domain.guide_import import ExistingActivityType, ExistingStage, Installation, plan_import

DOCX_BYTES = b"PK\x03\x04 pretend this is a Word document"


def a_guide_file() -> dict[str, Any]:
    return {
        "salesguide_guide": 1,
        "sale_type": {
            "name": "Sale to new customer",
            "description": "From first contact\nto signed contract.",
            "category": "New business",
            "duration": 3,
            "duration_unit": "months",
            "has_guide": True,
            "auto_advance": True,
            "probability_policy": "follow_stage",
            "exit_criteria": "block",
        },
        "stages": [
            {
                "name": "Qualification",
                "probability": 10,
                "description": "Is there a need?",
                "expected_days": 14,
                "followups": [
                    {
                        "name": "Introductory call",
                        "purpose": "Make contact.",
                        "activity_type": "Phone call (out)",
                        "days_offset": 0,
                        "duration_minutes": 15,
                        "text": "Ask about the need.",
                        "auto_suggest": False,
                        "required": True,
                    }
                ],
                "documents": [
                    {
                        "name": "Meeting confirmation",
                        "purpose": "Confirm in writing.",
                        "template": "Confirmation",
                        "subject": "Our meeting",
                        "our_reference": "S-{{ sale.id }}",
                        "required": True,
                    }
                ],
            },
            {
                "name": "Proposal",
                "probability": 60,
                "description": "",
                "expected_days": None,
                "followups": [],
                "documents": [{"name": "Quotation", "template": "Quotation"}],
            },
        ],
        "activity_types": [{"name": "Phone call (out)", "kind": "call", "default_duration_minutes": 15}],
        "document_templates": [
            {"name": "Confirmation", "kind": "email", "format": "html", "body": "<p>See you.</p>"},
            {
                "name": "Quotation",
                "kind": "quote",
                "format": "docx",
                "filename": "quotation.docx",
                "content_base64": base64.encodebytes(DOCX_BYTES).decode(),
            },
        ],
    }


def problems_of(data: Any) -> dict[tuple[str | int, ...], str]:
    _guide, problems = inspect_guide_file(data)
    return {p.loc: p.message.render() for p in problems}


def changed(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    data = a_guide_file()
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


def without(path: tuple[str | int, ...]) -> dict[str, Any]:
    data = a_guide_file()
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return data


# --- reading ----------------------------------------------------------------------------------------------


def test_a_complete_file_reads_into_a_typed_guide_with_every_value():
    guide = read_guide_file(a_guide_file())

    assert guide.sale_type.name == "Sale to new customer"
    assert guide.sale_type.category == "New business"
    assert (guide.sale_type.duration, guide.sale_type.duration_unit) == (3, "months")
    assert [(s.name, s.probability, s.expected_days) for s in guide.stages] == [
        ("Qualification", 10, 14),
        ("Proposal", 60, None),
    ]
    followup = guide.stages[0].followups[0]
    assert (followup.activity_type, followup.duration_minutes, followup.auto_suggest) == (
        "Phone call (out)",
        15,
        False,
    )
    assert guide.stages[0].documents[0].our_reference == "S-{{ sale.id }}"
    assert guide.sale_type.exit_criteria == "block"
    assert (followup.required, guide.stages[0].documents[0].required) == (True, True)
    assert guide.document_templates[1].content == DOCX_BYTES
    assert guide.document_templates[0].body == "<p>See you.</p>"


def test_left_out_optional_keys_take_their_defaults():
    data = {
        "salesguide_guide": 1,
        "sale_type": {"name": "Quick"},
        "stages": [
            {"name": "A", "probability": 10, "followups": [{"name": "Call", "activity_type": "Call"}]},
            {"name": "B", "probability": 90},
        ],
    }

    guide = read_guide_file(data)

    assert guide.sale_type.has_guide is True
    assert guide.sale_type.duration_unit == "days"
    assert guide.sale_type.probability_policy == "follow_stage"
    assert guide.sale_type.exit_criteria == "off"
    assert guide.stages[0].followups[0].required is False
    assert guide.stages[0].followups[0].days_offset == 0
    assert guide.stages[0].followups[0].duration_minutes is None
    assert guide.activity_types == () and guide.document_templates == ()


def test_an_unquoted_off_which_yaml_reads_as_false_is_the_exit_criteria_mode_off():
    # `exit_criteria: off` written by hand: YAML 1.1 reads the word as false.
    assert read_guide_file(changed(("sale_type", "exit_criteria"), False)).sale_type.exit_criteria == "off"


def test_names_are_trimmed_and_windows_line_breaks_become_plain_ones():
    data = changed(("sale_type", "name"), "  Spaced  ")
    data["sale_type"]["description"] = "one\r\ntwo"

    guide = read_guide_file(data)

    assert guide.sale_type.name == "Spaced"
    assert guide.sale_type.description == "one\ntwo"


@pytest.mark.parametrize("data", [None, [], "text", 42])
def test_something_that_is_not_a_mapping_is_not_a_guide_file(data):
    with pytest.raises(ValidationFailed) as caught:
        read_guide_file(data)

    assert "not a guide file" in caught.value.problems[0].message.render()


def test_a_file_without_the_format_key_is_not_a_guide_file():
    assert "salesguide_guide: 1" in problems_of(without(("salesguide_guide",)))[("salesguide_guide",)]


def test_a_file_of_another_format_version_is_refused_with_only_that_problem():
    data = changed(("salesguide_guide",), 2)
    data["stages"][0]["probability"] = 500

    assert problems_of(data) == {
        ("salesguide_guide",): "This file has guide format version 2; this installation reads version 1."
    }


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("stages", 0, "probability"), 101),
        (("stages", 0, "probability"), -1),
        (("stages", 1, "probability"), "60"),
        (("stages", 1, "probability"), 12.5),
        (("stages", 1, "probability"), True),
    ],
)
def test_a_probability_outside_0_to_100_or_not_a_whole_number_is_reported_at_its_stage(path, value):
    problems = problems_of(changed(path, value))

    assert list(problems) == [path]
    assert "probability" in problems[path]


def test_a_stage_without_probability_is_reported():
    assert ("stages", 1, "probability") in problems_of(without(("stages", 1, "probability")))


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("sale_type", "name"), "", "A name is required."),
        (("sale_type", "name"), 2024, "This must be text."),
        (("sale_type", "name"), "x" * 101, "too long"),
        (("sale_type", "description"), ["a", "list"], "This must be text."),
        (("sale_type", "category"), 7, "This must be text."),
        (("sale_type", "category"), " ", "A name is required."),
        (("sale_type", "duration"), -3, "whole number from 0 to 10000"),
        (("sale_type", "duration_unit"), "years", "Choose one of: days, weeks, months."),
        (("sale_type", "has_guide"), "yes", "Write true or false."),
        (("sale_type", "auto_advance"), 1, "Write true or false."),
        (("sale_type", "probability_policy"), "random", "Choose one of: follow_stage, keep_manual."),
        (("sale_type", "exit_criteria"), "strict", "Choose one of: off, warn, block."),
        (("sale_type", "exit_criteria"), True, "Choose one of: off, warn, block."),
        (("stages", 0, "followups", 0, "required"), "yes", "Write true or false."),
        (("stages", 0, "documents", 0, "required"), 1, "Write true or false."),
        (("stages", 0, "name"), None, "A name is required."),
        (("stages", 0, "expected_days"), 5000, "whole number from 0 to 3650"),
        (("stages", 0, "followups"), "call them", "This must be a list."),
        (("stages", 0, "followups", 0, "days_offset"), 4000, "whole number from -3650 to 3650"),
        (("stages", 0, "followups", 0, "duration_minutes"), -1, "whole number from 0 to 10080"),
        (("stages", 0, "followups", 0, "auto_suggest"), "no", "Write true or false."),
        (("stages", 0, "followups", 0, "text"), 12, "This must be text."),
        (("stages", 0, "followups", 0, "activity_type"), "", "Name the activity type of this follow-up."),
        (("stages", 0, "followups", 0, "activity_type"), ["Call"], "This must be text."),
        (("stages", 0, "documents", 0, "template"), None, "Name the document template of this document."),
        (("stages", 0, "documents", 0, "subject"), "s" * 256, "At most 255 characters."),
        (("activity_types", 0, "kind"), "visit", "Choose one of: meeting, call, task, email."),
        (("activity_types", 0, "default_duration_minutes"), "1h", "whole number from 0 to 10080"),
        (("document_templates", 0, "kind"), "poem", "Choose one of: letter, email, quote, contract, other."),
        (("document_templates", 0, "format"), "pdf", "Choose one of: docx, html, text."),
        (("document_templates", 0, "body"), "  ", "The template needs a body."),
        (("document_templates", 1, "content_base64"), "not base64 at all!", "not valid base64"),
        (("document_templates", 1, "content_base64"), "", "encoded in base64"),
        (("document_templates", 1, "filename"), "quotation.pdf", "must end in .docx"),
        (("sale_type",), "Sale to new customer", "This must be a section of keys and values."),
        (("stages",), {"name": "A"}, "This must be a list."),
    ],
)
def test_a_wrong_value_is_reported_at_its_place_with_a_clear_message(path, value, message):
    problems = problems_of(changed(path, value))

    assert path in problems, problems
    assert message in problems[path]


@pytest.mark.parametrize(
    "path",
    [
        ("colour",),
        ("sale_type", "owner"),
        ("stages", 1, "probability_percent"),
        ("stages", 0, "followups", 0, "when"),
        ("stages", 0, "documents", 0, "attachment"),
        ("activity_types", 0, "icon"),
        ("document_templates", 0, "footer"),
    ],
)
def test_an_unknown_key_is_reported_where_it_is_and_names_the_allowed_ones(path):
    data = changed(path, "something")

    problems = problems_of(data)

    assert list(problems) == [path]
    assert f"Unknown key “{path[-1]}”; allowed here:" in problems[path]


def test_a_file_without_sale_type_or_stages_says_what_is_missing():
    data = {"salesguide_guide": 1}

    problems = problems_of(data)

    assert problems[("sale_type",)] == "The file needs a sale_type section."
    assert problems[("stages",)] == "The file needs a list of stages."


def test_a_word_template_with_a_body_and_a_text_template_with_a_file_are_reported():
    data = a_guide_file()
    data["document_templates"][1]["body"] = "text"
    data["document_templates"][0]["content_base64"] = "UEs="

    problems = problems_of(data)

    assert "not a body" in problems[("document_templates", 1, "body")]
    assert "Only a Word template" in problems[("document_templates", 0, "content_base64")]


def test_a_list_item_that_is_not_a_section_keeps_the_places_of_the_items_after_it():
    data = a_guide_file()
    data["stages"].insert(0, "Lead")
    data["stages"][2]["probability"] = 200

    problems = problems_of(data)

    assert set(problems) == {("stages", 0), ("stages", 2, "probability")}


def test_every_problem_in_a_file_is_listed_at_once():
    data = a_guide_file()
    data["sale_type"]["name"] = ""
    data["stages"][0]["probability"] = 101
    data["stages"][1]["followups"] = [{"name": "Call"}]
    data["activity_types"][0]["kind"] = "visit"
    data["extra"] = 1

    with pytest.raises(ValidationFailed) as caught:
        read_guide_file(data)

    assert {p.loc for p in caught.value.problems} == {
        ("sale_type", "name"),
        ("stages", 0, "probability"),
        ("stages", 1, "followups", 0, "activity_type"),
        ("activity_types", 0, "kind"),
        ("extra",),
    }


# --- planning an import -----------------------------------------------------------------------------------


def plan_for(data: dict[str, Any], **existing: Any):
    guide, problems = inspect_guide_file(data)
    assert guide is not None
    return plan_import(guide, Installation(**existing)), problems


def plan_problems(data: dict[str, Any], **existing: Any) -> dict[tuple[str | int, ...], str]:
    plan, _ = plan_for(data, **existing)
    return {p.loc: p.message.render() for p in plan.problems}


def test_into_an_empty_installation_everything_in_the_file_is_created():
    plan, _ = plan_for(a_guide_file())

    assert plan.ok
    assert [s.name for s in plan.stages_to_create] == ["Qualification", "Proposal"]
    assert [a.name for a in plan.activity_types_to_create] == ["Phone call (out)"]
    assert [t.name for t in plan.templates_to_create] == ["Confirmation", "Quotation"]
    assert plan.category_to_create == "New business"
    assert plan.stages_to_reuse == plan.activity_types_to_reuse == plan.templates_to_reuse == ()


def test_existing_items_are_reused_by_name_whatever_the_case():
    plan, _ = plan_for(
        a_guide_file(),
        stages=[ExistingStage("QUALIFICATION", 10)],
        activity_types=[ExistingActivityType("phone call (OUT)", "call")],
        template_names=["quotation"],
        category_names=["new BUSINESS"],
    )

    assert plan.ok
    assert plan.stages_to_reuse == ("QUALIFICATION",)
    assert [s.name for s in plan.stages_to_create] == ["Proposal"]
    assert plan.activity_types_to_reuse == ("phone call (OUT)",)
    assert plan.activity_types_to_create == ()
    assert plan.templates_to_reuse == ("quotation",)
    assert [t.name for t in plan.templates_to_create] == ["Confirmation"]
    assert (plan.category_to_reuse, plan.category_to_create) == ("new BUSINESS", None)


def test_a_stage_of_the_same_name_with_another_probability_is_a_problem_not_an_overwrite():
    problems = plan_problems(a_guide_file(), stages=[ExistingStage("Proposal", 50)])

    assert problems == {
        ("stages", 1, "probability"): "The stage “Proposal” already exists with probability 50%; this file "
        "gives it 60%. Use the same probability, or another stage name."
    }


def test_a_sale_type_of_the_same_name_already_existing_is_reported():
    problems = plan_problems(a_guide_file(), sale_type_names=["sale TO new customer"])

    assert problems == {("sale_type", "name"): "There is already a sale type named “Sale to new customer”."}


def test_an_activity_type_or_template_in_neither_the_file_nor_the_installation_is_reported_where_used():
    data = a_guide_file()
    data["activity_types"] = []
    data["document_templates"].pop(1)

    problems = plan_problems(data)

    assert problems == {
        ("stages", 0, "followups", 0, "activity_type"): "The activity type “Phone call (out)” is neither in "
        "this file nor in this installation.",
        ("stages", 1, "documents", 0, "template"): "The document template “Quotation” is neither in this "
        "file nor in this installation.",
    }


def test_activity_types_and_templates_only_in_the_installation_are_reused():
    data = a_guide_file()
    data["activity_types"] = []
    data["document_templates"] = []

    plan, _ = plan_for(
        data,
        activity_types=[ExistingActivityType("Phone call (out)", "call")],
        template_names=["Confirmation", "Quotation"],
    )

    assert plan.ok
    assert plan.activity_types_to_reuse == ("Phone call (out)",)
    assert plan.templates_to_reuse == ("Confirmation", "Quotation")


@pytest.mark.parametrize(
    ("section", "item"),
    [
        ("stages", {"name": "qualification", "probability": 10}),
        ("activity_types", {"name": "PHONE CALL (OUT)", "kind": "call"}),
        ("document_templates", {"name": "confirmation", "kind": "email", "format": "text", "body": "Hi"}),
    ],
)
def test_a_name_twice_in_the_file_is_reported_at_the_second(section, item):
    data = a_guide_file()
    data[section].append(item)
    index = len(data[section]) - 1

    problems = plan_problems(data)

    assert list(problems) == [(section, index, "name")]
    assert "appears more than once in this file" in problems[(section, index, "name")]


def test_a_guide_with_fewer_than_two_stages_is_refused_but_a_sale_type_without_guide_is_not():
    one_stage = a_guide_file()
    one_stage["stages"].pop()

    assert plan_problems(one_stage) == {
        ("sale_type", "has_guide"): "A guide needs at least 2 stages; this sale type has 1."
    }
    one_stage["sale_type"]["has_guide"] = False
    assert plan_problems(one_stage) == {}


def test_a_plan_skips_checks_on_values_already_reported_invalid():
    data = a_guide_file()
    data["stages"][1]["probability"] = 500
    data["stages"][0]["followups"][0]["activity_type"] = ""

    plan, read_problems = plan_for(data, stages=[ExistingStage("Proposal", 50)])

    assert {p.loc for p in read_problems} == {
        ("stages", 1, "probability"),
        ("stages", 0, "followups", 0, "activity_type"),
    }
    assert plan.problems == ()


def test_the_plan_does_not_change_the_file_it_was_given():
    data = a_guide_file()
    before = copy.deepcopy(data)

    plan_for(data, stages=[ExistingStage("Proposal", 50)])

    assert data == before


# --- messages with their line -----------------------------------------------------------------------------


def test_a_problem_at_a_line_says_the_line_first_and_keeps_it_in_its_params():
    problem = Message("The probability must be between 0 and 100, not %(value)d.", {"value": 101})

    message = at_line(problem, 14, 5)

    assert message.render() == "line 14: The probability must be between 0 and 100, not 101."
    assert message.params["line"] == 14 and message.params["column"] == 5


def test_a_problem_at_a_line_is_translated_in_both_parts():
    dutch = {
        "line %(line)d: %(problem)s": "regel %(line)d: %(problem)s",
        "A name is required.": "Een naam is verplicht.",
    }

    message = at_line(Message("A name is required."), 3)

    assert message.render(lambda text: dutch.get(text, text)) == "regel 3: Een naam is verplicht."

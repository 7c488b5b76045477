"""Guides as files (SPEC 2.8) and the starter guides (SPEC 2.5), against the test database."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from salesguide.domain.errors import NotAllowed, ValidationFailed
from salesguide.domain.guide_file import read_guide_file
from salesguide.models import (
    ActivityType,
    Category,
    Competitor,
    DocumentTemplate,
    Reason,
    SaleType,
    SaleTypeStage,
    Stage,
    SuggestedDocument,
    SuggestedFollowup,
)
from salesguide.queries.guides import guide_of_sale_type
from salesguide.services import catalog, guides, sale_types, templates
from salesguide.services.guide_files import dump_yaml, export_guide, import_guide, import_guide_unchecked
from salesguide.services.starter import load_starter_guides, starter_guide_paths, starter_guide_text
from salesguide.services.templates import docx_problems, template_content
from salesguide.starter import STARTER_DIR

pytestmark = pytest.mark.django_db


def a_docx(text: str = "Dear {{ contact.name }},") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def designed_guide(admin_user):
    """A guide built the way an admin builds one in the designer, with awkward text in it."""
    lead = catalog.create_stage(admin_user, name="Lead", probability=10, description="First contact.\nBe quick.")
    offer = catalog.create_stage(admin_user, name="Offer", probability=50, description="Send the offer: now")
    call = catalog.create_activity_type(admin_user, name="Phone call (out)", kind="call", default_duration_minutes=15)
    meeting = catalog.create_activity_type(admin_user, name="Meeting (external)", kind="meeting")
    letter = templates.create_docx_template(
        admin_user, name="Offer letter", kind="quote", content=a_docx(), filename="offer letter.docx"
    )
    mail = templates.create_text_template(
        admin_user, name="Confirmation", kind="email", body="<p>Dear {{ contact.name }},</p>\n<p>See you.</p>"
    )
    category = catalog.create_named_item(admin_user, Category, name="New business")
    sale_type = sale_types.create_sale_type(
        admin_user,
        name="Sale to new customer",
        description="yes",
        category_id=category.pk,
        duration=3,
        duration_unit="months",
        stage_ids=[lead.pk, offer.pk],
        has_guide=True,
        auto_advance=True,
        exit_criteria="block",
    )
    sale_types.set_expected_days(admin_user, sale_type.pk, lead.pk, 7)
    guides.add_suggested_followup(
        admin_user,
        sale_type.pk,
        lead.pk,
        name="Introductory call",
        purpose="Make contact — quickly.",
        activity_type_id=call.pk,
        days_offset=0,
        duration_minutes=20,
        text="Ask:\n- need\n- budget\n",
        auto_suggest=False,
        required=True,
    )
    guides.add_suggested_followup(
        admin_user,
        sale_type.pk,
        lead.pk,
        name="Visit",
        purpose="",
        activity_type_id=meeting.pk,
        days_offset=-2,
        text="  indented first line\ntrailing spaces   \n",
        auto_suggest=True,
    )
    guides.add_suggested_document(
        admin_user,
        sale_type.pk,
        lead.pk,
        name="Confirm the meeting",
        purpose="In writing.",
        template_id=mail.pk,
        subject="Our meeting: {{ sale.title }}",
        our_reference="S-{{ sale.id }}",
    )
    guides.add_suggested_document(
        admin_user,
        sale_type.pk,
        offer.pk,
        name="Offer",
        purpose="The offer.",
        template_id=letter.pk,
        subject="Offer",
        our_reference="123",
        required=True,
    )
    return sale_type


def wipe_configuration() -> None:
    """An empty installation (the users stay, so the import has an admin)."""
    SuggestedFollowup.objects.all().delete()
    SuggestedDocument.objects.all().delete()
    SaleTypeStage.objects.all().delete()
    SaleType.objects.all().delete()
    Stage.objects.all().delete()
    ActivityType.objects.all().delete()
    DocumentTemplate.objects.all().delete()
    Category.objects.all().delete()


def configuration_counts() -> dict[str, int]:
    models = [
        Stage,
        SaleType,
        SaleTypeStage,
        SuggestedFollowup,
        SuggestedDocument,
        ActivityType,
        DocumentTemplate,
        Category,
    ]
    return {model.__name__: model.objects.count() for model in models}


def rendered(error: ValidationFailed) -> list[str]:
    return [p.message.render() for p in error.problems]


# --- export -----------------------------------------------------------------------------------------------


def test_an_export_holds_the_whole_guide_in_the_file_format(designed_guide):
    text = export_guide(designed_guide)

    data = yaml.safe_load(text)
    assert list(data) == ["salesguide_guide", "sale_type", "stages", "activity_types", "document_templates"]
    assert data["sale_type"]["category"] == "New business"
    assert [(s["name"], s["probability"], s["expected_days"]) for s in data["stages"]] == [
        ("Lead", 10, 7),
        ("Offer", 50, None),
    ]
    assert [f["name"] for f in data["stages"][0]["followups"]] == ["Introductory call", "Visit"]
    assert data["sale_type"]["exit_criteria"] == "block"
    assert [f["required"] for f in data["stages"][0]["followups"]] == [True, False]
    assert [[d["required"] for d in s["documents"]] for s in data["stages"]] == [[False], [True]]
    assert [a["name"] for a in data["activity_types"]] == ["Phone call (out)", "Meeting (external)"]
    assert [t["name"] for t in data["document_templates"]] == ["Confirmation", "Offer letter"]
    assert read_guide_file(data).document_templates[1].content == template_content(
        DocumentTemplate.objects.get(name="Offer letter")
    )


def test_an_export_is_readable_text_with_multi_line_values_as_literal_blocks(designed_guide):
    text = export_guide(designed_guide)

    assert text.startswith("salesguide_guide: 1\nsale_type:\n  name: Sale to new customer\n")
    assert "  description: |-\n    First contact.\n    Be quick.\n" in text
    assert "Make contact — quickly." in text  # unicode written as itself, not escaped
    assert "  description: 'yes'\n" in text  # a string YAML would read as true stays a string


def test_an_export_leaves_out_deleted_suggestions_and_stages_taken_out_of_the_type(admin_user, designed_guide):
    visit = SuggestedFollowup.objects.get(name="Visit")
    guides.delete_suggestion(admin_user, SuggestedFollowup, visit.pk)
    offer = Stage.objects.get(name="Offer")
    sale_types.update_sale_type(admin_user, designed_guide.pk, stage_ids=[offer.pk], has_guide=False)

    data = yaml.safe_load(export_guide(designed_guide))

    assert [s["name"] for s in data["stages"]] == ["Offer"]
    assert data["activity_types"] == []


# --- round trip -------------------------------------------------------------------------------------------


def test_export_then_import_into_an_empty_installation_then_export_gives_the_same_bytes(admin_user, designed_guide):
    first = export_guide(designed_guide)
    wipe_configuration()

    imported = import_guide(admin_user, first)

    assert export_guide(imported) == first


def test_an_imported_guide_is_the_guide_that_was_exported(admin_user, designed_guide):
    before = guide_of_sale_type(designed_guide)
    text = export_guide(designed_guide)
    wipe_configuration()

    after = guide_of_sale_type(import_guide(admin_user, text))

    def shape(view):
        return [
            (
                s.name,
                s.probability,
                s.description,
                s.expected_days,
                [
                    (
                        f.name,
                        f.activity_type_name,
                        f.days_offset,
                        f.duration_minutes,
                        f.text,
                        f.auto_suggest,
                        f.required,
                    )
                    for f in s.followups
                ],
                [(d.name, d.template_name, d.subject, d.our_reference, d.required) for d in s.documents],
            )
            for s in view.stages
        ]

    assert shape(after) == shape(before)
    assert (after.has_guide, after.auto_advance, after.exit_criteria) == (True, True, "block")
    letter = DocumentTemplate.objects.get(name="Offer letter", deleted=False)
    assert letter.original_filename == "offer letter.docx"
    assert docx_problems(template_content(letter), letter.original_filename) == []


@given(st.text())
def test_any_text_survives_the_trip_through_a_guide_file(value):
    assert yaml.safe_load(dump_yaml({"text": value, "list": [value]})) == {"text": value, "list": [value]}


def test_an_export_writes_the_exit_criteria_mode_and_every_required_mark_where_the_other_switches_are(
    admin_user, designed_guide
):
    sale_types.update_sale_type(admin_user, designed_guide.pk, exit_criteria="off")

    text = export_guide(SaleType.objects.get(pk=designed_guide.pk))

    # Written always, like auto_suggest and probability_policy; "off" quoted, as YAML would read it as false.
    assert "  probability_policy: follow_stage\n  exit_criteria: 'off'\nstages:\n" in text
    assert "    auto_suggest: false\n    required: true\n" in text
    assert "    our_reference: '123'\n    required: true\n" in text


def test_a_guide_file_without_required_marks_or_exit_criteria_imports_with_both_off(admin_user, designed_guide):
    text = export_guide(designed_guide)
    wipe_configuration()
    data = yaml.safe_load(text)
    del data["sale_type"]["exit_criteria"]
    for stage in data["stages"]:
        for item in stage["followups"] + stage["documents"]:
            del item["required"]

    imported = import_guide(admin_user, dump_yaml(data))

    view = guide_of_sale_type(imported)
    assert view.exit_criteria == "off"
    assert [item.required for s in view.stages for item in (*s.followups, *s.documents)] == [False] * 4


def test_a_wrong_exit_criteria_or_required_mark_is_reported_with_its_line_and_nothing_changes(
    admin_user, designed_guide
):
    text = (
        export_guide(designed_guide)
        .replace("name: Sale to new customer", "name: Other")
        .replace("exit_criteria: block", "exit_criteria: strict")
        .replace("    required: true\n", "    required: sometimes\n", 1)
    )
    before = configuration_counts()

    with pytest.raises(ValidationFailed) as caught:
        import_guide(admin_user, text)

    lines = text.splitlines()
    assert rendered(caught.value) == [
        f"line {lines.index('  exit_criteria: strict') + 1}: Choose one of: off, warn, block.",
        f"line {lines.index('    required: sometimes') + 1}: Write true or false.",
    ]
    assert configuration_counts() == before


# --- reuse and problems -----------------------------------------------------------------------------------


def test_importing_next_to_an_existing_guide_reuses_its_stages_activity_types_and_templates(admin_user, designed_guide):
    text = export_guide(designed_guide).replace("name: Sale to new customer", "name: Sale to new customer, copy")
    lead = Stage.objects.get(name="Lead")
    before = configuration_counts()

    copy = import_guide(admin_user, text)

    after = configuration_counts()
    assert after["Stage"] == before["Stage"]
    assert after["ActivityType"] == before["ActivityType"]
    assert after["DocumentTemplate"] == before["DocumentTemplate"]
    assert after["Category"] == before["Category"]
    assert after["SaleType"] == before["SaleType"] + 1
    assert copy.links.get(rank=0).stage == lead


def test_new_stages_are_added_at_the_end_of_the_stage_list(admin_user, designed_guide):
    text = (
        export_guide(designed_guide)
        .replace("name: Sale to new customer", "name: Other")
        .replace("- name: Offer\n  probability: 50", "- name: Contract\n  probability: 90")
    )

    import_guide(admin_user, text)

    assert list(Stage.objects.values_list("name", flat=True)) == ["Lead", "Offer", "Contract"]


def test_a_stage_of_the_same_name_with_another_probability_is_reported_with_its_line_and_nothing_changes(
    admin_user, designed_guide
):
    text = export_guide(designed_guide).replace("name: Sale to new customer", "name: Other")
    Stage.objects.filter(name="Offer").update(probability=55)
    before = configuration_counts()

    with pytest.raises(ValidationFailed) as caught:
        import_guide(admin_user, text)

    line = text.splitlines().index("  probability: 50") + 1
    assert rendered(caught.value) == [
        f"line {line}: The stage “Offer” already exists with probability 55%; this file gives it 50%. "
        "Use the same probability, or another stage name."
    ]
    assert caught.value.problems[0].loc == ("stages", 1, "probability")
    assert configuration_counts() == before
    assert Stage.objects.get(name="Offer").probability == 55


BROKEN = """\
salesguide_guide: 1
sale_type:
  name: Broken guide
  has_guide: yes please
stages:
- name: Lead
  probability: 101
  followups:
  - name: Call
    activity_type: Carrier pigeon
- name: Offer
  probability: 50
  colour: red
activity_types: []
"""


def test_an_import_with_several_errors_changes_nothing_and_lists_every_problem_with_its_line(admin_user):
    catalog.create_stage(admin_user, name="Offer", probability=40)
    before = configuration_counts()

    with pytest.raises(ValidationFailed) as caught:
        import_guide(admin_user, BROKEN)

    assert [(p.loc, p.message.params["line"]) for p in caught.value.problems] == [
        (("sale_type", "has_guide"), 4),
        (("stages", 0, "probability"), 7),
        (("stages", 0, "followups", 0, "activity_type"), 10),
        (("stages", 1, "probability"), 12),
        (("stages", 1, "colour"), 13),
    ]
    messages = rendered(caught.value)
    assert messages[0] == "line 4: Write true or false."
    assert messages[1] == "line 7: The probability must be between 0 and 100, not 101."
    assert "“Carrier pigeon” is neither in this file nor in this installation" in messages[2]
    assert "already exists with probability 40%" in messages[3]
    assert messages[4].startswith("line 13: Unknown key “colour”")
    assert configuration_counts() == before


def test_a_yaml_syntax_error_is_reported_with_its_line():
    text = "salesguide_guide: 1\nsale_type:\n  name: [unclosed\nstages: []\n"

    with pytest.raises(ValidationFailed) as caught:
        import_guide_unchecked(text)

    (problem,) = caught.value.problems
    assert problem.loc == ()
    assert re.match(r"line \d+: The file is not valid YAML: ", problem.message.render())


def test_a_key_written_twice_is_reported_at_the_second():
    text = "salesguide_guide: 1\nsale_type:\n  name: A\n  name: B\nstages: []\n"

    with pytest.raises(ValidationFailed) as caught:
        import_guide_unchecked(text)

    messages = rendered(caught.value)
    assert "line 4: The key “name” appears twice here." in messages


def test_an_empty_or_foreign_file_is_not_a_guide_file():
    for text in ["", "just some text\n", "- a\n- list\n"]:
        with pytest.raises(ValidationFailed) as caught:
            import_guide_unchecked(text)
        assert "This is not a guide file" in rendered(caught.value)[0]


def test_a_broken_word_template_in_the_file_is_reported_at_its_content(admin_user, designed_guide):
    text = export_guide(designed_guide)
    wipe_configuration()
    data = yaml.safe_load(text)
    data["document_templates"][1]["content_base64"] = "bm90IGEgd29yZCBmaWxl\n"  # "not a word file"

    with pytest.raises(ValidationFailed) as caught:
        import_guide(admin_user, dump_yaml(data))

    assert caught.value.problems[0].loc == ("document_templates", 1, "content_base64")
    assert "not a valid Word document" in rendered(caught.value)[0]
    assert configuration_counts()["SaleType"] == 0


def test_importing_a_guide_whose_sale_type_exists_is_refused(admin_user, designed_guide):
    with pytest.raises(ValidationFailed) as caught:
        import_guide(admin_user, export_guide(designed_guide))

    assert caught.value.problems[0].loc == ("sale_type", "name")
    assert rendered(caught.value)[0] == "line 3: There is already a sale type named “Sale to new customer”."


def test_only_an_administrator_may_import_a_guide(salesperson_user, manager_user):
    for user in (salesperson_user, manager_user):
        with pytest.raises(NotAllowed):
            import_guide(user, BROKEN)


def test_a_file_given_as_bytes_is_read_as_utf8_and_other_bytes_are_refused(admin_user, designed_guide):
    text = export_guide(designed_guide)
    wipe_configuration()

    assert import_guide(admin_user, text.encode("utf-8")).name == "Sale to new customer"
    with pytest.raises(ValidationFailed, match="UTF-8"):
        import_guide(admin_user, b"\xff\xfe\x00bad")


# --- starter guides ---------------------------------------------------------------------------------------

STARTER_NAMES = {
    "en": ["Sale to new customer", "Sale to existing customer", "Long sales process"],
    "nl": ["Verkoop aan nieuwe klant", "Verkoop aan bestaande klant", "Lang verkoopproces"],
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_starter_guides_load_complete_in_each_language(language):
    loaded = load_starter_guides(language)

    assert [s.name for s in loaded] == STARTER_NAMES[language]
    for sale_type in loaded:
        guide = guide_of_sale_type(sale_type)
        assert guide.active and sale_type.description
        assert 4 <= len(guide.stages) <= 7
        probabilities = [s.probability for s in guide.stages]
        assert probabilities == sorted(probabilities) and probabilities[0] > 0 and probabilities[-1] < 100
        for stage in guide.stages:
            assert stage.description and stage.expected_days
            assert 1 <= len(stage.followups) <= 3
            for followup in stage.followups:
                assert followup.purpose and followup.text and followup.duration_minutes
            for document in stage.documents:
                assert document.purpose and document.subject and document.our_reference
        assert sum(len(s.documents) for s in guide.stages) >= 4
        assert any(f.auto_suggest for s in guide.stages for f in s.followups)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_starter_guides_bring_their_lists_and_proper_templates(language):
    load_starter_guides(language)

    assert ActivityType.objects.filter(deleted=False).count() == 6
    assert {kind for kind in Reason.objects.values_list("kind", flat=True)} == {"sold", "lost", "stalled"}
    assert Competitor.objects.count() >= 3
    kinds = {t.kind: t for t in DocumentTemplate.objects.all()}
    assert set(kinds) == {"email", "quote", "contract", "letter"}
    assert "{{ contact.name }}" in kinds["email"].body
    for kind in ("quote", "contract", "letter"):
        content = template_content(kinds[kind])
        assert docx_problems(content, kinds[kind].original_filename) == []
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
        assert "{{ sale.title }}" in text or "{{ sale.title }}" in content.decode("latin-1")


def test_both_languages_can_be_loaded_side_by_side_and_loading_again_changes_nothing():
    load_starter_guides("nl")
    load_starter_guides("en")
    before = configuration_counts()
    reasons = Reason.objects.count()

    assert load_starter_guides("nl") == []
    assert load_starter_guides("en") == []
    assert configuration_counts() == before
    assert Reason.objects.count() == reasons
    assert SaleType.objects.count() == 6


def test_the_installation_language_decides_which_starter_guides_load_by_default(settings):
    settings.LANGUAGE_CODE = "en"

    assert [s.name for s in load_starter_guides()] == STARTER_NAMES["en"]


def test_a_starter_guide_an_admin_deleted_does_not_come_back(admin_user):
    load_starter_guides("en")
    long_process = SaleType.objects.get(name="Long sales process")
    sale_types.delete_sale_type(admin_user, long_process.pk)

    assert load_starter_guides("en") == []
    assert SaleType.objects.filter(name="Long sales process", deleted=False).count() == 0


def test_an_unknown_starter_language_is_refused():
    with pytest.raises(ValidationFailed, match="Choose one of: nl, en"):
        load_starter_guides("de")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_each_starter_guide_round_trips_byte_identically(admin_user, language):
    for name in STARTER_NAMES[language]:
        load_starter_guides(language)
        first = export_guide(SaleType.objects.get(name=name))
        wipe_configuration()
        assert export_guide(import_guide(admin_user, first)) == first, name
        wipe_configuration()


@pytest.mark.parametrize(
    ("language", "stage", "quotation"), [("nl", "Offerte", "Offerte"), ("en", "Proposal", "Quotation")]
)
def test_each_starter_guide_requires_its_quotation_before_negotiation_but_keeps_exit_criteria_off(
    language, stage, quotation
):
    for path in starter_guide_paths(language):
        guide = read_guide_file(yaml.safe_load(starter_guide_text(path, language)))
        required = [(s.name, d.name) for s in guide.stages for d in (*s.followups, *s.documents) if d.required]
        assert guide.sale_type.exit_criteria == "off", path.name
        assert required == [(stage, quotation)], path.name


@pytest.mark.parametrize("language", ["nl", "en"])
def test_starter_guide_files_are_complete_guide_files_with_their_templates(language):
    for path in starter_guide_paths(language):
        guide = read_guide_file(yaml.safe_load(starter_guide_text(path, language)))
        used = {d.template for s in guide.stages for d in s.documents}
        assert used == {t.name for t in guide.document_templates}


def test_stages_shared_between_starter_guides_agree_on_probability_and_description():
    for language in ("nl", "en"):
        seen: dict[str, tuple[int, str]] = {}
        for path in sorted(Path(STARTER_DIR, language).glob("*.guide.yaml")):
            for stage in yaml.safe_load(path.read_text(encoding="utf-8"))["stages"]:
                value = (stage["probability"], stage["description"])
                assert seen.setdefault(stage["name"], value) == value, (path.name, stage["name"])


def test_a_guide_file_with_yaml_aliases_is_refused_before_it_can_expand(admin_user):
    bomb = "\n".join(
        ["salesguide_guide: 1", 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
        + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]" for i in range(8)]
    )

    with pytest.raises(ValidationFailed) as caught:
        import_guide(admin_user, bomb)

    [problem] = caught.value.problems
    assert problem.message.render() == "line 2: YAML aliases (*name) are not allowed in a guide file."
    assert SaleType.objects.count() == 0

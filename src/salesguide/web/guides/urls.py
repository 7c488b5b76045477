"""Everything under /settings/guides/: sale types, the guide designer, the wizard, the preview, and guides as
files."""

from __future__ import annotations

from django.urls import path, register_converter

from salesguide.web.guides import designer, document_preview, files, preview, sale_types, suggestions, wizard


class SuggestionKindConverter:
    regex = "followups|documents"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SuggestionKindConverter, "suggestion_kind")

app_name = "guides"

urlpatterns = [
    path("", designer.landing, name="landing"),
    # sale types
    path("sale-types/", sale_types.sale_type_list, name="sale_type_list"),
    path("sale-types/new/", sale_types.sale_type_create, name="sale_type_create"),
    path("sale-types/<int:sale_type_id>/", sale_types.sale_type_edit, name="sale_type_edit"),
    path("sale-types/<int:sale_type_id>/delete/", sale_types.sale_type_delete, name="sale_type_delete"),
    path("sale-types/<int:sale_type_id>/restore/", sale_types.sale_type_restore, name="sale_type_restore"),
    # the designer
    path("<int:sale_type_id>/", designer.designer, name="designer"),
    path("<int:sale_type_id>/active/", designer.set_guide_active, name="set_guide_active"),
    path(
        "<int:sale_type_id>/stages/<int:stage_id>/expected-days/",
        designer.set_expected_days,
        name="set_expected_days",
    ),
    path(
        "<int:sale_type_id>/stages/<int:stage_id>/<suggestion_kind:kind>/",
        suggestions.suggestion_column,
        name="suggestion_column",
    ),
    path(
        "<int:sale_type_id>/stages/<int:stage_id>/<suggestion_kind:kind>/add/",
        suggestions.suggestion_add,
        name="suggestion_add",
    ),
    path("<suggestion_kind:kind>/<int:item_id>/edit/", suggestions.suggestion_edit, name="suggestion_edit"),
    path("<suggestion_kind:kind>/<int:item_id>/move/", suggestions.suggestion_move, name="suggestion_move"),
    path(
        "<suggestion_kind:kind>/<int:item_id>/delete/",
        suggestions.suggestion_delete,
        name="suggestion_delete",
    ),
    path(
        "<suggestion_kind:kind>/<int:item_id>/restore/",
        suggestions.suggestion_restore,
        name="suggestion_restore",
    ),
    # a suggested document filled in with the example sale
    path("documents/<int:item_id>/preview/", document_preview.document_preview, name="document_preview"),
    # read-only preview, as a salesperson will see the guide
    path("<int:sale_type_id>/preview/", preview.preview, name="preview"),
    # guides as files, starter guides
    path("<int:sale_type_id>/export/", files.export_guide, name="export"),
    path("import/", files.import_guide, name="import"),
    path("starter/", files.load_starter_guides, name="load_starter"),
    # create a guide in five steps
    path("wizard/", wizard.wizard_stages, name="wizard_stages"),
    path("wizard/sale-type/", wizard.wizard_sale_type_new, name="wizard_sale_type_new"),
    path("wizard/<int:sale_type_id>/sale-type/", wizard.wizard_sale_type, name="wizard_sale_type"),
    path("wizard/<int:sale_type_id>/guide/", wizard.wizard_guide, name="wizard_guide"),
    path("wizard/<int:sale_type_id>/followups/", wizard.wizard_followups, name="wizard_followups"),
    path("wizard/<int:sale_type_id>/documents/", wizard.wizard_documents, name="wizard_documents"),
    path("wizard/<int:sale_type_id>/preview/", wizard.wizard_preview, name="wizard_preview"),
]

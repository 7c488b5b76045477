"""Settings and maintenance, mounted at /settings/. Url names live in the ``catalog`` namespace."""

from django.urls import URLPattern, path

from salesguide.web.catalog import (
    company_views,
    list_views,
    merge_field_views,
    overview,
    stage_views,
    template_views,
    user_views,
)
from salesguide.web.catalog.areas import AREAS, STAGES

app_name = "catalog"


def _list_area_patterns() -> list[URLPattern]:
    patterns = [
        # Stages show what deleting or restoring one does to the sale types that use it (decision 0006).
        path(f"{STAGES.slug}/<int:pk>/delete/", stage_views.stage_delete, name=f"{STAGES.key}_delete"),
        path(f"{STAGES.slug}/<int:pk>/restore/", stage_views.stage_restore, name=f"{STAGES.key}_restore"),
    ]
    for area in AREAS:
        kwargs = {"area": area}
        patterns += [
            path(f"{area.slug}/", list_views.item_list, kwargs, name=f"{area.key}_list"),
            path(f"{area.slug}/add/", list_views.item_add, kwargs, name=f"{area.key}_add"),
            path(f"{area.slug}/<int:pk>/", list_views.item_edit, kwargs, name=f"{area.key}_edit"),
            path(f"{area.slug}/<int:pk>/move/", list_views.item_move, kwargs, name=f"{area.key}_move"),
        ]
        if area is not STAGES:
            patterns += [
                path(f"{area.slug}/<int:pk>/delete/", list_views.item_delete, kwargs, name=f"{area.key}_delete"),
                path(f"{area.slug}/<int:pk>/restore/", list_views.item_restore, kwargs, name=f"{area.key}_restore"),
            ]
    return patterns


urlpatterns = [
    path("", overview.index, name="index"),
    *_list_area_patterns(),
    path("templates/", template_views.template_list, name="template_list"),
    path("templates/merge-fields/", merge_field_views.merge_fields, name="merge_fields"),
    path("templates/add/docx/", template_views.template_add_docx, name="template_add_docx"),
    path("templates/add/text/", template_views.template_add_text, name="template_add_text"),
    path("templates/<int:pk>/", template_views.template_edit, name="template_edit"),
    path("templates/<int:pk>/download/", template_views.template_download, name="template_download"),
    path("templates/<int:pk>/delete/", template_views.template_delete, name="template_delete"),
    path("templates/<int:pk>/restore/", template_views.template_restore, name="template_restore"),
    path("company/", company_views.company_settings, name="company"),
    path("company/logo/", company_views.company_logo, name="company_logo"),
    path("users/", user_views.user_list, name="user_list"),
    path("users/add/", user_views.user_add, name="user_add"),
    path("users/<int:pk>/", user_views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", user_views.user_password, name="user_password"),
]

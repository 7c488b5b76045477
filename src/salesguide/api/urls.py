"""Included at ``api/v1/`` by the project's urls: the API, its documentation assets, and a JSON 404 for any
other path below it."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from salesguide.api.application import api
from salesguide.api.docs import docs_asset
from salesguide.api.errors import json_method_not_allowed, not_found_view


def _with_json_405(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = json_method_not_allowed(pattern.callback)
    return patterns


_api_patterns, _app_name, _namespace = api.urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("", (_with_json_405(list(_api_patterns)), _app_name, _namespace)),
    path("docs/assets/<str:name>", docs_asset, name="api-docs-asset"),
    re_path(r"^[\s\S]*$", not_found_view),  # a path with a newline is a 404 too
]

"""The interactive API documentation (Swagger UI), served from the files Django Ninja ships.

Ninja would otherwise load Swagger UI from a CDN (this app is not in INSTALLED_APPS and templates are not
looked up in apps); a self-hosted product must work without the internet, so the page and its assets are
served from here.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import escape
from ninja.openapi.docs import DocsBase

from salesguide.api.errors import not_found_view

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
ASSET_NAMES = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png")

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
<link rel="icon" type="image/png" href="{favicon}">
</head>
<body data-csrf-token="{csrf}" data-api-csrf="true">
<script type="application/json" id="swagger-settings">{settings}</script>
<div id="swagger-ui"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {"layout": "BaseLayout", "deepLinking": True, "url": self.get_openapi_url(api, kwargs)}

        def asset(name: str) -> str:
            return reverse("api-docs-asset", kwargs={"name": name})

        html = _PAGE.format(
            title=escape(api.title),
            css=asset("swagger-ui.css"),
            favicon=asset("favicon.png"),
            bundle=asset("swagger-ui-bundle.js"),
            init=asset("swagger-ui-init.js"),
            csrf=escape(get_token(request)),
            # "</" cannot end the script element early once escaped this way.
            settings=json.dumps(settings).replace("</", "<\\/"),
        )
        return HttpResponse(html)


def docs_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    if name not in ASSET_NAMES:
        return not_found_view(request)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSETS / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response

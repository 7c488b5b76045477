"""The REST API under /api/v1/: one NinjaAPI with its auth, throttle, error mapping and routers.

Every operation needs a logged-in caller (bearer token or session) unless it says ``auth=None`` (health).
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.operation import Operation

from salesguide.api import (
    activities,
    board,
    calendar,
    customers,
    documents,
    guides,
    health,
    imports,
    lists,
    our_company,
    reports,
    sale_guide,
    sale_lines,
    sale_print,
    sale_types,
    sales,
    stages,
    templates,
    users,
)
from salesguide.api.auth import BearerToken, PerUserThrottle, Session
from salesguide.api.docs import LocalSwagger
from salesguide.api.errors import in_request_language, install_handlers

DESCRIPTION = """\
The Salesguide REST API. See the project's API.md for the contract.

* **Auth**: `Authorization: Bearer <token>` (create one with `salesguide token create <user>` or on your
  profile page), or the browser session (then send the CSRF token in `X-CSRFToken` on writes).
  No auth → 401; logged in but not allowed (only administrators change the configuration) → 403.
* **Errors**: JSON with `detail`: a sentence, or for field validation a list of `{"loc": [...], "msg": "..."}`
  (422). A broken rule → 422 with a sentence; a duplicate name → 409; an unknown id → 404. Messages follow
  `Accept-Language` (`nl`, `en`), else your own language.
* **Lists**: `{"items": [...], "next": cursor-or-null}`; pass `next` as `?after=` for the next page;
  `?limit=` from 1 to 500 (default 50); soft-deleted items only with `?include_deleted=true`.
* **Types**: JSON values are taken as they are: `true` is not `1`, `0` is not `false`, `"5"` is not `5` (422);
  times carry their offset (`2031-01-31T09:30:00+01:00`); boolean query parameters are `true` or `false`.
"""


class SalesguideAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Short ids ("create_stage") make readable generated clients; the view names are unique.
        return operation.view_func.__name__


api = SalesguideAPI(
    title="Salesguide API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[BearerToken(), Session()],
    throttle=[PerUserThrottle()],
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)
api.add_decorator(in_request_language)

for module in (health, stages, lists, templates, sale_types, guides, users, customers, our_company):
    api.add_router("", module.router)
for module in (sales, sale_lines, sale_guide, sale_print, activities, documents, calendar, reports):
    api.add_router("", module.router)
api.add_router("", board.router)
api.add_router("", imports.router)

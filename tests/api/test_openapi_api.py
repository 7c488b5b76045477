"""The OpenAPI document describes every endpoint of the contract, with its auth and every status code."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

# API.md, "Health", "Configuration" and the user endpoints: method and path as the contract names them.
CONTRACT = [
    ("get", "/api/v1/health"),
    *[(m, "/api/v1/stages") for m in ("get", "post")],
    *[(m, "/api/v1/stages/{id}") for m in ("get", "patch", "delete")],
    ("post", "/api/v1/stages/{id}/restore"),
    ("post", "/api/v1/stages/reorder"),
    *[(m, "/api/v1/activity-types") for m in ("get", "post")],
    *[(m, "/api/v1/document-templates") for m in ("get", "post")],
    *[(m, "/api/v1/document-templates/{id}") for m in ("get", "patch", "delete")],
    *[(m, "/api/v1/reasons") for m in ("get", "post")],
    *[(m, "/api/v1/competitors") for m in ("get", "post")],
    *[(m, "/api/v1/sale-types") for m in ("get", "post")],
    *[(m, "/api/v1/sale-types/{id}") for m in ("get", "patch", "delete")],
    ("post", "/api/v1/sale-types/{id}/restore"),
    ("get", "/api/v1/sale-types/{id}/guide"),
    ("post", "/api/v1/sale-types/{id}/stages/{stage_id}/suggested-followups"),
    *[(m, "/api/v1/suggested-followups/{id}") for m in ("get", "patch", "delete")],
    ("post", "/api/v1/sale-types/{id}/stages/{stage_id}/suggested-documents"),
    *[(m, "/api/v1/suggested-documents/{id}") for m in ("get", "patch", "delete")],
    ("post", "/api/v1/sale-types/{id}/stages/{stage_id}/reorder"),
    ("get", "/api/v1/sale-types/{id}/guide/export"),
    ("post", "/api/v1/guides/import"),
    *[(m, "/api/v1/users/me") for m in ("get", "patch")],
    *[(m, "/api/v1/users") for m in ("get", "post")],
    *[(m, "/api/v1/categories") for m in ("get", "post")],
]


@pytest.fixture
def openapi(anonymous_api):
    response = anonymous_api.get("openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(openapi):
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_document_is_served_without_login_and_names_both_ways_to_log_in(openapi):
    assert openapi["openapi"].startswith("3.")
    assert openapi["components"]["securitySchemes"] == {
        "BearerToken": {"type": "http", "scheme": "bearer"},
        "Session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }


def test_every_endpoint_of_the_contract_is_described(openapi):
    described = {(method, path) for path, method, _ in _operations(openapi)}

    assert [c for c in CONTRACT if c not in described] == []


def test_every_endpoint_but_health_and_the_calendar_feed_needs_a_login_and_declares_401_and_429(openapi):
    for path, method, operation in _operations(openapi):
        # SPEC 7: the calendar feed's secret URL is its key (calendar programs cannot log in).
        if path in ("/api/v1/health", "/api/v1/calendar/{secret}.ics"):
            assert "security" not in operation
            continue
        assert operation["security"] == [{"BearerToken": []}, {"Session": []}], (method, path)
        assert {"401", "429"} <= {str(code) for code in operation["responses"]}, (method, path)


def test_every_write_declares_403_and_every_body_400_and_422(openapi):
    for path, method, operation in _operations(openapi):
        codes = {str(code) for code in operation["responses"]}
        if method != "get" and path != "/api/v1/health":
            assert "403" in codes, (method, path)
        if "requestBody" in operation:
            assert {"400", "422"} <= codes, (method, path)


def test_every_item_path_declares_404(openapi):
    for path, method, operation in _operations(openapi):
        if re.search(r"\{(id|stage_id)\}", path):
            assert "404" in {str(code) for code in operation["responses"]}, (method, path)


def test_every_error_answer_has_the_detail_schema(openapi):
    error_schemas = {
        "#/components/schemas/ErrorOut",
        "#/components/schemas/UnprocessableOut",
        "#/components/schemas/HealthFailedOut",
        "#/components/schemas/ImportRefusedOut",  # the import's 422: detail with every problem of the file
    }
    for path, method, operation in _operations(openapi):
        for code, answer in operation["responses"].items():
            if int(code) >= 400:
                schema = answer["content"]["application/json"]["schema"]
                assert schema["$ref"] in error_schemas, (method, path, code)


def test_the_document_template_upload_describes_json_and_multipart(openapi):
    body = openapi["paths"]["/api/v1/document-templates"]["post"]["requestBody"]["content"]

    assert set(body) == {"application/json", "multipart/form-data"}
    assert body["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    assert body["application/json"]["schema"]["required"] == ["name", "body"]


def test_the_interactive_docs_are_served_from_this_server(anonymous_api):
    # When
    page = anonymous_api.get("docs")

    # Then
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/openapi.json" in html
    assert re.findall(r'(?:src|href)="(https?:)?//', html) == []
    for asset in re.findall(r'(?:src|href)="(/api/v1/docs/assets/[^"]+)"', html):
        assert anonymous_api.get(asset).status_code == 200, asset
    assert anonymous_api.get("docs/assets/secrets.py").status_code == 404


def test_every_operation_has_a_short_unique_id(openapi):
    ids = [operation["operationId"] for _, _, operation in _operations(openapi)]

    assert len(ids) == len(set(ids))
    assert "create_stage" in ids and "list_activity_types" in ids

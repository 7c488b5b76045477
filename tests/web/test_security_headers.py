"""Every answer carries a Content-Security-Policy and a Permissions-Policy (issue 9, item 25): web pages, the API,
its documentation page, error pages and static files. The policy allows scripts only from our own origin, so the
templates must hold no inline script, no inline event handler and no htmx ``hx-on`` (htmx runs those through
``eval``, which the policy forbids); a test reads every template to keep it that way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.PACKAGE_DIR) / "web" / "templates"


def policy(response: object) -> dict[str, list[str]]:
    """The Content-Security-Policy header as directive -> sources."""
    header = response["Content-Security-Policy"]  # type: ignore[index]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def test_a_page_sends_a_policy_that_allows_scripts_only_from_our_origin_when_a_person_opens_it(
    salesperson_client: Client,
) -> None:
    # When a salesperson opens the home page
    response = salesperson_client.get("/")
    # Then scripts may come from our own origin only: no inline script, no eval
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    # And the favicon (a data: URL) and images in document previews still show
    assert "data:" in directives["img-src"]


@pytest.mark.parametrize(
    "path",
    ["/login/", "/api/v1/health", "/api/v1/docs", "/api/v1/openapi.json", "/no-such-page/", "/api/v1/sales"],
)
def test_every_answer_carries_both_policies_when_anyone_asks_for_it(client: Client, path: str) -> None:
    # When an anonymous visitor asks for a page, an API resource, the API docs or something that is not there
    response = client.get(path)
    # Then the answer carries both policies, whatever its status
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


def test_the_api_carries_both_policies_when_a_signed_in_user_reads_it(salesperson_client: Client) -> None:
    response = salesperson_client.get("/api/v1/sales")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_a_static_file_carries_both_policies_when_a_browser_fetches_it(client: Client) -> None:
    response = client.get("/static/salesguide/salesguide.css")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


def test_the_api_documentation_loads_swagger_ui_from_our_origin_when_a_developer_opens_it(client: Client) -> None:
    # When a developer opens the interactive API documentation
    page = client.get("/api/v1/docs").content.decode()
    # Then every script it loads comes from our origin, and its only inline script is data, not code
    for src in re.findall(r'<script[^>]*\bsrc="([^"]+)"', page):
        assert src.startswith("/"), src
    for attributes in re.findall(r"<script((?:(?!\bsrc=)[^>])*)>", page):
        assert 'type="application/json"' in attributes


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_no_template_holds_code_the_policy_would_block_when_the_templates_are_read() -> None:
    # Given every template of the web interface
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(TEMPLATES)
        # Then no template has an inline <script> (only <script src=...> or JSON data)
        for attributes in re.findall(r"<script\b([^>]*)>", text):
            if "src=" not in attributes and "application/json" not in attributes:
                found.append(f"{name}: inline <script>")
        # And no inline event handler (onclick=...) and no hx-on (htmx evaluates it as code)
        for attribute in re.findall(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", text):
            found.append(f"{name}: {attribute}=")
        # And no javascript: URL
        if "javascript:" in text.lower():
            found.append(f"{name}: javascript: URL")
    assert found == []

"""Login is required on every page but the login page; settings are for administrators only (SPEC 7).

Walks every URL the web UI has, so a new page without its decorator fails here."""

import re

import pytest
from django.urls import URLPattern, URLResolver

from salesguide.web import urls as web_urls

PUBLIC = {"login", "choose_language"}


def _patterns(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), prefix + str(entry.pattern)


def _concrete(route):
    # Fill every <converter:name> with a value that looks real enough to reach the view's checks.
    def value(match):
        converter = match.group(1) or "str"
        name = match.group(2)
        if converter == "int":
            return "1"
        if name in {"kind", "section"}:
            return "followups"
        return "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


ALL_PAGES = sorted(set(_patterns(web_urls.urlpatterns)))
PRIVATE_PAGES = [(n, r) for n, r in ALL_PAGES if n not in PUBLIC]


@pytest.mark.django_db
def test_the_login_page_is_open_to_anonymous_visitors(client):
    assert {n for n, _ in ALL_PAGES} >= PUBLIC
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), PRIVATE_PAGES, ids=[n for n, _ in PRIVATE_PAGES])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, name, route):
    url = _concrete(route)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in (302, 405), (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/login/"), (url, response["Location"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "route"),
    [(n, r) for n, r in ALL_PAGES if r.startswith("settings/") and n != "guides:preview"],
    ids=[n for n, r in ALL_PAGES if r.startswith("settings/") and n != "guides:preview"],
)
def test_a_salesperson_cannot_open_or_post_to_settings(salesperson_client, name, route):
    url = _concrete(route)
    for method in (salesperson_client.get, salesperson_client.post):
        response = method(url)
        assert response.status_code in (403, 404, 405), (url, response.status_code)

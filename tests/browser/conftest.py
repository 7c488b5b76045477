"""Playwright (sync API) against pytest-django's live server, in Debian's Chromium.

Every test in this folder is marked ``browser`` and runs after all other tests: Playwright's sync API keeps
an asyncio loop running in the main thread for as long as the browser is open, and Django refuses database
calls from a thread with a running loop unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set. Running these tests
last lets the ``browser`` fixture set that variable only while the browser is open, so no other test runs
with Django's safety check switched off. It also keeps the live server's flushes of the database (it needs
``transactional_db``) from running before ordinary database tests, as Django's own runner orders them.

Works on SQLite (pytest-django hands the in-memory test database's connection to the server thread) and
on PostgreSQL (the server thread opens its own connections to the test database).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Fail within seconds, not Playwright's default 30 s, when an element never shows up.
TIMEOUT_MS = 10_000

BROWSER_DIR = Path(__file__).resolve().parent


def _is_browser_test(item: pytest.Item) -> bool:
    return BROWSER_DIR in Path(str(item.path)).resolve().parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items, not only this folder's. trylast: after pytest-django's
    # own ordering (db tests, then transactional ones, then the rest), so browser tests end up last.
    browser_items = [item for item in items if _is_browser_test(item)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    others = [item for item in items if not _is_browser_test(item)]
    items[:] = others + browser_items


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh (apt package chromium)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh page (own cookies and storage) whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def login(page: Page, live_server: Any, user_password: str) -> Callable[..., Page]:
    """Log in through the login form: ``login("salesperson")`` or ``login(user, "its-password")``.

    Uses the test's ``page`` and ``live_server``; the password defaults to the one every user fixture gets.
    Returns the page, on wherever the login redirected to.
    """

    def _login(user: Any, password: str | None = None) -> Page:
        username = user if isinstance(user, str) else user.get_username()
        page.goto(f"{live_server.url}/login/")
        form = page.locator("form", has=page.locator("input[name=password]"))
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=password]").fill(password if password is not None else user_password)
        with page.expect_navigation():
            form.locator("[type=submit]").first.click()
        if urlparse(page.url).path.rstrip("/") == "/login":
            raise AssertionError(f"logging in as {username!r} failed: still on {page.url}")
        return page

    return _login

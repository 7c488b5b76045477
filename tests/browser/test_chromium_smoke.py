"""The browser harness itself: Chromium reaches the live server, which answers from the test database."""

from __future__ import annotations

import json

from django.db import connection
from playwright.sync_api import Page


def test_chromium_shows_the_health_of_the_live_server_and_its_database(page: Page) -> None:
    # Given a live server on the test database, when Chromium opens the health endpoint
    response = page.goto("/api/v1/health")

    # then it gets a healthy answer, naming the database this test run uses
    assert response is not None
    assert response.status == 200, response.text()
    shown = page.locator("body").inner_text()
    assert '"ok"' in shown
    health = json.loads(response.text())
    assert health["status"] == "ok"
    assert health["database"] == connection.vendor

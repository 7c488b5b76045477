"""axe-core, the accessibility checker, over the main pages in Debian's Chromium, in Dutch and in English
(issue 9, item 15): no serious or critical finding on any of them.

axe comes from npm (package.json at the repository root; scripts/test.sh runs ``npm ci``) and is injected
into each page as it is shown, logged in and, for the login page, logged out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from screens_world import PASSWORD, build_screens_world, main_pages

from conftest import TIMEOUT_MS

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# The findings a person with a screen reader, a keyboard or low vision is stopped by.
BLOCKING = ("serious", "critical")

RUN_AXE_JS = """
async (blocking) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => blocking.includes(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ` +
      v.nodes.slice(0, 3)
        .map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' '))
        .join(' | '));
}
"""


def _findings(page: Page, path: str) -> list[tuple[str, str]]:
    """(finding, path) for each serious or critical finding of axe on ``path``."""
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: HTTP {response.status if response else '?'}"
    page.add_script_tag(path=str(AXE))
    return [(finding, path) for finding in page.evaluate(RUN_AXE_JS, list(BLOCKING))]


def _report(findings: list[tuple[str, str]]) -> str:
    """Each finding once, with the pages it is on."""
    pages: dict[str, list[str]] = {}
    for finding, path in findings:
        pages.setdefault(finding, []).append(path)
    return "\n".join(f"{finding}\n    on {', '.join(paths)}" for finding, paths in pages.items())


@pytest.fixture
def axe_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A page into which axe can be injected: the Content-Security-Policy allows no inline script, so this
    browser context (and only this one) does not apply it."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in the repository root (scripts/test.sh does)")
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def _log_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form [type=submit]").first.click()
    assert "/login" not in page.url, f"logging in as {username} failed"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_axe_finds_nothing_serious_on_the_main_pages_when_a_user_works_in_their_language(
    axe_page: Page, language: str
) -> None:
    # Given the long-named world in the user's language
    world = build_screens_world(language)

    # when the login page is shown (before logging in) and then every main page
    findings = _findings(axe_page, "/login/")
    _log_in(axe_page, world.user.username)
    for path in main_pages(world):
        findings += _findings(axe_page, path)

    # then axe reports nothing serious or critical
    assert not findings, _report(findings)


def test_axe_finds_nothing_serious_on_a_phone(axe_page: Page) -> None:
    # The top bar, the stacked tables and the wrapped tabs are laid out otherwise on a phone.
    world = build_screens_world("nl")
    _log_in(axe_page, world.user.username)
    axe_page.set_viewport_size({"width": 390, "height": 900})
    findings = [finding for path in main_pages(world) for finding in _findings(axe_page, path)]
    assert not findings, _report(findings)

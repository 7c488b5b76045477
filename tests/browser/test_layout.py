"""What a person sees at 1280 and 1366 px (a laptop) and at 390 px (a phone) when names are as long as the
product allows: no page wider than the window, nothing cut off, long names wrapped or shortened with the full
name on hover. Issue 9, item 13."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page
from screens_world import LONG_SALE_TYPE, PASSWORD, SPACED_STAGE, WORD_STAGE, build_screens_world, main_pages

LAPTOPS = (1280, 1366)
PHONE = 390
HEIGHT = 900

# What may scroll sideways on purpose: the stage bar of a guide with many stages (its steps side by side, each a
# link), and on a phone a table that does not stack into cards. Form fields scroll their own text and are never
# counted.
MAY_SCROLL = {width: [".stagebar"] for width in LAPTOPS} | {
    PHONE: [".stagebar", ".table-wrap:not(:has(.table--stack))"]
}

# Problems a person would see on the page shown: the page wider than the window (with what sticks out), a box
# that hides part of its content sideways, a name cut off with "…" that does not say the whole name on hover.
LAYOUT_PROBLEMS_JS = """
(mayScroll) => {
  const label = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const problems = [];
  const width = window.innerWidth;
  const page = document.documentElement.scrollWidth;
  if (page > width) {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1) out.push([Math.round(r.right - width), label(el)]);
    }
    out.sort((a, b) => b[0] - a[0]);
    const worst = out.slice(0, 4).map(([px, n]) => `${n} +${px}px`).join(', ');
    problems.push(`the page is ${page}px wide; sticking out: ${worst}`);
  }
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('input, select, textarea, .visually-hidden')) continue;
    const style = getComputedStyle(el);
    // A box of a pixel is a label for screen readers only (a stacked table's header row).
    if (style.overflowX === 'visible' || el.clientWidth <= 1 || el.scrollWidth <= el.clientWidth + 1) continue;
    if (style.textOverflow === 'ellipsis') {
      if (!el.closest('[title]')) problems.push(`${label(el)} cuts off "${el.textContent.trim()}" without a title`);
      continue;
    }
    if (mayScroll.some((selector) => el.matches(selector))) continue;
    problems.push(`${label(el)} hides ${el.scrollWidth - el.clientWidth}px sideways`);
  }
  return problems;
}
"""


def _in_box_js(inner: str, outer: str) -> str:
    """JS: for each ``inner`` element, how far it sticks out on the right of its closest ``outer`` (or the
    window), as [text, pixels] for those that do."""
    return f"""
() => [...document.querySelectorAll({inner!r})].map((el) => {{
  const box = el.closest({outer!r});
  const right = Math.min(window.innerWidth, box ? box.getBoundingClientRect().right : window.innerWidth);
  return [el.textContent.trim().slice(0, 40), Math.round(el.getBoundingClientRect().right - right)];
}}).filter(([, px]) => px > 1)
"""


@pytest.fixture
def screens(page: Page, login: Callable[..., Page]) -> Callable[[str], Any]:
    """``screens("nl")``: build the long-named world in that language and log its user in on ``page``."""

    def _screens(language: str) -> Any:
        world = build_screens_world(language)
        login(world.user, PASSWORD)
        return world

    return _screens


def _problems_on(page: Page, width: int, paths: list[str]) -> list[str]:
    page.set_viewport_size({"width": width, "height": HEIGHT})
    problems = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: HTTP {response.status if response else '?'}"
        problems += [f"{width}px {path}: {p}" for p in page.evaluate(LAYOUT_PROBLEMS_JS, MAY_SCROLL.get(width, []))]
    return problems


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_main_page_is_wider_than_the_window_when_names_are_100_characters_long(
    page: Page, screens: Callable[[str], Any], language: str
) -> None:
    # Given 100-character stages, sale type and company, and a 200-character sale title
    world = screens(language)

    # when each main page is shown on a laptop and on a phone
    problems = [p for width in (*LAPTOPS, PHONE) for p in _problems_on(page, width, main_pages(world))]

    # then none is wider than the window and nothing is cut off
    assert not problems, "\n".join(problems)


def test_the_sale_types_list_shows_every_action_when_a_sale_type_name_is_100_characters(
    page: Page, screens: Callable[[str], Any]
) -> None:
    screens("nl")
    for width in LAPTOPS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto("/settings/guides/sale-types/")
        row = page.locator("tr", has=page.get_by_role("link", name=LONG_SALE_TYPE, exact=True))
        assert row.count() == 1
        cut = page.evaluate(_in_box_js(".table__actions a, .table__actions button", ".table-wrap"))
        assert not cut, f"{width}px: actions cut off: {cut}"
        wrap = page.evaluate(
            "() => { const w = document.querySelector('.table-wrap'); return [w.scrollWidth, w.clientWidth]; }"
        )
        assert wrap[0] <= wrap[1] + 1, f"{width}px: the list is {wrap[0]}px wide in {wrap[1]}px"


def test_long_stage_names_stay_inside_their_step_of_the_stage_bar_and_say_the_whole_name_on_hover(
    page: Page, screens: Callable[[str], Any]
) -> None:
    world = screens("nl")
    for width in LAPTOPS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for path in (f"/sales/{world.long_sale.pk}/?tab=guide", f"/settings/guides/{world.long_sale_type.pk}/"):
            page.goto(path)
            sticking_out = page.evaluate(_in_box_js(".stagebar__name", ".stagebar__step"))
            assert not sticking_out, f"{width}px {path}: stage names stick out of their step: {sticking_out}"
            titles = page.eval_on_selector_all(
                ".stagebar__step",
                "steps => steps.map(s => (s.closest('[title]') || s.querySelector('[title]'))?.title)",
            )
            assert SPACED_STAGE in titles and WORD_STAGE in titles, f"{width}px {path}: titles {titles}"
            # three stages fit side by side, however long their names
            bar = page.eval_on_selector(".stagebar", "bar => [bar.scrollWidth, bar.clientWidth]")
            assert bar[0] <= bar[1] + 1, f"{width}px {path}: the stage bar is {bar[0]}px wide in {bar[1]}px"


def test_the_reset_probability_button_stays_inside_the_sale_form(page: Page, screens: Callable[[str], Any]) -> None:
    world = screens("nl")
    for width in (*LAPTOPS, PHONE):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(f"/sales/{world.long_sale.pk}/edit/")
        assert page.locator("button[name=reset_probability]").count() == 1
        sticking_out = page.evaluate(_in_box_js("button[name=reset_probability], .field", "form"))
        assert not sticking_out, f"{width}px: sticks out of the form: {sticking_out}"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_the_revoke_link_of_an_api_token_is_not_cut_off_on_the_profile(
    page: Page, screens: Callable[[str], Any]
) -> None:
    screens("nl")
    for width in (*LAPTOPS, PHONE):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto("/profile/")
        assert page.locator("a[href*='/revoke/']").count() == 2
        cut = page.evaluate(_in_box_js("a[href*='/revoke/']", ".table-wrap"))
        assert not cut, f"{width}px: revoke cut off: {cut}"


def test_the_stages_list_fits_the_window_with_a_100_character_stage(page: Page, screens: Callable[[str], Any]) -> None:
    screens("nl")
    for width in (*LAPTOPS, PHONE):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto("/settings/stages/")
        assert page.get_by_role("link", name=WORD_STAGE, exact=True).count() == 1
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.querySelector('.table-wrap').scrollWidth,"
            " document.querySelector('.table-wrap').clientWidth]"
        )
        assert widths[0] <= width and widths[1] <= widths[2] + 1, f"{width}px: page, list, room: {widths}"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_area_stays_in_the_top_bar_on_a_phone(page: Page, screens: Callable[[str], Any], language: str) -> None:
    screens(language)
    page.set_viewport_size({"width": PHONE, "height": HEIGHT})
    page.goto("/")
    links = page.locator(".topbar__link")
    assert links.count() == 7  # Home, Sales, Board, Activities, Companies, Reports, Settings (an administrator)
    cut = page.evaluate(_in_box_js(".topbar__link", ".topbar__nav"))
    assert not cut, f"top bar links cut off: {cut}"
    nav = page.evaluate(
        "() => { const n = document.querySelector('.topbar__nav'); return [n.scrollWidth, n.clientWidth]; }"
    )
    assert nav[0] <= nav[1] + 1, f"the top bar hides {nav[0] - nav[1]}px of its links"

"""The theme's controls, with the theme's stylesheets cut to the rules the pages use.

edition_tools/ext/theme_styles.py cuts Sphinx's basic.css and the two themes'
stylesheets and joins the cut copies, with the edition's own stylesheets, into
the one stylesheet a page links; the theme's Bootstrap is fetched when a
reader reaches for a control (edition_tools/ext/page_head.py).
Here, on a desktop and on a phone, the colour-mode dropdown switches to the
dark theme (the page's colours change, and stay after a reload), the search
dialog opens with Ctrl+K or its button and closes with Escape, and the
primary sidebar's toggle, the one a reader sees, hides it (desktop) or opens
it as a dialog (phone).
In each of these states every element of the page is drawn exactly as with
the whole stylesheets: the page is loaded a second time with the stylesheet
joined from the full files served in its place, and the computed styles are
compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from edition_tools.ext.theme_styles import CUT_STYLESHEETS, SITE_STYLESHEET, SITE_STYLESHEET_PARTS, site_stylesheet

from .browser_support import NARROW

PAGE = "docs/introduction.html"

#: The computed style of every element (and of its ::before and ::after) in properties that show a difference.
STYLES = """() => {
  const properties = ["display", "visibility", "position", "color", "background-color", "font-size",
    "font-weight", "width", "height", "margin-top", "margin-left", "padding-top", "padding-left",
    "border-top-width", "border-top-color", "opacity", "z-index", "box-shadow", "transform"];
  return Array.from(document.querySelectorAll("*"), (element, index) => {
    const seen = {};
    for (const [where, style] of [["", getComputedStyle(element)], ["::before", getComputedStyle(element, "::before")],
                                  ["::after", getComputedStyle(element, "::after")]]) {
      if (where && style.content === "none") continue;
      for (const property of (where ? ["content", "display", "width", "background-color"] : properties)) {
        seen[where + property] = style.getPropertyValue(property);
      }
    }
    const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
      + Array.from(element.classList, (c) => "." + c).join("");
    return [index + " " + name, seen];
  });
}"""
BACKGROUND = "getComputedStyle(document.body).backgroundColor"
BOOTSTRAP_HERE = "typeof window.bootstrap !== 'undefined'"
BOOTSTRAP_REQUESTS = ("performance.getEntriesByType('resource').map((entry) => entry.name)"
                      ".filter((name) => name.includes('/scripts/bootstrap.js'))")


def open_colour_menu(page) -> None:
    """Open the colour-mode dropdown (on a phone it sits in the header as on a desktop)."""
    page.locator("button.theme-switch-button").click()
    page.locator(".theme-switch-container .dropdown-menu").wait_for(state="visible")
    # Open as Bootstrap opens it, which may be fetched by this click.
    page.wait_for_function("document.querySelector('button.theme-switch-button').ariaExpanded === 'true'")


def choose_dark(page) -> None:
    open_colour_menu(page)
    page.locator(".theme-change-button[data-mode=dark]").click()


def search_by_keyboard(page) -> None:
    page.keyboard.press("Control+k")
    page.locator("#pst-search-dialog").wait_for(state="visible")


def toggle_sidebar(page) -> None:
    """The primary sidebar's visible toggle: hides the sidebar on a desktop, opens its dialog on a phone."""
    page.locator(".primary-toggle:visible").first.click()
    page.wait_for_timeout(400)


#: The states compared with the whole stylesheet: what the reader sets, each from a fresh page.
STATES = {
    "as loaded": lambda page: None,
    "colour menu open": open_colour_menu,
    "dark": choose_dark,
    "search dialog": search_by_keyboard,
    "sidebar toggled": toggle_sidebar,
}


def serve_instead(body: bytes):
    """A route handler that answers with ``body``, a whole stylesheet, in place of its cut copy."""
    return lambda route: route.fulfill(body=body, content_type="text/css")


def styles_in(page, state: str) -> list:
    # Bootstrap first, as a reader's pointer on the header would fetch it: its tooltips
    # are then drawn when the state's controls are reached, not whenever it arrives.
    page.locator("button.theme-switch-button").hover()
    page.locator(".tooltip").wait_for(state="visible")  # Bootstrap is here and drew the hovered control's tooltip
    page.mouse.move(0, 0)
    page.locator(".tooltip").wait_for(state="detached")
    STATES[state](page)
    page.mouse.move(0, 0)  # no hover anywhere
    page.wait_for_timeout(300)
    return page.evaluate(STYLES)


@pytest.mark.parametrize("state", list(STATES))
def test_every_element_is_drawn_as_with_the_whole_theme_stylesheet(
    open_page, html_dir: Path, screen, state: str,
) -> None:
    cut = open_page(PAGE, screen)
    linked = cut.page.evaluate("Array.from(document.styleSheets, (s) => s.href || '')")
    assert any(SITE_STYLESHEET in href for href in linked)
    for source, used in CUT_STYLESHEETS.items():
        assert not any(source in href or used in href for href in linked), used
    mine = styles_in(cut.page, state)
    whole = open_page(PAGE, screen).page
    # The same stylesheet joined from the whole files instead of their cut copies.
    wholes = {used: source for source, used in CUT_STYLESHEETS.items()}
    joined = site_stylesheet((html_dir / wholes.get(part, part)).read_text(encoding="utf-8")
                             for part in SITE_STYLESHEET_PARTS)
    whole.route(f"**/{SITE_STYLESHEET}*", serve_instead(joined.encode("utf-8")))
    whole.reload(wait_until="load")
    theirs = styles_in(whole, state)
    assert len(mine) == len(theirs)
    differences = [(name, key, value, theirs[i][1].get(key))
                   for i, (name, seen) in enumerate(mine) for key, value in seen.items()
                   if theirs[i][1].get(key) != value]
    assert differences[:12] == [], f"{len(differences)} differences in state {state!r}"
    assert cut.complaints() == []


def test_dark_mode_changes_the_colours_and_stays_after_a_reload(open_page, screen) -> None:
    visit = open_page(PAGE, screen, color_scheme="light")
    page = visit.page
    light = page.evaluate(BACKGROUND)
    choose_dark(page)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    dark = page.evaluate(BACKGROUND)
    assert dark != light
    page.reload(wait_until="load")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate(BACKGROUND) == dark
    open_colour_menu(page)
    page.locator(".theme-change-button[data-mode=light]").click()
    assert page.evaluate(BACKGROUND) == light
    assert visit.complaints() == []


def test_the_colour_menu_opens_and_closes(open_page, screen) -> None:
    page = open_page(PAGE, screen).page
    menu = page.locator(".theme-switch-container .dropdown-menu")
    assert not menu.is_visible()
    open_colour_menu(page)
    assert page.locator("button.theme-switch-button").get_attribute("aria-expanded") == "true"
    page.locator("article p").first.click()  # a click elsewhere closes it
    menu.wait_for(state="hidden")


def test_the_search_dialog_opens_by_keyboard_or_button_and_closes(open_page, screen) -> None:
    page = open_page(PAGE, screen).page
    dialog = page.locator("#pst-search-dialog")
    assert not dialog.is_visible()
    search_by_keyboard(page)
    box = dialog.bounding_box()
    assert box and box["width"] > 250 and 0 <= box["x"] and box["x"] + box["width"] <= screen[0]
    assert page.evaluate("document.activeElement.closest('#pst-search-dialog') !== null")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    page.locator(".search-button__button:visible").first.click()
    dialog.wait_for(state="visible")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")


def test_the_primary_sidebar_toggle_works(open_page, screen) -> None:
    page = open_page(PAGE, screen).page
    if screen == NARROW:
        modal = page.locator("#pst-primary-sidebar-modal")
        assert not modal.is_visible()
        toggle_sidebar(page)
        modal.wait_for(state="visible")
        assert modal.locator("a[href]").first.is_visible()
        page.keyboard.press("Escape")
        modal.wait_for(state="hidden")
    else:
        on_screen = "() => { const box = document.querySelector('.bd-sidebar-primary').getBoundingClientRect();" \
                    " return box.right > 0 && box.width > 0; }"
        assert page.evaluate(on_screen)
        toggle_sidebar(page)
        page.wait_for_function(f"!({on_screen})()")
        toggle_sidebar(page)
        page.wait_for_function(f"({on_screen})()")



def test_bootstrap_waits_until_a_reader_reaches_for_a_tooltip(open_page, screen) -> None:
    visit = open_page(PAGE, screen)
    page = visit.page
    page.wait_for_timeout(500)
    assert page.evaluate(BOOTSTRAP_REQUESTS) == [] and not page.evaluate(BOOTSTRAP_HERE)
    page.locator("button.theme-switch-button").hover()  # its container has the tooltip "Color mode"
    page.wait_for_function(BOOTSTRAP_HERE)
    tooltip = page.locator(".tooltip")
    tooltip.wait_for(state="visible")
    assert "Color mode" in tooltip.inner_text()
    assert len(page.evaluate(BOOTSTRAP_REQUESTS)) == 1
    assert visit.complaints() == []


def test_the_colour_menu_opens_from_the_keyboard_before_bootstrap_is_fetched(open_page, screen) -> None:
    visit = open_page(PAGE, screen)
    page = visit.page
    assert not page.evaluate(BOOTSTRAP_HERE)
    page.locator("button.theme-switch-button").focus()
    page.keyboard.press("Enter")
    page.locator(".theme-switch-container .dropdown-menu").wait_for(state="visible")
    page.keyboard.press("Escape")
    page.locator(".theme-switch-container .dropdown-menu").wait_for(state="hidden")
    assert visit.complaints() == []


def test_reading_down_and_back_up_the_page_fetches_no_bootstrap(open_page, screen) -> None:
    visit = open_page("docs/background.html", screen)
    page = visit.page
    bottom = page.evaluate("document.scrollingElement.scrollHeight - innerHeight")
    assert bottom > 1000
    for y in [*range(0, bottom, 400), bottom, *range(bottom, 0, -400)]:
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    assert page.evaluate(BOOTSTRAP_REQUESTS) == [] and not page.evaluate(BOOTSTRAP_HERE)
    assert visit.complaints() == []

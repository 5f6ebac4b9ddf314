"""Previews (edition_tools/static/previews.js): the text of a note, a source or
a glossary term in a popup on hover or keyboard focus, without leaving the
page, in light and dark mode, without moving anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from .browser_support import GLOSSARY_SOURCE, NARROW, WIDE

POPUP = "#edition-preview"

#: JavaScript: what has the keyboard focus, and what the popup says about it.
FOCUSED = """() => {
  const element = document.activeElement;
  const popup = document.getElementById("edition-preview");
  const shown = !!popup && !popup.hidden;
  let kind = null, expected = null;
  if (element.matches("a.footnote-reference")) {
    kind = "marker";
    const note = document.getElementById(element.getAttribute("href").slice(1));
    const copy = note.cloneNode(true);
    // The number and the "Cite" button are the note's controls, not its text.
    copy.querySelectorAll(".label, .cite-button").forEach((control) => control.remove());
    expected = copy.textContent;
  } else if (element.matches("span.bibtex-citation a")) {
    kind = "citation";
    expected = element.dataset.preview;
  } else if (element.matches("a") && element.querySelector("span.std-term")) {
    kind = "term";
    expected = element.dataset.preview;
  }
  return {
    kind, href: element.getAttribute("href"), expected,
    shown, text: shown ? popup.textContent : null,
    describedby: element.getAttribute("aria-describedby"),
    onBody: element === document.body,
  };
}"""

#: JavaScript: the page's boxes, to tell whether anything moved. Boxes not
#: rendered (a hidden note) are left out: their "top" would be the scroll offset.
LAYOUT = """() => [...document.querySelectorAll("article p, article aside, article h1")]
  .filter((e) => e.getClientRects().length > 0)
  .map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.top + scrollY, r.width, r.height]; })"""


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


def tab_through(page, limit: int) -> list[dict]:
    """Press Tab until the focus leaves the page; return what each stop showed."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop.pop("onBody"):
            break
        stops.append(stop)
        if stop["kind"]:
            page.keyboard.press("Escape")
            assert page.locator(POPUP).is_hidden(), f"Escape left the preview of {stop['href']} open"
    return stops


@dataclass
class TabWalk:
    """One walk with Tab through a page: its markers, each stop, and the page's complaints."""

    markers: list[str]
    stops: list[dict]
    complaints: list[str]


@pytest.fixture(scope="module")
def walk_with_tab(open_module_page) -> Callable[[str, tuple[int, int]], TabWalk]:
    """Return a function that tabs through a page on a screen, once for the module.

    The walk through an article page on the wide screen is what both the
    markers' test and the glossary terms' test read: walking it once spares a
    walk of several hundred key presses per page. This module runs whole in
    one process (tests/conftest.py), so the walks are shared.
    """
    walks: dict[tuple[str, tuple[int, int]], TabWalk] = {}

    def walk(path: str, screen: tuple[int, int]) -> TabWalk:
        if (path, screen) not in walks:
            visit = open_module_page(path, screen)
            page = visit.page
            markers = page.eval_on_selector_all("article a.footnote-reference",
                                                "(ms) => ms.map((m) => m.getAttribute('href'))")
            limit = page.evaluate("document.querySelectorAll('a[href], button, input, [tabindex]').length") + 5
            stops = tab_through(page, limit)
            walks[(path, screen)] = TabWalk(markers, stops, visit.complaints())
            page.context.close()
        return walks[(path, screen)]

    return walk


def test_tab_reaches_every_marker_and_each_preview_opens_on_focus(walk_with_tab, annotated_path: str,
                                                                   screen) -> None:
    walk = walk_with_tab(annotated_path, screen)
    reached = [stop["href"] for stop in walk.stops if stop["kind"] == "marker"]
    assert reached == walk.markers
    previewed = [stop for stop in walk.stops if stop["kind"]]
    if screen == WIDE:
        # The notes stand open beside the text, so their citations are reached too.
        assert {stop["kind"] for stop in previewed} >= {"marker", "citation"}
    for stop in previewed:
        assert stop["shown"], f"no preview on focus of {stop['href']}"
        assert squash(stop["text"]) == squash(stop["expected"]), stop
        assert "edition-preview" in (stop["describedby"] or "").split(), stop
    assert walk.complaints == []


def test_glossary_terms_are_reached_by_tab_and_previewed(walk_with_tab) -> None:
    assert GLOSSARY_SOURCE.exists(), "the edition has lost its glossary (glossary/index.md)"
    found = []
    for path in ("docs/introduction.html", "docs/background.html", "docs/implications.html", "docs/conclusions.html"):
        found += [stop for stop in walk_with_tab(path, WIDE).stops if stop["kind"] == "term"]
    assert found, "glossary/index.md exists but no {term} link in the article is reached by Tab"
    for stop in found:
        assert stop["expected"], f"{stop['href']}: the term link carries no definition (title or data-preview)"
        assert stop["shown"] and squash(stop["text"]) == squash(stop["expected"]), stop


def test_hover_shows_a_preview_and_moving_away_hides_it(open_page, annotated_path: str) -> None:
    page = open_page(annotated_path, WIDE).page
    marker = page.locator("article a.footnote-reference").first
    marker.hover()
    popup = page.locator(POPUP)
    popup.wait_for(state="visible")
    assert marker.get_attribute("aria-describedby") == "edition-preview"
    assert popup.get_attribute("role") == "tooltip"
    # The pointer may rest on the popup (to read a long note) ...
    popup.hover()
    page.wait_for_timeout(400)
    assert popup.is_visible()
    # ... and Escape or leaving both close it.
    page.keyboard.press("Escape")
    assert popup.is_hidden()
    page.mouse.move(5, 5)
    marker.hover()
    popup.wait_for(state="visible")
    page.mouse.move(5, 5)
    popup.wait_for(state="hidden")
    assert marker.get_attribute("aria-describedby") is None


def test_citation_preview_replaces_the_native_tooltip(open_page, annotated_path: str) -> None:
    page = open_page(annotated_path, WIDE).page
    citation = page.locator("article span.bibtex-citation a").first
    entry = citation.get_attribute("data-preview")
    assert entry and citation.get_attribute("title") is None
    citation.hover()
    page.locator(POPUP).wait_for(state="visible")
    assert squash(page.locator(POPUP).text_content()) == squash(entry)


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=["wide", "narrow"])
def test_a_preview_moves_nothing_and_stays_on_the_screen(open_page, annotated_path: str, size) -> None:
    page = open_page(annotated_path, size).page
    # Measure the previews alone: the page, its fonts and the theme's scripts settle first.
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.evaluate("""() => { window.shifts = 0; window.shifted = []; new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) { window.shifts += entry.value;
          window.shifted.push(...entry.sources.map((s) => s.node && s.node.outerHTML.slice(0, 80))); }
        }).observe({type: "layout-shift"}); }""")
    before = page.evaluate(LAYOUT)
    for index in range(page.locator("article a.footnote-reference").count()):
        page.locator("article a.footnote-reference").nth(index).focus()
        box = page.locator(POPUP).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= size[0], box
        assert page.evaluate(LAYOUT) == before
    page.wait_for_timeout(100)
    assert page.evaluate("window.shifts") == 0, page.evaluate("window.shifted")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_preview_follows_the_colour_mode_and_passes_axe_core(
    open_page, axe_script: Path, annotated_path: str, color_scheme: str
) -> None:
    page = open_page(annotated_path, WIDE, color_scheme=color_scheme).page
    page.locator("article a.footnote-reference").first.focus()
    popup = page.locator(POPUP)
    popup.wait_for(state="visible")
    colours = popup.evaluate("(e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    theme = page.evaluate("""() => { const s = getComputedStyle(document.documentElement);
        return [s.getPropertyValue("--pst-color-text-base"), s.getPropertyValue("--pst-color-on-background")]; }""")
    probe = page.evaluate("""(values) => values.map((v) => { const e = document.createElement("i");
        e.style.color = v; document.body.append(e); const c = getComputedStyle(e).color; e.remove(); return c; })""",
        theme)
    assert colours == probe
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate("() => axe.run('#edition-preview', {resultTypes: ['violations']})")
    assert [(v["id"], v["impact"]) for v in results["violations"]] == []

"""Reading the notes anywhere: folded by paragraph on a phone, beside the text
on a desktop without holding the next paragraph back, three reading modes,
a filter by kind, and print. Figures are printed (``pytest -s``) as they are
measured."""

from __future__ import annotations

import re

import pytest

from .browser_support import NARROW, SCREENSHOTS, WIDE, on_screen, readable

#: JavaScript: each annotated paragraph's block against its text's own line
#: boxes, and how far each note begins from its marker.
BLOCK_FIGURES = """() => [...document.querySelectorAll("div.annotated")].map((block) => {
  const paragraph = block.querySelector(":scope > p");
  const range = document.createRange();
  range.selectNodeContents(paragraph);
  const lines = [...range.getClientRects()].filter((box) => box.height > 0);
  const text = Math.max(...lines.map((box) => box.bottom)) - Math.min(...lines.map((box) => box.top));
  const distances = [...block.querySelectorAll("aside.footnote")].map((note) => {
    const marker = document.getElementById(note.id.replace(/^note-/, "ref-"));
    return Math.abs(note.getBoundingClientRect().top - marker.getBoundingClientRect().top);
  });
  return {id: paragraph.id, ratio: block.getBoundingClientRect().height / text, distance: Math.max(...distances)};
})"""

#: JavaScript: the page's cumulative layout shift so far.
CLS = """() => new Promise((done) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => done(total), 500);
})"""

#: JavaScript: whether a note shows whole (nothing of it clamped or hidden).
WHOLE = """(id) => {
  const body = document.getElementById(id).querySelector("details.note-body");
  const parts = [...body.children].filter((part) => !part.matches("summary, .note-cite"));
  return body.scrollHeight <= body.clientHeight + 1
    && parts.every((part) => part.getBoundingClientRect().height > 0);
}"""

GROUP_SUMMARY = re.compile(r"^\d+ notes? on ¶\d+( · \d+ (context|fact checks?|since publication|terms?))+$")


def shown(page, selector: str) -> list[bool]:
    """Whether each element of ``selector`` is drawn (a closed <details> keeps its content's boxes)."""
    return page.eval_on_selector_all(
        selector, "(all) => all.map((e) => e.getBoundingClientRect().height > 0 && e.checkVisibility())")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def test_wide_paragraphs_read_on_without_waiting_for_their_notes(open_page, annotated_path: str) -> None:
    visit = open_page(annotated_path, WIDE)
    figures = visit.page.evaluate(BLOCK_FIGURES)
    assert figures
    worst = max(figures, key=lambda figure: figure["ratio"])
    farthest = max(figure["distance"] for figure in figures)
    print(f"\n{annotated_path} at 1400×1000: block/text height at most {worst['ratio']:.2f} "
          f"(¶{worst['id'][1:]}), note-to-marker at most {farthest:.0f} px")
    assert all(figure["ratio"] <= 2 for figure in figures), figures
    assert farthest <= 1000, figures
    assert visit.complaints() == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_narrow_notes_wait_in_a_disclosure_per_paragraph(open_page, annotated_path: str, javascript: bool) -> None:
    visit = open_page(annotated_path, NARROW, javascript=javascript)
    page = visit.page
    groups = page.locator("details.note-group")
    assert groups.count() == page.locator("div.annotated").count() > 0
    for index in range(groups.count()):
        group = groups.nth(index)
        assert group.get_attribute("open") is None
        summary = group.locator(":scope > summary").inner_text().strip()
        assert GROUP_SUMMARY.match(summary), summary
    assert not any(shown(page, "aside.footnote"))
    first = groups.first
    first.locator(":scope > summary").click()
    assert first.get_attribute("open") is not None
    assert all(shown(page, "details.note-group[open] aside.footnote"))
    if javascript:
        shoot(page, f"{annotated_path.replace('/', '-')[:-5]}-narrow-disclosure-open")
        assert visit.complaints() == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_permalink_opens_its_note_whole(open_page, screen, javascript: bool) -> None:
    note = "note-russia-northern-alliance-aid"
    visit = open_page(f"docs/background.html#{note}", screen, javascript=javascript)
    assert readable(on_screen(visit.page, note)), on_screen(visit.page, note)
    assert visit.page.evaluate(WHOLE, note)
    assert not javascript or visit.complaints() == []


def test_a_wide_note_opens_whole_on_enter(open_page) -> None:
    visit = open_page("docs/background.html", WIDE)
    page = visit.page
    note = "note-kabul-september-1996"
    assert not page.evaluate(WHOLE, note)
    page.focus(f"#{note} details.note-body > summary")
    page.keyboard.press("Enter")
    assert page.evaluate(WHOLE, note)
    assert visit.complaints() == []


@pytest.mark.parametrize("query", ["", "?mode=open", "?mode=text&kinds=context"], ids=["annotated", "open", "text"])
def test_nothing_moves_while_the_page_loads(open_page, screen, query: str) -> None:
    visit = open_page(f"docs/background.html{query}", screen)
    shift = visit.page.evaluate(CLS)
    print(f"\nCLS {screen[0]}×{screen[1]} {query or 'annotated'}: {shift:.4f}")
    assert shift < 0.05
    assert visit.complaints() == []


def test_text_only_hides_notes_and_markers_and_persists(open_page) -> None:
    visit = open_page("docs/background.html", NARROW)
    page = visit.page
    page.locator("details.reading-options > summary").click()
    page.get_by_label("Text only").check()
    assert "mode=text" in page.url
    assert not any(shown(page, "a.footnote-reference")) and not any(shown(page, "div.annotations"))
    assert all(shown(page, "a.para-num"))
    page.locator("details.reading-options").evaluate("(d) => { d.open = false; }")
    shoot(page, "docs-background-narrow-text-only")
    # The choice follows the reader to the next page.
    page.goto(page.url.split("docs/")[0] + "docs/implications.html")
    assert page.evaluate("document.documentElement.dataset.reading") == "text"
    assert "mode=text" in page.url
    assert not any(shown(page, "a.footnote-reference"))
    assert visit.complaints() == []


def test_without_scripts_a_page_is_annotated_whatever_its_address(open_page) -> None:
    visit = open_page("docs/background.html?mode=text&kinds=term", WIDE, javascript=False)
    assert all(shown(visit.page, "a.footnote-reference"))
    assert all(shown(visit.page, "aside.footnote"))
    assert not any(shown(visit.page, ".reading-options, button.cite-button"))


def test_all_notes_open_opens_every_disclosure(open_page) -> None:
    visit = open_page("docs/implications.html?mode=open", NARROW)
    page = visit.page
    assert page.locator("details.note-group:not([open]), details.note-body:not([open])").count() == 0
    for note in page.eval_on_selector_all("aside.footnote", "(all) => all.map((n) => n.id)"):
        assert page.evaluate(WHOLE, note), note
    page.locator("details.reading-options > summary").click()
    page.get_by_label("Annotated", exact=True).check()
    assert page.locator("details.note-group[open], details.note-body[open]").count() == 0
    assert visit.complaints() == []


def test_a_filter_by_kind_hides_notes_and_their_markers(open_page, screen) -> None:
    visit = open_page("docs/background.html?kinds=fact-check,since-publication", screen)
    page = visit.page
    for kind in ("context", "fact-check", "since-publication"):
        expected = kind != "context"
        notes = shown(page, f"aside.footnote.kind-{kind}")
        markers = shown(page, f"a.footnote-reference.kind-{kind}")
        assert len(notes) == len(markers)
        if screen == WIDE:
            assert notes == [expected] * len(notes), kind
        assert markers == [expected] * len(markers), kind
        # Each kind's count on the page is in the control.
        label = page.locator(f"input[name='reading-kind'][value='{kind}']").locator("xpath=..").text_content()
        assert f"({len(notes)})" in label
    page.locator("details.reading-options > summary").click()
    shoot(page, f"docs-background-{'wide' if screen == WIDE else 'narrow'}-filtered")
    page.locator("input[name='reading-kind'][value='since-publication']").uncheck()
    assert page.url.endswith("?kinds=fact-check")
    assert page.evaluate("JSON.parse(localStorage.getItem('edition-reading')).kinds") == "fact-check"
    assert visit.complaints() == []


@pytest.mark.parametrize("query", ["", "?mode=text"], ids=["annotated", "text"])
def test_print_follows_the_mode(open_page, query: str) -> None:
    visit = open_page(f"docs/background.html{query}", WIDE)
    page = visit.page
    page.emulate_media(media="print")
    notes = page.eval_on_selector_all("aside.footnote", "(all) => all.map((n) => n.id)")
    if query:
        assert not any(shown(page, "aside.footnote"))
    else:
        assert all(page.evaluate(WHOLE, note) for note in notes)
    assert not any(shown(page, ".bd-header, .bd-sidebar-primary, .reading-options, button, .prev-next-area"))
    assert all(shown(page, "p.article-paragraph"))

"""Fact checks as a reader meets them: the verdict badge, and the source's own
words (the receipt) in the preview of a citation, on both screens."""

from __future__ import annotations

from edition_tools.core.conventions import VERDICTS
from edition_tools.core.receipts import load_receipts

from .browser_support import NARROW, SCREENSHOTS, WIDE, page_paths

NOTE = "note-russia-northern-alliance-aid"

#: JavaScript: the badge of a note, its text, and whether it is drawn apart from the words around it.
BADGE = """(id) => {
  const badge = document.querySelector(`#${id} .verdict`);
  const style = getComputedStyle(badge);
  const box = badge.getBoundingClientRect();
  return {text: badge.textContent, border: style.borderTopStyle, width: box.width, height: box.height,
          visible: badge.checkVisibility()};
}"""


def open_note(page, screen) -> None:
    """Bring the note whole into view: its permalink opens its disclosure on either screen."""
    page.goto(page.url.split("#")[0] + f"#{NOTE}")
    page.wait_for_function("(id) => document.getElementById(id).getBoundingClientRect().height > 0", arg=NOTE)


def test_the_verdict_is_a_labelled_badge_on_both_screens(open_page, screen) -> None:
    visit = open_page("docs/background.html", screen)
    page = visit.page
    open_note(page, screen)
    badge = page.evaluate(BADGE, NOTE)
    assert badge["text"] in VERDICTS and badge["visible"]
    # A word in a bordered box: the verdict never rests on colour alone.
    assert badge["border"] in ("solid", "dashed") and badge["width"] > 0 and badge["height"] > 0
    assert visit.complaints() == []


def test_a_citation_in_a_fact_check_previews_the_words_the_verdict_rests_on(open_page, screen) -> None:
    visit = open_page("docs/background.html", screen)
    page = visit.page
    open_note(page, screen)
    receipts = load_receipts()["russia-northern-alliance-aid"]
    citation = page.locator(f"#{NOTE} span.bibtex-citation a").first
    key = citation.get_attribute("href").rpartition("#cite-")[2]
    citation.focus()
    popup = page.locator("#edition-preview")
    popup.wait_for(state="visible")
    text = " ".join(popup.inner_text().split())
    assert f"The source says: “{receipts.receipt(key).excerpt}”" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"docs-background-{'wide' if screen == WIDE else 'narrow'}-receipt.png")
    page.keyboard.press("Escape")
    assert popup.is_hidden()
    assert visit.complaints() == []


def test_the_fact_check_page_lists_badges(open_page, screen) -> None:
    # axe-core runs on this page, as on every page, on both screens in both
    # colour modes in test_pages.py; running it here again would prove nothing more.
    assert "docs/fact-checks.html" in page_paths()
    visit = open_page("docs/fact-checks.html", screen)
    page = visit.page
    verdicts = page.eval_on_selector_all("table.fact-check-table tbody .verdict",
                                         "(bs) => bs.map((b) => b.textContent)")
    assert len(verdicts) >= 22 and set(verdicts) <= set(VERDICTS)
    if screen == NARROW:
        # The table scrolls inside its own box on a phone; the page itself does not widen.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert visit.complaints() == []

""""Cite": each paragraph number and each note opens a small dialog with the
passage's citation as text, BibTeX and RIS, reached and left by keyboard."""

from __future__ import annotations

from .browser_support import AXE, SCREENSHOTS, WIDE

BLOCKING_IMPACTS = ("serious", "critical")


def cite_from_the_keyboard(page, button: str) -> None:
    """Tab onto ``button`` from the element before it, and press Enter."""
    page.focus(button)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("(selector) => document.activeElement === document.querySelector(selector)", button)
    page.keyboard.press("Enter")


def test_a_paragraph_is_cited_and_the_dialog_closes_on_escape(open_page, screen, axe_script) -> None:
    visit = open_page("docs/background.html", screen)
    page = visit.page
    button = "button.cite-button[data-cite='p4']"
    cite_from_the_keyboard(page, button)
    dialog = page.locator("dialog.cite-dialog")
    assert dialog.evaluate("(d) => d.open")
    assert page.locator("#cite-dialog-title").inner_text() == "Cite ¶4"
    text = page.locator("#cite-text").input_value()
    address = page.url.split("#")[0] + "#p4"
    assert text.startswith("Aigerim Turgunbaeva and Fayazuddin Ghiasi, “From Foe to Partner?")
    assert ", ¶4. In From Foe to Partner? An annotated edition. " in text and text.endswith(f"{address}.")
    assert page.locator("#cite-bibtex").input_value().startswith("@incollection{turgunbaeva2025p4,")
    assert f"UR  - {address}" in page.locator("#cite-ris").input_value()
    assert page.evaluate("document.activeElement.id") == "cite-text"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"docs-background-{'wide' if screen == WIDE else 'narrow'}-cite-dialog.png")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run('dialog.cite-dialog', {resultTypes: ['violations']})")
    assert [v["id"] for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS] == []
    page.keyboard.press("Escape")
    assert not dialog.evaluate("(d) => d.open")
    assert page.evaluate("(s) => document.activeElement === document.querySelector(s)", button)
    assert visit.complaints() == []


def test_a_note_is_cited_and_copied(open_page) -> None:
    visit = open_page("docs/background.html", WIDE)
    page = visit.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    note = "note-russia-northern-alliance-aid"
    page.locator(f"#{note} details.note-body > summary").click()
    button = f"button.cite-button[data-cite='{note}']"
    cite_from_the_keyboard(page, button)
    assert page.locator("#cite-dialog-title").inner_text() == "Cite note 2 on ¶2 (Fact check)"
    text = page.locator("#cite-text").input_value()
    assert text.startswith("The editors of the annotated edition, note 2 on ¶2 (Fact check), in From Foe to Partner?")
    assert text.endswith(f"#{note}.")
    page.locator("button.cite-copy[data-copy='cite-bibtex']").click()
    page.wait_for_function("document.querySelector('.cite-status').textContent === 'Copied.'")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#cite-bibtex").input_value()
    page.locator("button.cite-close").click()
    assert page.evaluate("(s) => document.activeElement === document.querySelector(s)", button)
    assert visit.complaints() == []


def test_without_scripts_no_cite_button_is_left_dead(open_page) -> None:
    visit = open_page("docs/background.html", WIDE, javascript=False)
    assert visit.page.locator("button.cite-button:visible").count() == 0

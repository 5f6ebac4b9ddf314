"""Annotations as a reader meets them: beside the paragraph on a wide screen,
one tap or one key away on a narrow one, at their permalink, and readable
with JavaScript off."""

from __future__ import annotations

import pytest

from .browser_support import MEDIUM, NARROW, WIDE, jump_to, on_screen, readable

#: JavaScript: each annotated paragraph with the boxes of its notes.
BLOCKS = """() => [...document.querySelectorAll("div.annotated")].map((block) => {
  const box = (element) => {
    const r = element.getBoundingClientRect();
    const shown = r.width > 0 && r.height > 0 && getComputedStyle(element).visibility !== "hidden";
    return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right, shown};
  };
  return {
    paragraph: box(block.querySelector(":scope > p")),
    notes: [...block.querySelectorAll("aside.footnote")].map((note) => ({id: note.id, ...box(note)})),
    width: document.documentElement.clientWidth,
  };
})"""


def note_ids(page) -> list[str]:
    """The ids of the page's notes, in the order of their markers."""
    return page.eval_on_selector_all(
        "article a.footnote-reference", "(markers) => markers.map((m) => m.getAttribute('href').slice(1))"
    )


@pytest.mark.parametrize("size", [WIDE, MEDIUM], ids=["wide", "medium"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_notes_stand_beside_their_paragraph(open_page, annotated_path: str, size, javascript: bool) -> None:
    visit = open_page(annotated_path, size, javascript=javascript)
    blocks = visit.page.evaluate(BLOCKS)
    assert blocks, f"{annotated_path} has annotations in its source but none beside a paragraph"
    for block in blocks:
        paragraph = block["paragraph"]
        previous_bottom = None
        for note in block["notes"]:
            assert note["shown"], note["id"]
            # To the right of the text, and whole on the screen.
            assert note["left"] >= paragraph["right"], note
            assert note["right"] <= block["width"], note
            if previous_bottom is None:
                # The first note starts level with its paragraph.
                assert paragraph["top"] - 1 <= note["top"] < paragraph["bottom"], (note, paragraph)
            else:
                # The others follow it closely, in the order of their markers.
                assert previous_bottom <= note["top"] < previous_bottom + 48, (note, previous_bottom)
            previous_bottom = note["bottom"]
    # With scripts off Chromium refuses the theme's script preloads: not a fault.
    assert not javascript or visit.complaints() == []


def test_narrow_notes_wait_for_their_marker_and_open_on_a_tap(open_page, annotated_path: str) -> None:
    visit = open_page(annotated_path, NARROW, touch=True)
    page = visit.page
    ids = note_ids(page)
    assert ids
    for note_id in ids:
        assert not on_screen(page, note_id)["shown"], f"{note_id} is shown before its marker is followed"
    for note_id in ids:
        page.tap(f"a.footnote-reference[href='#{note_id}']")
        page.wait_for_url(f"**#{note_id}")
        assert readable(on_screen(page, note_id)), (note_id, on_screen(page, note_id))
        assert page.locator("#edition-preview:visible").count() == 0, "a tap left a preview open"
        # Its number leads back to the marker.
        page.tap(f"#{note_id} a[role='doc-backlink']")
        page.wait_for_url(f"**#ref-{note_id.removeprefix('note-')}")
        assert readable(on_screen(page, f"ref-{note_id.removeprefix('note-')}"))
    assert visit.complaints() == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_narrow_notes_open_from_the_keyboard(open_page, annotated_path: str, javascript: bool) -> None:
    visit = open_page(annotated_path, NARROW, javascript=javascript)
    page = visit.page
    for note_id in note_ids(page):
        page.focus(f"a.footnote-reference[href='#{note_id}']")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**#{note_id}")
        assert readable(on_screen(page, note_id)), (note_id, on_screen(page, note_id))
    assert not javascript or visit.complaints() == []


def test_an_annotation_permalink_lands_on_its_note(open_page, annotated_path: str, screen) -> None:
    """Each note's address shows the note.

    Every note is followed from the loaded page (:func:`jump_to`: one load
    for the page, not one per note); the first note and the last, the one
    that late layout would push furthest, are also opened as new documents at
    their address, as a reader who follows a shared link opens them.
    """
    visit = open_page(annotated_path, screen)
    page = visit.page
    ids = note_ids(page)
    assert ids
    for note_id in ids:
        place = jump_to(page, note_id)
        assert readable(place), (note_id, place)
    assert visit.complaints() == []
    for note_id in dict.fromkeys((ids[0], ids[-1])):
        loaded = open_page(f"{annotated_path}#{note_id}", screen)
        assert readable(on_screen(loaded.page, note_id)), (note_id, on_screen(loaded.page, note_id))
        assert loaded.complaints() == []

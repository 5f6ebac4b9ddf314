"""Lay out each annotation (a MyST footnote) beside the paragraph it annotates.

sphinx-book-theme's ``use_sidenotes`` gives notes running-number ids, keeps only
the first paragraph of a note and leaves a dead link for a second reference.
This post-transform does the layout instead, for the site only (LaTeX and
the EPUB keep real footnotes):

* the note's id is derived from its label: ``[^kabulov-envoy]`` becomes
  ``#note-kabulov-envoy`` and its marker ``#ref-kabulov-envoy``, so a link to
  an annotation survives the addition of others;
* the annotated paragraph and its notes are wrapped in
  ``<div class="annotated">``, with the notes in ``<div class="annotations">``
  beside the text on wide screens and after it on narrow ones (see
  ``static/edition.css``); ``reading_modes.py`` then folds them into
  disclosures.

A note must be referenced exactly once; anything else is reported as a warning
with its location, which fails the strict build.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from edition_tools.ext import SITE_BUILDERS, extension

logger = logging.getLogger(__name__)


def note_id(label: str) -> str:
    """Return the HTML id of the annotation with ``label``."""
    return f"note-{nodes.make_id(label)}"


def marker_id(label: str) -> str:
    """Return the HTML id of the marker that refers to the annotation ``label``."""
    return f"ref-{nodes.make_id(label)}"


def _top_level_block(node: nodes.Node) -> nodes.Element:
    """Return the ancestor of ``node`` that sits directly in a section.

    A block already wrapped with its notes counts as sitting in the section.
    """
    while not isinstance(node.parent, (nodes.section, nodes.document)):
        if "annotated" in node.parent.get("classes", []):
            break
        node = node.parent
    return node


def _warn(message: str, node: nodes.Node, *args: object) -> None:
    logger.warning(message, *args, location=node, type="edition", subtype="annotation")


class LayOutMarginNotes(SphinxPostTransform):
    """Give notes label-derived ids and move them beside their paragraph."""

    default_priority = 5
    formats = ("html",)
    # The EPUB keeps real footnotes (edition_tools/ext/epub_edition.py).
    builders = SITE_BUILDERS

    def run(self, **kwargs: object) -> None:
        notes_by_id = {note["ids"][0]: note for note in self.document.findall(nodes.footnote)}
        refs_by_note: dict[str, list[nodes.footnote_reference]] = {}
        for ref in self.document.findall(nodes.footnote_reference):
            refs_by_note.setdefault(ref.get("refid", ""), []).append(ref)

        for old_id, note in notes_by_id.items():
            label = note["names"][0] if note["names"] else old_id
            refs = refs_by_note.get(old_id, [])
            if not refs:
                _warn("annotation [^%s] is defined but never referenced", note, label)
                continue
            if len(refs) > 1:
                _warn(
                    "annotation [^%s] is referenced %d times; reference it once "
                    "and write a second annotation for the other place",
                    refs[1],
                    label,
                    len(refs),
                )
            ref = refs[0]
            note["ids"] = [note_id(label)]
            note["backrefs"] = [marker_id(label)]
            ref["ids"] = [marker_id(label)]
            ref["refid"] = note_id(label)
            for extra in refs[1:]:
                extra["ids"] = []
                extra["refid"] = note_id(label)
            self._place_beside(ref, note)

    def _place_beside(self, ref: nodes.footnote_reference, note: nodes.footnote) -> None:
        block = _top_level_block(ref)
        if isinstance(block, nodes.footnote):
            _warn("an annotation may not refer to another annotation", ref)
            return
        if "annotated" in block.parent.get("classes", []):
            wrapper = block.parent
        else:
            wrapper = nodes.container(classes=["annotated"])
            # Element.replace_self would copy the block's ids onto the wrapper.
            block.parent.replace(block, wrapper)
            wrapper += block
            wrapper += nodes.container(classes=["annotations"])
        note.parent.remove(note)
        wrapper.children[-1] += note


@extension
def setup(app: Sphinx) -> None:
    """Register the post-transform."""
    app.add_post_transform(LayOutMarginNotes)

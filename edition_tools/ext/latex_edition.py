"""The printed edition: what the LaTeX builder needs beyond Sphinx's defaults.

Sphinx's LaTeX builder joins every page of the edition into one document but
keeps two habits of the page-by-page HTML build that a printed book must not
have. Two post-transforms, for LaTeX only, undo them:

* Footnote numbers restart on every source page (MyST numbers a page's notes
  from 1), so one PDF page could show notes 1, 2 and then 1 again.
  :class:`NumberFootnotesThroughout` numbers the annotations 1…N in reading
  order across the whole book.
* Sphinx gathers every citation at the very end of the document, after the
  glossary, under LaTeX's own "Bibliography" heading, and leaves the
  bibliography page as a heading with nothing below it.
  :class:`MarkBibliographyPlace` and :class:`PutBibliographyInPlace` move the
  gathered list back onto that page; the preamble in ``conf.py`` drops LaTeX's
  second heading.

:class:`StyleParagraphNumbers` marks the ``¶N`` numbers so that they print
upright rather than as italic links. :func:`title_page` and
:func:`pdf_metadata` write the title page and the PDF's title, author and
subject from ``sources/article.toml``, so that the printed edition names the
article exactly as the pinned source does, with no build date.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography
from sphinx.builders.latex.transforms import BibliographyTransform, LaTeXFootnoteTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

from edition_tools.core.article import load_metadata
from edition_tools.core.conventions import written_date
from edition_tools.ext import extension

#: The words that name this edition on the title page and in the PDF's metadata.
EDITION = "An annotated edition"

#: The PDF is _build/latex/PDF_NAME.pdf (the Makefile's PDF names it too).
PDF_NAME = "annotated-edition"


class NumberFootnotesThroughout(SphinxPostTransform):
    """Number the footnotes 1…N in reading order across the whole LaTeX document.

    A note takes the number of its first reference; a second reference to
    the same note repeats that number.
    """

    # Sphinx's LaTeXFootnoteTransform pairs references with notes by
    # (page, number); renumber before it so that the pairs are unique.
    default_priority = LaTeXFootnoteTransform.default_priority - 10
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        notes = {
            (note.get("docname"), note_id): note
            for note in self.document.findall(nodes.footnote)
            for note_id in note["ids"]
        }
        numbers: dict[int, str] = {}
        for ref in self.document.findall(nodes.footnote_reference):
            note = notes.get((ref.get("docname"), ref.get("refid")))
            if note is None:
                continue
            if id(note) not in numbers:
                numbers[id(note)] = str(len(numbers) + 1)
                _set_text(note[0], numbers[id(note)])  # the note's <label>
            _set_text(ref, numbers[id(note)])


def _set_text(node: nodes.Element, text: str) -> None:
    """Replace the children of ``node`` (a label or a reference) by ``text``."""
    node.children = []
    node += nodes.Text(text)


class bibliography_place(nodes.Element):
    """Where the first citation stood before Sphinx gathered them at the end.

    It never reaches a writer: :class:`PutBibliographyInPlace` replaces it.
    """


class MarkBibliographyPlace(SphinxPostTransform):
    """Leave a mark where the bibliography page lists its first citation."""

    default_priority = BibliographyTransform.default_priority - 5
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        first = next(self.document.findall(nodes.citation), None)
        if first is not None:
            first.parent.insert(first.parent.index(first), bibliography_place())


class PutBibliographyInPlace(SphinxPostTransform):
    """Move the gathered citations from the end of the book to the mark."""

    default_priority = BibliographyTransform.default_priority + 5
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        places = list(self.document.findall(bibliography_place))
        gathered = next(self.document.findall(thebibliography), None)
        for index, place in enumerate(places):
            if index == 0 and gathered is not None:
                gathered.parent.remove(gathered)
                place.replace_self(gathered)
            else:
                place.parent.remove(place)


#: TeX's special characters, written so that they print as themselves. The
#: same forms work in PDF strings, which hyperref maps back to the characters.
_TEX_SPECIALS = {
    **{char: "\\" + char for char in "&%#_{}$"},
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}


def tex_text(text: str) -> str:
    """Escape ``text`` for XeLaTeX, which reads every other character as it is."""
    return "".join(_TEX_SPECIALS.get(char, char) for char in text)


class StyleParagraphNumbers(SphinxPostTransform):
    """Mark the text of each ``¶N`` link so the preamble can style it.

    Sphinx sets every internal link in italics; the ``para-num`` role (defined
    in the preamble in ``conf.py``) prints a paragraph number upright instead.
    """

    default_priority = 800
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for ref in self.document.findall(nodes.reference):
            if "para-num" in ref["classes"]:
                text = nodes.inline("", "", *ref.children, classes=["para-num"])
                ref.children = []
                ref += text


def title_parts(title: str) -> tuple[str, str]:
    """Split a title at its first question mark or colon: (title, subtitle)."""
    match = re.match(r"^(.+?[?:])\s+(.+)$", title)
    return (match.group(1), match.group(2)) if match else (title, "")


def authors_line(names: list[str]) -> str:
    """Join author names as a reader says them: "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def title_page(metadata: dict | None = None) -> str:
    """Return the LaTeX of the title page, written from ``article.toml``.

    It names the article (title, authors, publication and date), says that
    this is an annotated edition, and carries the attribution note.
    """
    article = (metadata or load_metadata())["article"]
    title, subtitle = (tex_text(part) for part in title_parts(article["title"]))
    authors = tex_text(authors_line(article["authors"]))
    publication = tex_text(article["publication"])
    date = tex_text(written_date(article["date"]))
    attribution = tex_text(" ".join(article["attribution"].split()))
    return rf"""
\begin{{titlepage}}
  \centering
  \vspace*{{0.12\textheight}}
  {{\sffamily\bfseries\Huge {title}\par}}
  \bigskip
  {{\sffamily\Large {subtitle}\par}}
  \vspace{{0.07\textheight}}
  {{\Large {authors}\par}}
  \medskip
  {{\large\itshape {publication}\/}}, {{\large {date}}}\par
  \vspace{{0.1\textheight}}
  {{\sffamily\Large {tex_text(EDITION)}\par}}
  \vfill
  \begin{{minipage}}{{0.85\textwidth}}
    \small\raggedright {attribution}\par
  \end{{minipage}}
\end{{titlepage}}
"""


def pdf_metadata(metadata: dict | None = None) -> str:
    """Return ``\\hypersetup`` with the PDF's title, author and subject."""
    article = (metadata or load_metadata())["article"]
    title = tex_text(f"{article['title']}: {EDITION.lower()}")
    authors = tex_text("; ".join(article["authors"]))
    subject = tex_text(
        f"{EDITION} of an article published in the {article['publication']}, "
        f"{written_date(article['date'])}"
    )
    return (
        "\\hypersetup{\n"
        f"  pdftitle={{{title}}},\n"
        f"  pdfauthor={{{authors}}},\n"
        f"  pdfsubject={{{subject}}},\n"
        "}\n"
    )


@extension
def setup(app: Sphinx) -> None:
    """Register the LaTeX-only post-transforms."""
    app.add_post_transform(NumberFootnotesThroughout)
    app.add_post_transform(MarkBibliographyPlace)
    app.add_post_transform(PutBibliographyInPlace)
    app.add_post_transform(StyleParagraphNumbers)

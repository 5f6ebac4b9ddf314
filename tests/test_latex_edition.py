"""The LaTeX side of the edition, checked without TeX: the generated .tex file.

A small book (tests/roots/test-latex-book) has two pages of notes, each of which
numbers its own notes from 1, then a bibliography page and a page after it.
Its LaTeX shows whether edition_tools.ext.latex_edition numbers the notes through
the book and keeps the bibliography on its page. The title page and the
prerequisite check are tested here too; tests/test_pdf.py reads the PDF.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build_root

from edition_tools.ext import latex_edition, tex_installation


@pytest.fixture(scope="module")
def book_tex(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The LaTeX source of the small book, built strictly."""
    app = build_root(tmp_path_factory.mktemp("latex"), "latex-book", "latex")
    return (Path(app.outdir) / "book.tex").read_text(encoding="utf-8")


def test_notes_are_numbered_through_the_book_not_per_page(book_tex: str) -> None:
    notes = re.findall(r"\\begin\{footnote\}\[(\d+)\]", book_tex)
    assert notes == ["1", "2", "3"]
    # A second reference to a note repeats its number.
    assert re.findall(r"\\sphinxfootnotemark\[(\d+)\]", book_tex) == ["3"]


def test_bibliography_stays_on_its_page_before_the_next(book_tex: str) -> None:
    assert book_tex.count(r"\begin{sphinxthebibliography}") == 1
    order = [
        book_tex.index(r"\chapter{Bibliography}"),
        book_tex.index("Every source cited."),
        book_tex.index(r"\begin{sphinxthebibliography}"),
        book_tex.index(r"\chapter{After}"),
    ]
    assert order == sorted(order)


def test_paragraph_numbers_carry_their_own_style(book_tex: str) -> None:
    assert r"\DUrole{para-num}{¶1}" in book_tex


def test_title_page_is_written_from_the_article_metadata() -> None:
    metadata = {
        "article": {
            "title": "Why & How? A 100% study of #tags",
            "authors": ["Ann Author", "Bo Writer", "Cy Scribe"],
            "publication": "The_Review",
            "date": "2025-06-11",
            "attribution": "All rights\n  remain with them.",
        }
    }
    page = latex_edition.title_page(metadata)
    assert r"\Huge Why \& How?\par" in page
    assert r"A 100\% study of \#tags\par" in page
    assert "Ann Author, Bo Writer and Cy Scribe" in page
    assert r"{\large\itshape The\_Review\/}, {\large 11 June 2025}" in page
    assert "An annotated edition" in page
    assert "All rights remain with them." in page
    metadata_tex = latex_edition.pdf_metadata(metadata)
    assert r"pdftitle={Why \& How? A 100\% study of \#tags: an annotated edition}" in metadata_tex
    assert "pdfauthor={Ann Author; Bo Writer; Cy Scribe}" in metadata_tex
    assert "pdfsubject={An annotated edition of an article published in the The\\_Review, 11 June 2025}" in metadata_tex


def test_without_tex_the_check_prints_the_install_line_and_fails(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # an empty folder: no TeX programs
    result = subprocess.run(
        [sys.executable, "-m", "edition_tools.ext.tex_installation"],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )
    assert result.returncode == 1
    assert "lacks: latexmk, xelatex, makeindex" in result.stderr
    assert result.stderr.splitlines()[-1] == "  " + tex_installation.install_command()


def test_install_line_lists_the_packages_of_the_list_in_order(tmp_path: Path) -> None:
    listing = tmp_path / "debian-packages.txt"
    listing.write_text("# what for\nlatexmk\n\ntexlive-xetex  # why\n", encoding="utf-8")
    assert tex_installation.debian_packages(listing) == ["latexmk", "texlive-xetex"]
    assert tex_installation.install_command(listing) == (
        "sudo apt-get install --no-install-recommends latexmk texlive-xetex"
    )

"""The strict build: no warnings, numbered paragraphs, annotations, links."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import Build

from edition_tools.core.conventions import role_text
from edition_tools.core.fidelity import article_pages
from tests.support.internal_links import site_pages

ROOT = Path(__file__).resolve().parent.parent


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_strict_build_passes_with_zero_warnings(html_build: Build) -> None:
    assert html_build.returncode == 0
    assert "WARNING" not in html_build.stderr
    assert "ERROR" not in html_build.stderr


def test_site_opens_at_index_html_on_the_cover_page(html_dir: Path) -> None:
    root = soup(html_dir / "index.html")
    assert root.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=docs/index.html"
    cover = soup(html_dir / "docs" / "index.html")
    assert cover.find("h1").get_text().startswith("From Foe to Partner?")


def test_fourteen_paragraph_anchors_in_order_with_matching_numbers(html_dir: Path) -> None:
    seen = []
    for page in article_pages():
        html = soup(html_dir / page.relative_to(ROOT).with_suffix(".html"))
        for paragraph in html.select("article p.article-paragraph"):
            marker = paragraph.find("a", class_="para-num")
            number = int(paragraph["id"][1:])
            assert marker.get_text() == f"¶{number}"
            assert marker["href"] == f"#{paragraph['id']}"
            seen.append(paragraph["id"])
    assert seen == [f"p{n}" for n in range(1, 15)]


# That every internal address of the build resolves is tested once, with the
# link check's own tests: tests/test_links.py.


def test_no_stray_pages_in_the_site_or_its_search_index(html_dir: Path) -> None:
    pages = {str(p.relative_to(html_dir)) for p in site_pages(html_dir)}
    assert not {p for p in pages if not p.startswith(("docs/", "glossary/"))} - {
        "index.html", "genindex.html", "search.html",
    }
    text = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    assert all(name.startswith(("docs/", "glossary/")) for name in index["docnames"])
    for stray in ("README", "CONTRIBUTING", "tests/", "sources/"):
        assert not any(stray in name for name in index["docnames"])


def test_annotations_have_ids_derived_from_their_labels(html_dir: Path) -> None:
    labels: list[tuple[Path, str]] = []
    for page in article_pages():
        text = page.read_text(encoding="utf-8")
        labels += [(page, label) for label in re.findall(r"^\[\^([^\]]+)\]:", text, re.M)]
    assert labels, "the edition has no annotations"
    # Each page is parsed once, not once per annotation on it.
    built = {page: soup(html_dir / page.relative_to(ROOT).with_suffix(".html")) for page in dict.fromkeys(
        page for page, _ in labels)}
    for page, label in labels:
        html = built[page]
        note = html.find(id=f"note-{label}")
        marker = html.find(id=f"ref-{label}")
        assert note is not None and note.name == "aside", label
        assert marker is not None and marker["href"] == f"#note-{label}"
        assert note.find("a", attrs={"role": "doc-backlink"})["href"] == f"#ref-{label}"


def test_annotations_stand_beside_their_paragraph(html_dir: Path) -> None:
    """Each annotated paragraph is wrapped with exactly its own notes, in marker order."""
    blocks = 0
    for page in article_pages():
        html = soup(html_dir / page.relative_to(ROOT).with_suffix(".html"))
        for block in html.select("div.annotated"):
            paragraph = block.find("p", class_="article-paragraph", recursive=False)
            assert paragraph is not None
            markers = [a["href"][1:] for a in paragraph.select("a.footnote-reference")]
            notes = [n["id"] for n in block.select("div.annotations aside.footnote")]
            assert notes == markers, paragraph["id"]
            blocks += 1
    assert blocks >= 13


def test_a_note_keeps_every_sentence_and_citation(html_dir: Path) -> None:
    """The layout keeps whole notes (the theme's sidenotes kept only a first paragraph)."""
    for page in article_pages():
        html = soup(html_dir / page.relative_to(ROOT).with_suffix(".html"))
        for label, body in re.findall(r"^\[\^([^\]]+)\]:(.*?)(?=^\[\^|\Z)", page.read_text(encoding="utf-8"),
                                      re.M | re.S):
            note = html.find(id=f"note-{label}")
            cited = re.findall(r"\{cite:[pt]\}`([^`]+)`", body)
            keys = [key.strip() for group in cited for key in group.split(",")]
            assert len(note.select("span.bibtex-citation a")) == len(keys), label
            last_sentence = body.strip().splitlines()[-1].strip()
            shown = re.sub(r"\{cite:[pt]\}`[^`]+`", "", last_sentence)
            # Other roles ({term}, {event}) show their text.
            shown = re.sub(r"\{[a-z]+\}`([^`]+)`", lambda match: role_text(match.group(1)), shown)
            last_words = shown.split()[:4]
            # get_text(" ") spaces every element apart, a <time> too: join punctuation back.
            text = re.sub(r" ([,.;:])", r"\1", " ".join(note.get_text(" ").split()))
            assert " ".join(last_words) in text, label

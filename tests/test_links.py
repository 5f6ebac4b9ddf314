"""Links and references of the built site, and the checks that find broken ones.

Each check first runs on a fixture site that breaks each of its rules (the
exact ``(path, line, rule)`` list is the contract), then on the real build.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.built_references import reference_problems
from tests.support.internal_links import link_problems, load_search_index, site_pages

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def where(problems) -> list[tuple[str, int, str]]:
    return [(p.path, p.line, p.rule) for p in problems]


def test_link_check_reports_every_broken_address_of_the_fixture_site() -> None:
    problems = link_problems(FIXTURES / "links" / "site")
    assert where(problems) == [
        ("docs/page.html", 11, "link-fragment"),
        ("docs/page.html", 13, "link-file"),
        ("docs/page.html", 15, "link-file"),
        ("docs/page.html", 17, "link-scheme"),
        ("index.html", 6, "link-file"),
        ("_static/style.css", 6, "link-file"),
        ("_static/style.css", 8, "link-file"),
        ("searchindex.js", 1, "search-index"),
        ("searchindex.js", 1, "search-index"),
        ("searchindex.js", 1, "search-index"),
    ]
    messages = [p.message for p in problems]
    assert messages[2] == "srcset='../img/gone.svg': no file ../img/gone.svg"
    assert messages[4] == "refresh='docs/missing.html': no file docs/missing.html"
    assert messages[6] == "@import='nothere.css': no file nothere.css"
    assert messages[8] == "alltitles 'Nowhere' points to docs/other.html#nosuch, which has no id 'nosuch'"
    assert messages[9] == "indexentries 'lost' points to docs/page.html#term-lost, which has no id 'term-lost'"


def test_reference_check_reports_every_broken_reference_of_the_fixture_site() -> None:
    problems = reference_problems(FIXTURES / "references" / "site")
    assert where(problems) == [
        ("docs/notes.html", 7, "note-reference"),
        ("docs/notes.html", 18, "note-unreferenced"),
        ("docs/notes.html", 20, "note-backlink"),
        ("docs/notes.html", 22, "note-backlink"),
        ("docs/notes.html", 12, "citation-entry"),
        ("docs/notes.html", 15, "term-definition"),
        ("docs/notes.html", 23, "duplicate-id"),
        ("docs/second.html", 6, "paragraph-anchor"),
    ]
    assert str(problems[-1]) == (
        "docs/second.html:6: paragraph anchor #p1 is also at docs/notes.html:5; "
        "each paragraph of the article has one address (paragraph-anchor)"
    )


def test_every_address_of_the_site_resolves(html_dir: Path) -> None:
    # Pages (the general index and the search page among them), stylesheets
    # and the search index, together.
    assert [str(p) for p in link_problems(html_dir)] == []


def test_the_link_check_reads_the_pages_sphinx_writes_itself(html_dir: Path) -> None:
    pages = {page.relative_to(html_dir).as_posix() for page in site_pages(html_dir)}
    assert {"genindex.html", "search.html", "index.html"} <= pages
    index = load_search_index(html_dir)
    assert "docs/implications" in index["docnames"]
    assert any(anchor for places in index["alltitles"].values() for _, anchor in places)


def test_every_note_citation_term_and_paragraph_anchor_is_sound(html_dir: Path) -> None:
    assert [str(p) for p in reference_problems(html_dir)] == []


def test_the_real_site_has_what_the_reference_check_looks_at(html_dir: Path) -> None:
    # So that the test above cannot pass by finding nothing to check.
    text = "".join(page.read_text(encoding="utf-8") for page in site_pages(html_dir))
    assert text.count('class="footnote-reference') >= 2
    assert text.count('class="bibtex-citation"') >= 2
    assert text.count('class="article-paragraph"') == 14

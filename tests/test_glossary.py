"""The glossary: its files, its "Appears in" lists, its index page, its link titles."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from edition_tools.check.glossary import entry_paragraphs, page_title
from edition_tools.check.run import check_paths
from edition_tools.core.article import body_paragraphs
from edition_tools.core.pages import parse_page
from edition_tools.ext.name_matching import name_pattern, normalise

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "glossary"
REQUIRED_TERMS = ["Moscow Format", "Termez Dialogue", "CASA-1000", "Sher Khan Port"]
#: The editorial rules of a glossary entry and of term links, which make check applies.
EDITORIAL_RULES = {
    "glossary-file", "glossary-heading", "term-definition-sentence", "term-note-uncited", "term-see-also",
    "term-unknown", "term-duplicate", "term-no-definition", "term-first-use", "term-unlinked",
}


@dataclass
class GlossaryFile:
    """A glossary file as the page reader reads it."""

    path: Path
    heading: str
    terms: list[str]
    aliases: list[str]
    #: The paragraphs of the single entry, white space collapsed.
    paragraphs: list[str]


def read_glossary_file(path: Path) -> GlossaryFile:
    text = path.read_text(encoding="utf-8")
    aliases: list[str] = []
    if text.startswith("---\n"):
        front = text[4:].split("\n---\n", 1)[0]
        aliases = list(yaml.safe_load(front).get("aliases", []))
    page = parse_page(text)
    [entry] = page.glossary
    return GlossaryFile(
        path, page_title(page)[0], [term for term, _ in entry.terms], aliases,
        [paragraph.text for paragraph in entry_paragraphs(entry)],
    )


ENTRIES = [read_glossary_file(p) for p in sorted(GLOSSARY.glob("*.md")) if p.name != "index.md"]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page_of(entry: GlossaryFile, html_dir: Path) -> Path:
    return html_dir / "glossary" / f"{entry.path.stem}.html"


def test_the_required_terms_and_at_least_twelve_more_exist() -> None:
    terms = [entry.terms[0] for entry in ENTRIES]
    assert set(REQUIRED_TERMS) <= set(terms)
    assert len(terms) >= len(REQUIRED_TERMS) + 12
    assert len(set(map(str.casefold, terms))) == len(terms), "a term is defined twice"


def test_the_glossary_follows_the_editorial_rules_of_make_check() -> None:
    """One term a file, titled by it, with a one-sentence definition, a cited note and a See also line.

    Terms are linked from the article at their first use. The rules and their
    fixtures are in edition_tools/check/glossary.py and tests/fixtures/check/.
    """
    problems = [str(p) for p in check_paths() if p.rule in EDITORIAL_RULES]
    assert problems == []


def test_required_terms_are_defined_in_the_built_glossary(html_dir: Path) -> None:
    for term in REQUIRED_TERMS:
        entry = next(e for e in ENTRIES if e.terms[0] == term)
        dt = soup(page_of(entry, html_dir)).find("dt")
        assert dt.get_text().rstrip("#") == term
        assert dt["id"].startswith("term-")


def appears_in(entry: GlossaryFile, html_dir: Path) -> list[str]:
    paragraph = soup(page_of(entry, html_dir)).select_one("dl.glossary p.appears-in")
    assert paragraph is not None and paragraph.get_text().startswith("Appears in:")
    return [a["href"] for a in paragraph.find_all("a")]


def expected_paragraphs(entry: GlossaryFile) -> list[int]:
    """The ¶s whose text, in the pinned source, names the term or an alias."""
    pattern = name_pattern(entry.terms + entry.aliases)
    return [p.number for p in body_paragraphs() if pattern.search(normalise(p.text))]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.path.stem)
def test_appears_in_lists_exactly_the_paragraphs_that_name_the_term(entry: GlossaryFile, html_dir: Path) -> None:
    hrefs = appears_in(entry, html_dir)
    numbers = [int(href.rsplit("#p", 1)[1]) for href in hrefs]
    assert numbers == expected_paragraphs(entry)
    assert numbers, f"{entry.terms[0]} appears in no paragraph of the article"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.path.stem)
def test_every_appears_in_link_lands_on_a_paragraph_containing_the_term(entry: GlossaryFile, html_dir: Path) -> None:
    pattern = name_pattern(entry.terms + entry.aliases)
    page = page_of(entry, html_dir)
    for link in soup(page).select("dl.glossary p.appears-in a"):
        target, anchor = link["href"].split("#")
        html = soup((page.parent / target).resolve())
        paragraph = html.find("p", id=anchor)
        assert paragraph is not None and "article-paragraph" in paragraph["class"]
        assert pattern.search(normalise(paragraph.get_text())), (link["href"], entry.terms[0])
        title = html.find("h1").get_text().rstrip("#")
        assert link.get_text() == f"¶{anchor[1:]} ({title})"


def test_the_glossary_page_lists_every_term_alphabetically_with_its_definition(html_dir: Path) -> None:
    items = soup(html_dir / "glossary" / "index.html").select("ul.glossary-entries > li")
    names = [item.find("strong").get_text() for item in items]
    assert sorted(names, key=lambda n: normalise(n).lstrip("\"'").casefold()) == names
    assert set(names) == {entry.terms[0] for entry in ENTRIES}
    by_name = {entry.terms[0]: entry for entry in ENTRIES}
    for item in items:
        entry = by_name[item.find("strong").get_text()]
        link = item.find("a")
        assert link["href"] == f"{entry.path.stem}.html#{soup(page_of(entry, html_dir)).find('dt')['id']}"
        assert item.get_text().endswith(entry.paragraphs[0])


def test_every_term_is_in_the_general_index(html_dir: Path) -> None:
    genindex = soup(html_dir / "genindex.html")
    main_links = {a.get_text(): a["href"] for a in genindex.select("table.genindextable li > a") if a.find("strong")}
    for entry in ENTRIES:
        href = main_links.get(entry.terms[0])
        assert href is not None and href.startswith(f"glossary/{entry.path.stem}.html#term-"), entry.terms[0]


def test_term_links_carry_the_definition_of_their_term(html_dir: Path) -> None:
    definitions = {
        f"{entry.path.stem}.html#{soup(page_of(entry, html_dir)).find('dt')['id']}": entry.paragraphs[0]
        for entry in ENTRIES
    }
    checked = 0
    for page in sorted((html_dir / "glossary").glob("*.html")):
        for link in soup(page).select("a.glossary-term"):
            assert link["title"] == definitions[link["href"].rsplit("/", 1)[-1]]
            checked += 1
    assert checked >= len(ENTRIES), "the See also lines hold term links"


def test_every_term_is_linked_from_the_article(html_dir: Path) -> None:
    """The article links each glossary term at least once, from an article paragraph."""
    from edition_tools.core.fidelity import article_pages

    linked: set[str] = set()
    for page in article_pages():
        html = soup(html_dir / page.relative_to(ROOT).with_suffix(".html"))
        for paragraph in html.select("p.article-paragraph"):
            linked |= {a["href"].split("#")[0].rsplit("/", 1)[-1] for a in paragraph.select("a.glossary-term")}
    assert sorted(f"{entry.path.stem}.html" for entry in ENTRIES if f"{entry.path.stem}.html" not in linked) == []

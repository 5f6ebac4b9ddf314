"""The citation index: every source once, grouped, with exact and working backlinks."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from edition_tools.check.glossary import page_title
from edition_tools.core.pages import parse_page
from edition_tools.ext.citation_index import Group, group_of, load_groups

ROOT = Path(__file__).resolve().parent.parent
GROUPS_FILE = ROOT / "sources" / "citation-groups.toml"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def bibliography_keys() -> list[str]:
    text = (ROOT / "sources" / "references.bib").read_text(encoding="utf-8")
    return re.findall(r"^@\w+\{([^,\s]+),", text, re.M)


def expected_backlinks() -> dict[str, set[tuple[str, str]]]:
    """Each cited key with its backlinks ``(href, text)``, read from the sources.

    An annotation's ¶ is the paragraph its marker stands in; hrefs are
    relative to ``docs/citation-index.html``.
    """
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in sorted((ROOT / "docs").glob("*.md")):
        page = parse_page(path.read_text(encoding="utf-8"))
        numbers = {m.token.meta["label"]: p.number for p in page.paragraphs for m in p.markers}
        for note in page.footnotes:
            where = f"¶{numbers[note.label]}, note {note.label}" if note.label in numbers else f"note {note.label}"
            for key in (key for c in page.citations if c.role.footnote == note.label for key in c.keys):
                found[key].add((f"{path.stem}.html#note-{note.label}", where))
    for path in sorted((ROOT / "glossary").glob("*.md")):
        page = parse_page(path.read_text(encoding="utf-8"))
        title = page_title(page)
        for citation in page.citations:
            for key in citation.keys:
                found[key].add((f"../glossary/{path.stem}.html#term-", f"glossary, {title[0] if title else ''}"))
    return found


def index_entries(html_dir: Path) -> dict[str, BeautifulSoup]:
    page = soup(html_dir / "docs" / "citation-index.html")
    items = page.select("li.citation-index-entry")
    keys = [item["id"].removeprefix("cite-") for item in items]
    assert len(keys) == len(set(keys)), "a work is listed twice"
    return dict(zip(keys, items, strict=True))


def test_the_index_lists_every_work_of_the_bibliography_once(html_dir: Path) -> None:
    assert sorted(index_entries(html_dir)) == sorted(bibliography_keys())


def test_every_work_is_cited_and_every_citation_names_a_listed_work(html_dir: Path) -> None:
    expected = expected_backlinks()
    assert set(expected) == set(bibliography_keys())
    for item in index_entries(html_dir).values():
        assert "Not cited" not in item.get_text()


def test_backlinks_and_counts_match_the_sources_exactly(html_dir: Path) -> None:
    expected = expected_backlinks()
    for key, item in index_entries(html_dir).items():
        links = item.select("p.citation-backlinks a.citation-backlink")
        shown = {(a["href"], a.get_text()) for a in links}
        # A glossary link ends in the term's id, which the sources do not spell out.
        normalised = {(href.split("#term-")[0] + "#term-" if "#term-" in href else href, text) for href, text in shown}
        assert normalised == expected[key], key
        assert len(links) == len(shown), f"{key}: a place is linked twice"
        assert int(item.select_one("span.citation-count").get_text()) == len(expected[key])


def test_every_backlink_lands_on_a_place_that_cites_the_work(html_dir: Path) -> None:
    index = html_dir / "docs" / "citation-index.html"
    # Each page is parsed once: the backlinks point into a handful of pages, hundreds of times.
    pages: dict[Path, BeautifulSoup] = {}
    checked = 0
    for key, item in index_entries(html_dir).items():
        for link in item.select("a.citation-backlink"):
            target, anchor = link["href"].split("#")
            path = (index.parent / target).resolve()
            if path not in pages:
                pages[path] = soup(path)
            page = pages[path]
            place = page.find(id=anchor)
            assert place is not None, link["href"]
            if anchor.startswith("term-"):
                place = place.find_next_sibling("dd")
            else:
                assert place.name == "aside"
            assert place.select_one(f'a[href$="bibliography.html#cite-{key}"]'), (key, link["href"])
            checked += 1
    assert checked >= len(bibliography_keys())


def test_each_entry_links_to_its_bibliography_entry(html_dir: Path) -> None:
    bibliography = soup(html_dir / "docs" / "bibliography.html")
    for key, item in index_entries(html_dir).items():
        label = item.select_one("p.citation-index-source a")
        assert label["href"] == f"bibliography.html#cite-{key}"
        assert bibliography.find(id=f"cite-{key}") is not None


@pytest.mark.parametrize(
    ("key", "section"),
    [
        ("nac2006law35fz", "sources-official"),
        ("midru2018moscowformat", "sources-official"),
        ("lbci2025court", "sources-news"),
        ("jamestown1996oblov", "sources-analysis"),
        ("johnson2016iskp", "sources-analysis"),
    ],
)
def test_works_stand_in_their_group(html_dir: Path, key: str, section: str) -> None:
    item = index_entries(html_dir)[key]
    assert item.find_parent("section")["id"] == section


GROUPS = load_groups(GROUPS_FILE)


@pytest.mark.parametrize(
    ("key", "organization", "group"),
    [
        ("any", "Ministry of Foreign Affairs of the Russian Federation", "official"),
        ("any", "Jamestown Foundation, Monitor vol. 6, no. 12", "analysis"),
        ("any", "qwe.wiki (Wikipedia mirror)", "reference"),
        ("any", "Asia-Plus", "news"),
        ("any", "", "news"),
    ],
)
def test_grouping_rules_of_the_real_file(key: str, organization: str, group: str) -> None:
    assert group_of(key, organization, GROUPS).id == group


def test_a_listed_key_wins_over_the_outlet() -> None:
    groups = [
        Group("news", "News", "", (), (), True),
        Group("official", "Official", "", ("Ministry",), (), False),
        Group("reference", "Reference", "", (), ("special2020key",), False),
    ]
    assert group_of("special2020key", "Ministry of Truth", groups).id == "reference"
    assert group_of("other2020key", "ministry of truth", groups).id == "official"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[group]]\nid = "news"\ntitle = "News"\n', "exactly one group must say default = true"),
        ('[[group]]\nid = "news"\ndefault = true\n', "group 1 needs an id and a title"),
        ("[[group]\n", "Expected"),
    ],
)
def test_a_broken_grouping_file_is_named_in_the_error(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "groups.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(str(path))) as error:
        load_groups(path)
    assert message in str(error.value)

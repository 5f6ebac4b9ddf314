"""Fact checks at a glance: badges, the fact-check table, receipts beside citations."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from edition_tools.core.article import SOURCES
from edition_tools.core.conventions import VERDICTS
from edition_tools.core.receipts import load_receipts

ARTICLE_PAGES = ("introduction", "background", "implications", "conclusions", "authors")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def fact_check_notes(html_dir: Path) -> list[tuple[str, str, str]]:
    """Every Fact check note of the article pages: (page, label, verdict), in page order."""
    found = []
    for page in ARTICLE_PAGES:
        for badge in soup(html_dir / "docs" / f"{page}.html").select("div.annotations .verdict"):
            note = badge.find_parent(id=True)
            found.append((page, note["id"].removeprefix("note-"), badge.get_text()))
    return found


@pytest.fixture(scope="module")
def table(html_dir: Path) -> BeautifulSoup:
    return soup(html_dir / "docs" / "fact-checks.html")


def test_every_fact_check_note_shows_its_verdict_as_a_labelled_badge(html_dir: Path) -> None:
    notes = fact_check_notes(html_dir)
    assert len(notes) >= 22
    for page, label, verdict in notes:
        assert verdict in VERDICTS, (page, label, verdict)
    # The word is in the badge itself: colour is never the only signal.
    badge = soup(html_dir / "docs" / "background.html").select_one(".verdict")
    assert badge.get_text() in VERDICTS and f"verdict-{badge.get_text()}" in badge["class"]


def test_the_table_lists_every_checked_claim_once_in_article_order(html_dir: Path, table: BeautifulSoup) -> None:
    rows = table.select("table.fact-check-table tbody tr")
    notes = fact_check_notes(html_dir)
    listed = [row.select("a")[-1]["href"] for row in rows]
    assert sorted(listed) == sorted(f"{page}.html#note-{label}" for page, label, _ in notes)
    numbers = [int(row.select_one("td").get_text().removeprefix("¶")) for row in rows]
    assert numbers == sorted(numbers)
    for row, href in zip(rows, listed, strict=True):
        paragraph_link = row.select_one("td a")["href"]
        assert paragraph_link.split("#")[0] == href.split("#")[0]
        assert paragraph_link.endswith(f"#p{row.select_one('td').get_text().removeprefix('¶')}")


def test_the_checked_words_are_the_articles_own(table: BeautifulSoup) -> None:
    article = (SOURCES / "article.txt").read_text(encoding="utf-8")
    claims = load_receipts()
    for row in table.select("table.fact-check-table tbody tr"):
        words = row.select("td")[1].get_text()
        assert words.startswith("“") and words.endswith("”")
        assert words[1:-1] in article, words
        label = row.select("a")[-1]["href"].partition("#note-")[2]
        assert words[1:-1] == claims[label].checked


def test_the_counts_above_the_table_add_up(table: BeautifulSoup) -> None:
    rows = table.select("table.fact-check-table tbody tr")
    verdicts = Counter(row.select_one(".verdict").get_text() for row in rows)
    counts = table.select_one(".fact-check-counts").get_text()
    assert counts.startswith(f"{len(rows)} claims checked: ")
    for verdict, count in verdicts.items():
        assert f"{verdict} {count}" in counts


def test_every_citation_in_a_fact_check_shows_its_receipt(html_dir: Path) -> None:
    claims = load_receipts()
    checked = 0
    for page in ARTICLE_PAGES:
        for badge in soup(html_dir / "docs" / f"{page}.html").select("div.annotations .verdict"):
            note = badge.find_parent(id=True)
            label = note["id"].removeprefix("note-")
            for link in note.select("span.bibtex-citation a"):
                key = link["href"].rpartition("#cite-")[2]
                receipt = claims[label].receipt(key)
                assert receipt is not None, (label, key)
                assert f"The source says: “{receipt.excerpt}”" in link["title"]
                checked += 1
    assert checked >= 40


def test_the_citation_index_shows_what_each_work_says_for_a_verdict(html_dir: Path) -> None:
    index = soup(html_dir / "docs" / "citation-index.html")
    claims = load_receipts()
    expected = {(receipt.key, label) for label, claim in claims.items() for receipt in claim.receipts}
    shown = set()
    for receipt in index.select(".citation-receipt"):
        key = receipt.find_parent("li")["id"].removeprefix("cite-")
        label = receipt.select_one("a")["href"].partition("#note-")[2]
        shown.add((key, label))
        assert receipt.select_one(".verdict").get_text() in VERDICTS
    assert shown == expected


def test_the_fact_check_page_is_linked_from_the_cover_and_every_article_page(html_dir: Path) -> None:
    for page in ("index", *ARTICLE_PAGES):
        links = {a["href"] for a in soup(html_dir / "docs" / f"{page}.html").select("a[href]")}
        assert "fact-checks.html" in links, page

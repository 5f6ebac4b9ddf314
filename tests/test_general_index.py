"""The general index: the article's names point at the paragraphs that mention them."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from edition_tools.ext.general_index import load_index_names
from edition_tools.ext.name_matching import name_pattern, normalise

ROOT = Path(__file__).resolve().parent.parent


def genindex_links(html_dir: Path) -> dict[str, set[str]]:
    """Each top-level entry of genindex.html with the addresses it links to."""
    page = BeautifulSoup((html_dir / "genindex.html").read_text(encoding="utf-8"), "html.parser")
    found: dict[str, set[str]] = defaultdict(set)
    for item in page.select("table.genindextable td > ul > li"):
        first = item.find("a", recursive=False)
        if first is None:
            continue
        found[first.get_text()] |= {a["href"] for a in item.find_all("a", recursive=False)}
    return found


@pytest.mark.parametrize(
    ("entry", "paragraphs"),
    [
        ("Kabulov, Zamir", {"docs/background.html#p6"}),
        ("Karzai, Hamid", {"docs/background.html#p5"}),
        ("Oblov, Alexander", {"docs/background.html#p3"}),
        ("Putin, Vladimir", {"docs/introduction.html#p1"}),
        ("Badakhshan", {"docs/background.html#p6", "docs/implications.html#p10"}),
        ("Kunduz", {"docs/implications.html#p10"}),
        ("Termez", {"docs/implications.html#p9", "docs/implications.html#p11"}),
        ("Dushanbe", {"docs/implications.html#p10"}),
        ("Tashkent", {"docs/background.html#p5"}),
        ("Moscow Format", {"docs/implications.html#p7"}),
        ("Shanghai Cooperation Organization", {"docs/implications.html#p11"}),
        (
            "ISIS-K",
            {
                "docs/background.html#p4",
                "docs/background.html#p5",
                "docs/background.html#p6",
                "docs/implications.html#p11",
            },
        ),
        ("Prosecutor General's Office", {"docs/introduction.html#p1"}),
    ],
)
def test_names_of_the_article_point_at_their_paragraphs(html_dir: Path, entry: str, paragraphs: set[str]) -> None:
    links = genindex_links(html_dir)[entry]
    assert {href for href in links if "#p" in href} == paragraphs


def test_the_taliban_are_indexed_in_every_paragraph_but_the_authors(html_dir: Path) -> None:
    links = {href.rsplit("#", 1)[1] for href in genindex_links(html_dir)["Taliban"] if "#p" in href}
    assert links == {f"p{n}" for n in range(1, 14)}


def test_every_name_of_the_data_file_is_found_in_the_article(html_dir: Path) -> None:
    names = load_index_names(ROOT / "glossary" / "index-terms.toml")
    links = genindex_links(html_dir)
    for name in names:
        assert any("#p" in href for href in links[name.entry]), f"{name.entry} matches no paragraph"


def test_the_navigation_links_to_the_general_index(html_dir: Path) -> None:
    for page in ("docs/index.html", "docs/implications.html", "glossary/termez.html"):
        html = BeautifulSoup((html_dir / page).read_text(encoding="utf-8"), "html.parser")
        hrefs = [a["href"] for a in html.select("nav.bd-links a")]
        assert any(href.endswith("genindex.html") for href in hrefs), page
        assert any(href.endswith("citation-index.html") for href in hrefs), page


def test_names_match_whole_words_with_either_kind_of_quote_mark() -> None:
    pattern = name_pattern(["Prosecutor General's Office", "SCO", "Termez"])
    assert pattern.search(normalise("the Prosecutor General’s Office of"))
    assert pattern.search(normalise("Organization (SCO) dialogue"))
    assert not pattern.search("Moscow's SCOPE")
    assert not pattern.search("Termezi")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[name]]\nentry = "X"\nkind = "person"\n', "name 1 needs an entry and at least one match"),
        ('[[name]]\nentry = "X"\nkind = "planet"\nmatch = ["X"]\n', "name 'X' has kind 'planet'; use one of person,"),
        ("[[name]\n", "Expected"),
    ],
)
def test_a_broken_data_file_is_named_in_the_error(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "index-terms.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError) as error:
        load_index_names(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)

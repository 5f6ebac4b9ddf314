"""Site search and the glossary's links, in the browser."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from .browser_support import GLOSSARY_SOURCE, LOOPBACK, WIDE, glossary_paths, jump_to, on_screen, readable


def search(open_page, words: str) -> set[str]:
    """Run the site search for ``words``; return the pages found, relative to the root."""
    visit = open_page(f"search.html?q={words}")
    page = visit.page
    page.locator("#search-results p.search-summary").wait_for()
    hrefs = page.eval_on_selector_all("#search-results ul.search li a", "(links) => links.map((a) => a.href)")
    assert visit.complaints() == []
    root = urlsplit(page.url).path.removesuffix("search.html")
    return {urlsplit(href).path.removeprefix(root) for href in hrefs}


def test_search_finds_termez_in_the_article(open_page) -> None:
    assert "docs/implications.html" in search(open_page, "Termez")


def test_search_finds_termez_in_the_glossary(open_page, html_dir: Path) -> None:
    assert GLOSSARY_SOURCE.exists(), "the edition has lost its glossary (glossary/index.md)"
    assert (html_dir / "glossary" / "index.html").exists(), "glossary/index.md was not built"
    found = search(open_page, "Termez")
    assert any(path.startswith("glossary/") for path in found), found


def test_glossary_links_into_the_article_land_on_their_element(open_page, html_dir: Path) -> None:
    """Every link from the glossary into the article shows its element.

    The links are read from the glossary's built pages (no script of the site
    writes a link); each article page is then loaded once and every target on
    it followed from there (:func:`jump_to`), and its first target is also
    opened as a new document at its address, the path a reader's click takes.
    """
    assert GLOSSARY_SOURCE.exists(), "the edition has lost its glossary (glossary/index.md)"
    targets: dict[str, set[str]] = defaultdict(set)
    for path in glossary_paths():
        glossary_page = BeautifulSoup((html_dir / path).read_text(encoding="utf-8"), "html.parser")
        for link in glossary_page.select("article a[href*='#']"):
            parts = urlsplit(urljoin(f"http://{LOOPBACK}/{path}", link["href"]))
            if "/docs/" in parts.path and parts.fragment:
                targets[parts.path.split("/docs/", 1)[1]].add(parts.fragment)
    assert targets, "the glossary has no link to a place in the article (its 'Appears in' lists)"
    for page_name, fragments in sorted(targets.items()):
        page = open_page(f"docs/{page_name}", WIDE).page
        for fragment in sorted(fragments):
            place = jump_to(page, fragment)
            assert readable(place), (page_name, fragment, place)
        page.context.close()
        first = min(fragments)
        loaded = open_page(f"docs/{page_name}#{first}", WIDE).page
        assert readable(on_screen(loaded, first)), (page_name, first, on_screen(loaded, first))
        loaded.context.close()

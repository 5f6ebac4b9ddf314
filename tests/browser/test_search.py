"""Site search and the glossary's links, in the browser."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from .browser_support import GLOSSARY_SOURCE, WIDE, glossary_paths, jump_to, on_screen, readable


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


def test_glossary_links_into_the_article_land_on_their_element(open_page, site_url: str) -> None:
    """Every link from the glossary into the article shows its element.

    One tab reads the glossary's pages in turn; each article page is then
    loaded once and every target on it followed from there
    (:func:`jump_to`), and its first target is also opened as a new document
    at its address, the path a reader's click takes.
    """
    assert GLOSSARY_SOURCE.exists(), "the edition has lost its glossary (glossary/index.md)"
    targets: dict[str, set[str]] = defaultdict(set)
    reader = open_page(glossary_paths()[0], WIDE).page
    for path in glossary_paths():
        reader.goto(site_url + path, wait_until="load")
        for href in reader.eval_on_selector_all("article a[href*='#']", "(links) => links.map((a) => a.href)"):
            parts = urlsplit(href)
            if "/docs/" in parts.path and parts.fragment:
                targets[parts.path.split("/docs/", 1)[1]].add(parts.fragment)
    reader.context.close()
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

"""What each page's <head> carries (edition_tools/page_head.py): a description,
no script that holds up the first paint without need, no unused stylesheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from edition_tools.bench.projects import FOOTNOTE_DEFINITION
from edition_tools.core.article import load_metadata
from edition_tools.core.fidelity import article_pages
from edition_tools.ext.page_head import DEFERRED_SCRIPTS, description
from tests.support.internal_links import site_pages

ROOT = Path(__file__).resolve().parent.parent


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _name(src: str) -> str:
    return src.split("?")[0].rsplit("_static/", 1)[-1]


@pytest.fixture(scope="module")
def pages(html_dir: Path) -> dict[str, BeautifulSoup]:
    # The site's root index.html only forwards to the cover page.
    return {page.relative_to(html_dir).as_posix(): soup(page) for page in site_pages(html_dir)
            if page.relative_to(html_dir).as_posix() != "index.html"}


def test_every_page_has_one_description(pages: dict[str, BeautifulSoup]) -> None:
    title = load_metadata()["article"]["title"]
    for name, html in pages.items():
        tags = html.find_all("meta", attrs={"name": "description"})
        assert len(tags) == 1, name
        assert title in tags[0]["content"], name


def test_an_article_page_description_counts_its_annotations(pages: dict[str, BeautifulSoup]) -> None:
    for page in article_pages():
        name = page.relative_to(ROOT).with_suffix(".html").as_posix()
        content = pages[name].find("meta", attrs={"name": "description"})["content"]
        count = len(FOOTNOTE_DEFINITION.findall(page.read_text(encoding="utf-8")))
        assert count > 0, name
        assert f"with {count} annotation{'s' if count > 1 else ''} on this page" in content, name


def test_description_names_the_page_and_the_article() -> None:
    metadata = {"article": {"title": "A Title", "authors": ["A. One", "B. Two"],
                            "publication": "The Analyst", "date": "2025-06-11"}}
    cover = description("cover", "Cover", 0, metadata)
    assert cover.startswith("An annotated edition of “A Title” by A. One and B. Two (The Analyst, 11 June 2025)")
    assert description("article", "Part", 1, metadata) == (
        "Part: a part of “A Title” by A. One and B. Two (The Analyst, 11 June 2025), "
        "in an annotated edition with 1 annotation on this page.")
    assert "with 3 annotations" in description("article", "Part", 3, metadata)
    assert description("other", "X", 0, metadata) == (
        "X: from the annotated edition of “A Title” by A. One and B. Two (The Analyst, 11 June 2025).")


def test_only_the_cover_and_the_article_pages_are_described_as_such(pages: dict[str, BeautifulSoup]) -> None:
    article = {page.relative_to(ROOT).with_suffix(".html").as_posix() for page in article_pages()}
    for name, html in pages.items():
        content = html.find("meta", attrs={"name": "description"})["content"]
        if name == "docs/index.html":
            assert content.startswith("An annotated edition of "), name
        elif name in article:
            assert ": a part of “" in content, name
        else:
            assert ": from the annotated edition of “" in content, name


def test_only_documentation_options_blocks_the_first_paint(pages: dict[str, BeautifulSoup]) -> None:
    for name, html in pages.items():
        blocking = [_name(s["src"]) for s in html.head.find_all("script", src=True)
                    if not ({"defer", "async"} & set(s.attrs)) and s.get("type") != "module"]
        if name == "search.html":
            # The search scripts run as the page is parsed and use these.
            assert {"documentation_options.js", "doctools.js", "searchtools.js"} <= set(blocking)
        else:
            assert blocking == ["documentation_options.js"], name
    deferred = {_name(s["src"]) for s in pages["docs/introduction.html"].find_all("script", defer=True)}
    assert {name.removeprefix("_static/") for name in DEFERRED_SCRIPTS} <= deferred


def test_pygments_css_only_where_code_is_highlighted(pages: dict[str, BeautifulSoup]) -> None:
    with_code = []
    for name, html in pages.items():
        styles = [_name(link["href"]) for link in html.find_all("link", rel="stylesheet")]
        highlighted = bool(html.select("article .highlight, main .highlight"))
        assert ("pygments.css" in styles) == highlighted, name
        with_code += [name] if highlighted else []
    assert with_code  # the contributor's guide shows code
    assert "docs/introduction.html" not in with_code


def test_basic_css_is_linked_directly_before_the_theme(pages: dict[str, BeautifulSoup]) -> None:
    for name, html in pages.items():
        styles = [_name(link["href"]) for link in html.find_all("link", rel="stylesheet")]
        assert "styles/theme.css" not in styles, name
        assert styles.index("basic-used.css") < styles.index("styles/pydata-sphinx-theme-used.css"), name

"""What each page's <head> carries (edition_tools/page_head.py): a description,
no script that holds up the first paint without need, no unused stylesheet,
one stylesheet for the site."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from edition_tools.bench.projects import FOOTNOTE_DEFINITION
from edition_tools.core.article import load_metadata
from edition_tools.core.fidelity import article_pages
from edition_tools.ext.page_head import DEFERRED_SCRIPTS, description
from edition_tools.ext.theme_styles import SITE_STYLESHEET, SITE_STYLESHEET_PARTS
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


def test_no_script_holds_up_the_first_paint_but_on_the_search_page(pages: dict[str, BeautifulSoup]) -> None:
    for name, html in pages.items():
        blocking = [_name(s["src"]) for s in html.head.find_all("script", src=True)
                    if not ({"defer", "async"} & set(s.attrs)) and s.get("type") != "module"]
        if name == "search.html":
            # The search scripts run as the page is parsed and use these.
            assert {"documentation_options.js", "doctools.js", "searchtools.js"} <= set(blocking)
        else:
            assert blocking == [], name
            # Sphinx's settings are written into the page, before the theme's scripts that add to them.
            inline = [script.string or "" for script in html.head.find_all("script", src=False)]
            settings = next(i for i, text in enumerate(inline) if "const DOCUMENTATION_OPTIONS = {" in text)
            assert "LANGUAGE: 'en'" in inline[settings], name
            assert settings < next(i for i, text in enumerate(inline) if "DOCUMENTATION_OPTIONS.pagename" in text)
    deferred = {_name(s["src"]) for s in pages["docs/introduction.html"].find_all("script", defer=True)}
    assert {name.removeprefix("_static/") for name in DEFERRED_SCRIPTS} <= deferred


def test_the_settings_written_into_a_page_are_sphinxs_own(pages: dict[str, BeautifulSoup], html_dir: Path) -> None:
    written = (html_dir / "_static/documentation_options.js").read_text(encoding="utf-8").strip()
    inline = [script.string for script in pages["docs/background.html"].head.find_all("script", src=False)]
    assert written in inline


def test_the_theme_preloads_no_script_and_bootstrap_waits_for_a_reader(pages: dict[str, BeautifulSoup]) -> None:
    for name, html in pages.items():
        assert not html.find_all("link", rel="preload"), name
        sources = [_name(s["src"]) for s in html.find_all("script", src=True)]
        assert "scripts/bootstrap.js" not in sources, name
        loader = html.find("script", src=lambda src: src and "bootstrap-on-demand.js" in src)
        assert loader is not None and "defer" in loader.attrs, name
        assert _name(loader["data-bootstrap"]) == "scripts/bootstrap.js", name


def test_pygments_css_only_where_code_is_highlighted(pages: dict[str, BeautifulSoup]) -> None:
    with_code = []
    for name, html in pages.items():
        styles = [_name(link["href"]) for link in html.find_all("link", rel="stylesheet")]
        highlighted = bool(html.select("article .highlight, main .highlight"))
        assert ("pygments.css" in styles) == highlighted, name
        with_code += [name] if highlighted else []
    assert with_code  # the contributor's guide shows code
    assert "docs/introduction.html" not in with_code


def test_every_page_links_the_one_site_stylesheet(pages: dict[str, BeautifulSoup]) -> None:
    parts = {name.removeprefix("_static/") for name in SITE_STYLESHEET_PARTS}
    for name, html in pages.items():
        styles = [_name(link["href"]) for link in html.find_all("link", rel="stylesheet")]
        assert styles[0] == SITE_STYLESHEET.removeprefix("_static/"), name
        assert not parts & set(styles), name
        assert not {"styles/theme.css", "basic.css", "styles/pydata-sphinx-theme.css"} & set(styles), name

"""What the reader's browser is sent: the previews script where it is needed,
and the markup fixes that axe-core asked for (edition_tools/accessibility.py)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from edition_tools.ext.previews import needs_previews
from tests.support.internal_links import site_pages


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_needs_previews_recognises_each_kind_of_trigger() -> None:
    assert needs_previews('<a class="footnote-reference brackets" href="#note-x">')
    assert needs_previews('<span class="bibtex-citation">')
    assert needs_previews('<span class="xref std std-term">')
    assert needs_previews('<a data-preview="A definition.">')
    assert not needs_previews("<p>Plain text with a <a href='x.html'>link</a>.</p>")
    # A page that names the classes in its text (the contributor's guide) needs no script.
    assert not needs_previews("<p>Markers have the class <code>footnote-reference</code>; terms std-term.</p>")


def test_previews_script_is_deferred_and_only_on_pages_that_use_it(html_dir: Path) -> None:
    with_script, without = [], []
    for page in site_pages(html_dir):
        html = soup(page)
        scripts = [s for s in html.find_all("script", src=True) if "previews.js" in s["src"]]
        article = html.find("article") or html
        triggers = article.select("a.footnote-reference, span.bibtex-citation a, span.std-term, [data-preview]")
        name = page.relative_to(html_dir).as_posix()
        assert len(scripts) == (1 if triggers else 0), name
        if scripts:
            assert scripts[0].has_attr("defer"), name
            with_script.append(name)
        else:
            without.append(name)
    assert "docs/introduction.html" in with_script
    assert {"genindex.html", "search.html"} <= set(without)


def test_bibliography_entries_are_items_of_a_list(html_dir: Path) -> None:
    html = soup(html_dir / "docs" / "bibliography.html")
    entries = html.select("div.citation")
    assert entries
    for entry in entries:
        assert entry["role"] == "listitem"
        assert entry.parent["role"] == "list"
    assert not html.select("[role=doc-biblioentry]")


def test_search_button_is_named_by_what_it_shows(html_dir: Path) -> None:
    buttons = soup(html_dir / "docs" / "introduction.html").select("button.search-button-field")
    assert buttons
    for button in buttons:
        assert not button.has_attr("aria-label")
        assert " ".join(button.get_text().split()) == "Search Ctrl+K"
        assert button["aria-keyshortcuts"] == "Control+K"


def test_pages_start_in_the_readers_colour_mode_and_have_a_favicon(html_dir: Path) -> None:
    html = soup(html_dir / "docs" / "introduction.html")
    inline = [s.string or "" for s in html.find_all("script", src=False)]
    assert any("prefers-color-scheme: dark" in text and "dataset.mode='auto'" in text for text in inline)
    assert html.find("link", rel="icon")["href"].endswith("_static/favicon.svg")


def test_icon_only_navigation_toggles_get_a_name() -> None:
    from edition_tools.ext.accessibility import name_navigation_toggles

    theme = '<details><summary><span class="toctree-toggle" role="presentation"><i></i></span></summary>'
    named = name_navigation_toggles(theme)
    assert '<summary aria-label="Show or hide the pages of this part">' in named
    # A summary that has text of its own (a caption) is left as it is.
    captioned = '<summary><p class="caption">Glossary</p><span class="toctree-toggle"></span></summary>'
    assert name_navigation_toggles(captioned) == captioned


def test_the_built_navigation_has_no_nameless_summary(html_dir) -> None:
    from bs4 import BeautifulSoup

    page = BeautifulSoup((html_dir / "docs" / "introduction.html").read_text(encoding="utf-8"), "html.parser")
    summaries = page.select("nav summary")
    assert summaries, "the navigation has a collapsible branch (the glossary)"
    assert all(s.get("aria-label") or s.get_text(strip=True) for s in summaries)

"""Incremental builds give the same glossary, citation index and search index as a clean one.

The glossary's "Appears in" lists, its list of entries, the titles of term
links, the citation index and the search index all depend on other pages than
their own. These tests prove that the state the extensions keep on the build
environment (edition_tools/ext/build_state.py) is purged and merged
correctly: a build after editing two pages gives what a clean build of the
edited sources gives, and a page is rewritten only when what it shows changed.

They run on a small edition (tests/roots/test-build-state) with Sphinx's own
test fixtures, in this process. That a parallel build of the whole edition
writes the same bytes as a serial one is tested in test_reproducible.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

#: The lines of Sphinx's output that name a page as it is written.
WRITTEN = re.compile(r"writing output\.\.\. \[\s*\d+%\] (\S+)")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def build(make_app, app_params, **overrides) -> SphinxTestApp:
    """Build the test root as its ``sphinx`` mark says; fail on any warning."""
    args, kwargs = app_params
    app = make_app(*args, **(kwargs | overrides))
    app.build()
    # Undo what the build registered in docutils, so that the next
    # application of the same test starts as a new process would.
    app.cleanup()
    assert app.warning.getvalue() == "", app.warning.getvalue()
    return app


def written(app: SphinxTestApp) -> list[str]:
    """The pages a build wrote, as Sphinx reports them."""
    return WRITTEN.findall(strip_escape_sequences(app.status.getvalue()))


def cross_page_output(html_dir: Path) -> dict[str, str]:
    """The parts of the site that depend on other pages than their own."""
    parts = {"citation index": str(soup(html_dir / "docs" / "citation-index.html").find("div", class_="body"))}
    parts["general index"] = str(soup(html_dir / "genindex.html").find("div", class_="body"))
    parts["glossary entries"] = str(soup(html_dir / "glossary" / "index.html").select_one("ul.glossary-entries"))
    for page in sorted((html_dir / "glossary").glob("*.html")):
        if page.name != "index.html":
            parts[f"glossary/{page.name}"] = str(soup(page).select_one("dl.glossary"))
    for page in sorted((html_dir / "docs").glob("*.html")):
        links = soup(page).select("a.glossary-term")
        parts[f"term links of docs/{page.name}"] = repr([(a["href"], a.get("title")) for a in links])
    return parts


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.sphinx("html", testroot="build-state", srcdir="build-state-incremental")
def test_an_incremental_build_after_edits_equals_a_clean_build(make_app, app_params) -> None:
    first = build(make_app, app_params)
    srcdir, outdir = Path(first.srcdir), Path(first.outdir)
    assert "Termez" in soup(outdir / "glossary" / "index.html").select_one("ul.glossary-entries").get_text()

    # An article page gains a mention of Dushanbe and an annotation citing a
    # source; a glossary page gets a new definition. Neither the other article
    # page nor the other glossary page is touched.
    edit(srcdir / "docs" / "first.md", "took place in Kabul.[^talks]",
         "took place in Kabul, and in {term}`Dushanbe`.[^talks][^test-note]")
    with (srcdir / "docs" / "first.md").open("a", encoding="utf-8") as page:
        page.write("\n[^test-note]: **Context.**\n    A note added for the test {cite:p}`orient2025termez`.\n")
    edit(srcdir / "glossary" / "dushanbe.md", "is the capital of Tajikistan.", "is the capital city of Tajikistan.")

    rebuilt = build(make_app, app_params)
    assert "0 added, 2 changed, 0 removed" in rebuilt.status.getvalue()
    clean = build(make_app, app_params, builddir=srcdir / "_clean", freshenv=True)
    clean_dir = Path(clean.outdir)
    assert clean_dir != outdir

    assert cross_page_output(outdir) == cross_page_output(clean_dir)
    # The search index too, index entries of the pages not rewritten included.
    assert (outdir / "searchindex.js").read_bytes() == (clean_dir / "searchindex.js").read_bytes()
    # ... and the edits did reach the pages that depend on them.
    dushanbe = soup(outdir / "glossary" / "dushanbe.html").select_one("p.appears-in").get_text()
    assert dushanbe == "Appears in: ¶1 (First), ¶2 (Second)."
    titles = {a.get_text(): a["title"] for a in soup(outdir / "docs" / "first.html").select("a.glossary-term")}
    assert titles["Dushanbe"] == "Dushanbe is the capital city of Tajikistan."
    assert titles["Termez"].startswith("Termez is a city in the south of Uzbekistan")
    source = soup(outdir / "docs" / "citation-index.html").find(id="cite-orient2025termez")
    assert "¶1, note test-note" in source.select_one("p.citation-backlinks").get_text()


@pytest.mark.sphinx("html", testroot="build-state", srcdir="build-state-rewording")
def test_rewording_an_annotation_rewrites_no_glossary_or_index_page(make_app, app_params) -> None:
    """Only a change to what the glossary or the citation index holds rewrites them."""
    first = build(make_app, app_params)
    srcdir = Path(first.srcdir)
    assert "glossary/dushanbe" in written(first) and "docs/citation-index" in written(first)
    edit(srcdir / "docs" / "second.md", "Kabul sent a delegation, and the group", "Kabul sent a delegation; the group")
    pages = written(build(make_app, app_params))
    assert "docs/second" in pages
    assert not [page for page in pages if page.startswith("glossary/") or page == "docs/citation-index"]

    # A new citation does reach the citation index.
    edit(srcdir / "docs" / "second.md", "announced talks {cite:p}`tass2022investors`.",
         "announced talks {cite:p}`tass2022investors,orient2025termez`.")
    assert "docs/citation-index" in written(build(make_app, app_params))

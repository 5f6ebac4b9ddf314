"""Parallel and incremental builds give the same glossary and citation index as a clean one.

The glossary's "Appears in" lists, its list of entries, the titles of term
links and the citation index all depend on other pages than their own. These
tests prove that the state kept on the build environment is purged and merged
correctly: a ``-j 2`` build is identical to a serial one, and a build after
editing two pages gives what a clean build of the edited sources gives.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import Build

ROOT = Path(__file__).resolve().parent.parent
#: Folders of the working tree that are not part of the edition's sources.
NOT_SOURCES = {".venv", "_build", ".git", ".pytest_cache", "__pycache__"}


def build(srcdir: Path, outdir: Path, *options: str) -> Build:
    """Run a strict HTML build of ``srcdir``; ``stderr`` keeps both output streams."""
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n",
        "-d", str(outdir / ".doctrees"), *options, str(srcdir), str(outdir),
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=srcdir)
    assert result.returncode == 0, result.stderr
    return Build(outdir, result.returncode, result.stdout + result.stderr)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def cross_page_output(html_dir: Path) -> dict[str, str]:
    """The parts of the site that depend on other pages than their own."""
    parts = {"citation index": str(soup(html_dir / "docs" / "citation-index.html").find("article"))}
    parts["general index"] = str(soup(html_dir / "genindex.html").find("article"))
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


def test_a_parallel_build_is_identical_to_the_serial_one(html_dir: Path, tmp_path: Path) -> None:
    parallel = build(ROOT, tmp_path / "parallel", "-j", "2").outdir
    pages = sorted(p.relative_to(html_dir) for p in html_dir.rglob("*.html") if ".doctrees" not in p.parts)
    assert pages == sorted(p.relative_to(parallel) for p in parallel.rglob("*.html") if ".doctrees" not in p.parts)
    for page in [*pages, Path("searchindex.js")]:
        assert (parallel / page).read_bytes() == (html_dir / page).read_bytes(), page
    assert cross_page_output(parallel) == cross_page_output(html_dir)


@pytest.fixture
def edition_copy(tmp_path: Path) -> Path:
    """A copy of the edition's sources (its article links Moscow Format and Dushanbe)."""
    copy = tmp_path / "edition"
    shutil.copytree(ROOT, copy, ignore=lambda folder, names: [n for n in names if n in NOT_SOURCES])
    implications = (copy / "docs" / "implications.md").read_text(encoding="utf-8")
    assert "{term}`Moscow Format`" in implications and "{term}`Dushanbe`" in implications
    return copy


def test_an_incremental_build_after_edits_equals_a_clean_build(edition_copy: Path, tmp_path: Path) -> None:
    incremental = tmp_path / "incremental"
    build(edition_copy, incremental)

    # An article page gains a mention of Dushanbe and an annotation citing a
    # source; a glossary page gets a new definition. Neither the other article
    # pages nor the other glossary pages are touched.
    edit(
        edition_copy / "docs" / "implications.md",
        "to North Korea.",
        "to North Korea, and to Dushanbe.[^test-note]",
    )
    with (edition_copy / "docs" / "implications.md").open("a", encoding="utf-8") as page:
        page.write("\n[^test-note]: **Context.**\n    A note added for the test {cite:p}`orient2025termez`.\n")
    edit(edition_copy / "glossary" / "dushanbe.md", "is the capital of Tajikistan.", "is the capital city of Tajikistan.")

    rebuilt = build(edition_copy, incremental)
    assert "0 added, 2 changed, 0 removed" in rebuilt.stderr
    clean = build(edition_copy, tmp_path / "clean").outdir

    assert cross_page_output(incremental) == cross_page_output(clean)
    # The search index too, index entries of the pages not rewritten included.
    assert (incremental / "searchindex.js").read_bytes() == (clean / "searchindex.js").read_bytes()
    # ... and the edits did reach the pages that depend on them.
    dushanbe = soup(incremental / "glossary" / "dushanbe.html").select_one("p.appears-in").get_text()
    assert dushanbe == "Appears in: ¶10 (Implications), ¶12 (Implications)."
    titles = {a.get_text(): a["title"] for a in soup(incremental / "docs" / "implications.html").select("a.glossary-term")}
    assert titles["Dushanbe"] == "Dushanbe is the capital city of Tajikistan."
    assert titles["Moscow Format"].startswith("The Moscow Format is a series of consultations")
    source = soup(incremental / "docs" / "citation-index.html").find(id="cite-orient2025termez")
    assert "¶12, note test-note" in source.select_one("p.citation-backlinks").get_text()


def test_rewording_an_annotation_rewrites_no_glossary_or_index_page(edition_copy: Path, tmp_path: Path) -> None:
    """Only a change to what the glossary or the citation index holds rewrites them."""
    outdir = tmp_path / "html"
    build(edition_copy, outdir)
    edit(
        edition_copy / "docs" / "implications.md",
        "Taliban fighters entered Kabul on {event}`15 August 2021 <2021-08-15>`, and the group",
        "Taliban fighters entered Kabul on {event}`15 August 2021 <2021-08-15>`; the group",
    )
    written = re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", build(edition_copy, outdir).stderr)
    assert "docs/implications" in written
    assert not [page for page in written if page.startswith("glossary/") or page == "docs/citation-index"]
    # The Timeline quotes the reworded sentence, which states a date.
    assert "docs/timeline" in written

    # A new citation does reach the citation index.
    edit(
        edition_copy / "docs" / "implications.md",
        "government on {event}`7 September <2021-09-07>` {cite:p}`tass2022investors`.",
        "government on {event}`7 September <2021-09-07>` {cite:p}`tass2022investors,orient2025termez`.",
    )
    written = re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", build(edition_copy, outdir).stderr)
    assert "docs/citation-index" in written

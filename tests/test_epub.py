"""The edition for e-readers: the EPUB of ``make epub`` is whole, valid and reproducible.

One EPUB is built per test session, as ``make epub`` builds it (Sphinx's
``epub`` builder, the edition's own, with ``SOURCE_DATE_EPOCH`` set to the
last commit's time), into a temporary folder. The tests read it as an
e-reader does: the zip, its package document (``content.opf``) and its XHTML
pages in spine order. epubcheck (Debian's package) validates it; without
epubcheck the test is skipped with the line that installs it, and on CI
(``CI`` set) it fails instead, since CI installs it.
"""

from __future__ import annotations

import copy
import json
import os
import posixpath
import re
import shutil
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, Build, shared, sphinx_build

from edition_tools.core.article import load_metadata, normalise_space
from edition_tools.core.fidelity import PARAGRAPH_LABEL, EditionParagraph, article_pages, check_fidelity
from edition_tools.ext import builds_site
from edition_tools.ext.epub_edition import (
    EPUB_NAME,
    ZIP_EPOCH,
    book_address,
    book_identifier,
    book_pages,
    fix_ncx_uid,
    fix_package_document,
    write_reproducible_epub,
    zip_time,
)

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
#: The Debian packages epubcheck needs: itself, and Java to run its jar.
EPUBCHECK_INSTALL = "sudo apt-get install --no-install-recommends epubcheck"


@dataclass
class Book:
    """A built EPUB: the file, the time it was built for, and its pages in spine order."""

    path: Path
    source_date_epoch: str
    names: list[str]
    opf: ElementTree.Element
    #: (name in the zip, parsed XHTML) in reading order.
    spine: list[tuple[str, BeautifulSoup]]

    def read(self, name: str) -> str:
        with zipfile.ZipFile(self.path) as book:
            return book.read(name).decode("utf-8")


def last_commit_time() -> str:
    """``SOURCE_DATE_EPOCH`` as ``make epub`` sets it."""
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], capture_output=True, text=True, cwd=ROOT)
    return result.stdout.strip() or "1700000000"  # outside a clone: any fixed time


def epub_build(folder: Path, epoch: str) -> Build:
    """Build the EPUB strictly into ``folder/epub`` with ``SOURCE_DATE_EPOCH=epoch``.

    The doctrees go beside the output, not into it: the EPUB builder puts
    every file of its output folder into the book.
    """
    return sphinx_build(folder / "epub", "-d", str(folder / "doctrees"), builder="epub", source_date_epoch=epoch)


def build_epub(folder: Path, epoch: str) -> Path:
    """Build the EPUB as :func:`epub_build` does; return the book's path once the build succeeded."""
    build = epub_build(folder, epoch)
    assert build.returncode == 0, build.stderr
    return build.outdir / f"{EPUB_NAME}.epub"


def spine_pages(path: Path) -> tuple[list[str], ElementTree.Element, list[tuple[str, BeautifulSoup]]]:
    """The zip's names, the package document, and the spine's pages parsed, in order."""
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        container = ElementTree.fromstring(book.read("META-INF/container.xml"))
        rootfile = next(el for el in container.iter() if el.tag.endswith("rootfile")).get("full-path")
        opf = ElementTree.fromstring(book.read(rootfile))
        base = posixpath.dirname(rootfile)
        manifest = {item.get("id"): item.get("href") for item in opf.iter(f"{OPF}item")}
        spine = []
        for itemref in opf.iter(f"{OPF}itemref"):
            name = posixpath.join(base, manifest[itemref.get("idref")])
            spine.append((name, BeautifulSoup(book.read(name).decode("utf-8"), "html.parser")))
    return names, opf, spine


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    """The EPUB of the edition as ``make epub`` builds it, built once for the whole run.

    Its tests go to whichever worker is free (pytest-xdist); :func:`shared`
    spares each worker a build of its own.
    """
    epoch = last_commit_time()
    build = shared(tmp_path_factory, "epub", lambda folder: epub_build(folder, epoch))
    assert build.returncode == 0, build.stderr
    path = build.outdir / f"{EPUB_NAME}.epub"
    names, opf, spine = spine_pages(path)
    return Book(path, epoch, names, opf, spine)


# -- Validity --------------------------------------------------------------------


def epubcheck_command() -> list[str] | None:
    """How to run epubcheck: Debian's ``/usr/bin/epubcheck`` is a jar, run with Java."""
    epubcheck, java = shutil.which("epubcheck"), shutil.which("java")
    if epubcheck is None or java is None:
        return None
    return [java, "-jar", epubcheck]


def test_epubcheck_finds_no_error_and_no_warning(book: Book, tmp_path: Path) -> None:
    command = epubcheck_command()
    if command is None:
        message = f"epubcheck is not installed; install it with: {EPUBCHECK_INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    report = tmp_path / "epubcheck.json"
    result = subprocess.run([*command, str(book.path), "--json", str(report)], capture_output=True, text=True)
    messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    problems = [
        f"{m['severity']} {m['ID']}: {m['message']} at "
        + ", ".join(f"{loc['path']}:{loc['line']}" for loc in m.get("locations", []))
        for m in messages if m["severity"] in {"FATAL", "ERROR", "WARNING"}
    ]
    assert problems == []
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_the_zip_starts_with_the_stored_mimetype(book: Book) -> None:
    with zipfile.ZipFile(book.path) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"


# -- Metadata --------------------------------------------------------------------


def test_metadata_names_the_article_and_the_edition(book: Book) -> None:
    article = load_metadata()["article"]
    metadata = book.opf.find(f"{OPF}metadata")
    assert [el.text for el in metadata.iter(f"{DC}creator")] == article["authors"]
    assert metadata.find(f"{DC}title").text.startswith(article["title"])
    assert "annotated edition" in metadata.find(f"{DC}title").text
    assert metadata.find(f"{DC}publisher").text == article["publisher"]
    assert metadata.find(f"{DC}language").text == "en"
    identifier = metadata.find(f"{DC}identifier")
    assert identifier.text == book_identifier() and identifier.text.startswith("urn:uuid:")
    assert book.opf.get("unique-identifier") == identifier.get("id")
    assert not [el for el in metadata.iter(f"{OPF}meta") if not (el.text or "").strip() and el.get("property")]


def test_the_date_is_the_last_commits(book: Book) -> None:
    expected = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(book.source_date_epoch)))
    metadata = book.opf.find(f"{OPF}metadata")
    assert metadata.find(f"{DC}date").text == expected
    modified = [el.text for el in metadata.iter(f"{OPF}meta") if el.get("property") == "dcterms:modified"]
    assert modified == [expected]
    with zipfile.ZipFile(book.path) as archive:
        assert {info.date_time for info in archive.infolist()} == {zip_time(book.source_date_epoch)}


def test_the_identifier_is_derived_from_the_article_hash() -> None:
    pinned = load_metadata()
    changed = {"article": {**pinned["article"], "sha256": "0" * 64}}
    assert book_identifier(pinned) == book_identifier(pinned)
    assert book_identifier(changed) != book_identifier(pinned)


def test_toc_ncx_names_the_book_by_its_identifier(book: Book) -> None:
    ncx = ElementTree.fromstring(book.read("toc.ncx"))
    uid = [el.get("content") for el in ncx.iter() if el.tag.endswith("meta") and el.get("name") == "dtb:uid"]
    assert uid == [book_identifier()]


# -- Content ---------------------------------------------------------------------


def test_the_book_opens_on_its_cover_then_the_article(book: Book) -> None:
    article = load_metadata()["article"]
    names = [name for name, _ in book.spine]
    parts = [f"{page.relative_to(ROOT).with_suffix('')}.xhtml" for page in article_pages()]
    assert names[: 1 + len(parts)] == ["docs/index.xhtml", *parts]
    cover = normalise_space(book.spine[0][1].find("section").get_text(" "))
    attribution = " ".join(article["attribution"].split())
    for words in [*article["authors"], article["publication"], "An annotated edition", "From Foe to Partner?",
                  attribution]:
        assert words in cover
    assert "maintainers" not in cover.lower()


def test_the_apparatus_follows_the_article(book: Book) -> None:
    names = [name for name, _ in book.spine]
    for page in ("docs/bibliography.xhtml", "glossary/index.xhtml", "docs/citation-index.xhtml", "genindex.xhtml"):
        assert page in names
    assert len(names) == len(set(names)), "a page appears twice in the spine"
    terms = [name for name in names if name.startswith("glossary/") and name != "glossary/index.xhtml"]
    assert len(terms) == len(list((ROOT / "glossary").glob("*.md"))) - 1


def test_maintainers_pages_stay_out(book: Book) -> None:
    assert not [name for name in book.names if "maintainers" in name]
    for name, page in book.spine:
        assert not page.find("a", href=re.compile("maintainers")), name


def test_the_article_paragraphs_are_reproduced_exactly_in_order(book: Book) -> None:
    paragraphs: list[EditionParagraph] = []
    for name, page in book.spine:
        for found in page.find_all("p", id=PARAGRAPH_LABEL):
            number = int(PARAGRAPH_LABEL.match(found["id"]).group(1))
            element = copy.copy(found)  # the pages are shared by the tests: read, never change
            for removable in element.select("a.para-num, a.footnote-reference"):
                removable.decompose()
            words = normalise_space(element.get_text()).split(" ")
            paragraphs.append(EditionParagraph(number, name, element.sourceline or 1, words, [1] * len(words)))
    assert [p.number for p in paragraphs] == list(range(1, 15))
    assert check_fidelity(paragraphs) == []


def test_paragraph_numbers_are_shown(book: Book) -> None:
    numbers = [
        a.get_text() for _, page in book.spine for p in page.find_all("p", id=PARAGRAPH_LABEL)
        for a in p.select("a.para-num")
    ]
    assert numbers == [f"¶{n}" for n in range(1, 15)]


def annotation_count() -> int:
    """The annotations defined in the article's MyST pages (``[^label]: ...``)."""
    return sum(len(re.findall(r"^\[\^[^\]]+\]:", page.read_text(encoding="utf-8"), re.M)) for page in article_pages())


def test_every_annotation_is_an_epub3_footnote_with_its_marker(book: Book) -> None:
    notes = markers = 0
    for name, page in book.spine:
        asides = {aside["id"]: aside for aside in page.find_all("aside", attrs={"epub:type": "footnote"})}
        refs = page.find_all("a", attrs={"epub:type": "noteref"})
        notes += len(asides)
        markers += len(refs)
        for ref in refs:
            assert ref["href"].startswith("#note-"), (name, ref["href"])
            assert ref["href"][1:] in asides, f"{name}: {ref['href']} names no footnote of the page"
        assert {ref["href"][1:] for ref in refs} == set(asides), name
    assert notes == markers == annotation_count() > 0


def test_every_link_inside_the_book_resolves(book: Book) -> None:
    ids = {name: {el["id"] for el in page.find_all(id=True)} for name, page in book.spine}
    checked = 0
    for name, page in book.spine:
        for link in page.find_all("a", href=True):
            href = link["href"]
            if re.match(r"^[a-z][a-z0-9+.-]*:", href):
                continue  # an address outside the book: a link, never a resource
            path, _, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
            assert target in ids, f"{name}: {href} leads to a page that is not in the book"
            if fragment:
                assert fragment in ids[target], f"{name}: {href} names no element of {target}"
            checked += 1
    assert checked > 1000


def test_no_script_no_font_and_nothing_from_elsewhere(book: Book) -> None:
    assert not [name for name in book.names if name.endswith((".js", ".otf", ".ttf", ".woff", ".woff2"))]
    for name, page in book.spine:
        assert not page.find("script"), name
        for element in page.find_all(["img", "link", "source", "audio", "video", "iframe", "object"]):
            for attribute in ("src", "href", "data"):
                assert "://" not in element.get(attribute, ""), f"{name}: {element}"
    for name in book.names:
        if name.endswith(".css"):
            css = re.sub(r"/\*.*?\*/", "", book.read(name), flags=re.S)
            assert "@font-face" not in css and "@import" not in css, name
            assert not re.search(r"url\(\s*['\"]?[a-z]+:", css), name


def test_the_site_extensions_leave_the_book_alone(book: Book) -> None:
    """No root redirect page, no gzip copies, no margin layout, no page descriptions."""
    outdir = book.path.parent
    assert not (outdir / "index.html").exists()
    assert not list(outdir.rglob("*.gz"))
    assert not [name for name in book.names if name.endswith((".html", ".gz"))]
    for name, page in book.spine:
        assert not page.select("div.annotated, div.annotations"), name
        assert not page.find("meta", attrs={"name": "description"}), name


def test_the_site_builders_are_told_apart_from_the_epub() -> None:
    class Named:
        def __init__(self, name: str) -> None:
            self.name = name

    assert builds_site(Named("html"))
    assert not builds_site(Named("epub")) and not builds_site(Named("latex"))


# -- Reproducible ----------------------------------------------------------------


def test_two_builds_of_one_commit_are_byte_identical(book: Book, tmp_path: Path) -> None:
    again = build_epub(tmp_path, book.source_date_epoch)
    with zipfile.ZipFile(book.path) as first, zipfile.ZipFile(again) as second:
        assert second.namelist() == first.namelist()
        changed = [name for name in first.namelist() if first.read(name) != second.read(name)]
        assert changed == [], "these files differ between two builds"
    assert again.read_bytes() == book.path.read_bytes()


def test_the_zip_depends_on_contents_only(tmp_path: Path) -> None:
    """Same files with other modification times and another folder: same bytes."""
    books = []
    for index, stamp in enumerate((1_000_000_000, 1_700_000_000)):
        folder = tmp_path / f"build{index}"
        (folder / "META-INF").mkdir(parents=True)
        files = {"mimetype": "application/epub+zip", "META-INF/container.xml": "<container/>", "a.xhtml": "<p>a</p>"}
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
            os.utime(folder / name, (stamp, stamp))
        target = tmp_path / f"book{index}.epub"
        write_reproducible_epub(folder, ["META-INF/container.xml", "a.xhtml"], target, zip_time("1750000000"))
        books.append(target.read_bytes())
    assert books[0] == books[1]
    with zipfile.ZipFile(tmp_path / "book0.epub") as archive:
        assert archive.namelist() == ["mimetype", "META-INF/container.xml", "a.xhtml"]


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [
        (None, ZIP_EPOCH),
        ("", ZIP_EPOCH),
        ("0", ZIP_EPOCH),
        ("1750000000", (2025, 6, 15, 15, 6, 40)),
        ("1750000001", (2025, 6, 15, 15, 6, 40)),
    ],
)
def test_zip_time(epoch: str | None, expected: tuple[int, ...]) -> None:
    assert zip_time(epoch) == expected


# -- The builder's repairs, on their own -----------------------------------------

SPHINX_OPF = """<package>
  <metadata>
    <dc:creator>A and B</dc:creator>
    <meta property="ibooks:version"></meta>
    <meta property="ibooks:binding">true</meta>
  </metadata>
  <spine>
    <itemref idref="epub-1" />
    <itemref idref="epub-2" />
    <itemref idref="epub-1" />
    <itemref idref="epub-3" linear="no" />
  </spine>
</package>"""


def test_package_document_gets_one_creator_per_author_and_a_clean_spine() -> None:
    fixed = fix_package_document(SPHINX_OPF, ["A", "B & C"])
    assert re.findall(r"<dc:creator>(.*?)</dc:creator>", fixed) == ["A", "B &amp; C"]
    assert "ibooks:version" not in fixed and "ibooks:binding" in fixed
    assert re.findall(r'idref="([^"]+)"', fixed) == ["epub-1", "epub-2", "epub-3"]


def test_package_document_without_sphinx_creator_is_refused() -> None:
    with pytest.raises(ValueError, match="dc:creator"):
        fix_package_document("<package/>", ["A"])


def test_ncx_uid_is_replaced() -> None:
    ncx = '<head><meta name="dtb:uid" content="edition-id"/></head>'
    assert fix_ncx_uid(ncx, "urn:uuid:x") == '<head><meta name="dtb:uid" content="urn:uuid:x"/></head>'


@pytest.mark.parametrize(
    ("refuri", "expected"),
    [
        ("docs/../glossary/index.xhtml", "glossary/index.xhtml"),
        ("docs/introduction.xhtml#p1", "docs/introduction.xhtml#p1"),
        ("docs/../genindex.xhtml", "genindex.xhtml"),
    ],
)
def test_book_address(refuri: str, expected: str) -> None:
    assert book_address(refuri) == expected


def test_book_pages_are_those_the_root_reaches() -> None:
    includes = {"docs/index": ["docs/a", "glossary/index"], "glossary/index": ["glossary/t"], "docs/m": ["docs/n"]}
    assert book_pages("docs/index", includes) == {"docs/index", "docs/a", "glossary/index", "glossary/t"}


def test_the_timeline_is_a_chapter_with_dates_in_order_and_links_that_land(book: Book) -> None:
    pages = dict(book.spine)
    timeline = pages["docs/timeline.xhtml"]
    dates = [time["datetime"] for time in timeline.select("li.timeline-event time.timeline-date")]
    assert len(dates) >= 40 and dates == sorted(dates)
    for link in timeline.select("a.timeline-link"):
        target, anchor = link["href"].split("#")
        page = pages[posixpath.normpath(posixpath.join("docs", target))]
        assert page.find(id=anchor) is not None, link["href"]

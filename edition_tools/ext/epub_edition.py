"""The edition for e-readers: what Sphinx's EPUB builder needs beyond its defaults.

``make epub`` builds ``_build/epub/annotated-edition.epub`` (EPUB 3) with
Sphinx's EPUB builder, which is an HTML builder: it would otherwise carry the
site's theme, scripts and margin layout into the book. The builder
registered here, :class:`EditionEpubBuilder`, replaces Sphinx's ``epub``
builder and keeps the book to what an e-reader needs:

* the pages of the printed edition only: the cover and the pages its
  toctrees list (``toctree_only``, as in ``latex_documents``), so the
  maintainers' pages stay out;
* no JavaScript, no stylesheet of the site (its own small one instead,
  ``epub/edition-epub.css``), no fonts, nothing fetched from elsewhere; the
  site theme's event handlers (pydata-sphinx-theme, sphinx-book-theme, which
  ``conf.py`` loads as extensions) are disconnected before the builder starts;
* every annotation as an EPUB 3 footnote: the marker carries
  ``epub:type="noteref"`` and the note's ``<aside>`` ``epub:type="footnote"``,
  which e-readers show as a pop-up; ids derive from the note's label, as on
  the site (``#note-LABEL``, ``#ref-LABEL``), so the citation index's links
  land on the note;
* a cover page written from ``sources/article.toml`` (title, authors,
  publication, "An annotated edition", the attribution) followed by the
  contents, in place of the site's landing page;
* one ``<dc:creator>`` per author of the article (Sphinx writes one);
* a reproducible file: the zip entries are written in a fixed order with the
  time of ``SOURCE_DATE_EPOCH`` (the last commit's, set by ``make epub``),
  fixed permissions and no extra fields, so two builds of one commit give
  the same bytes. Sphinx's own writer stamps each entry with its file's
  modification time.

:func:`book_identifier` derives the book's ``dc:identifier`` from the pinned
article's sha256; ``conf.py`` sets the other ``epub_*`` values from
:func:`metadata`.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import shutil
import time
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import epub3
from sphinx.builders.epub3 import Epub3Builder
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from edition_tools.core.article import load_metadata
from edition_tools.core.conventions import written_date
from edition_tools.ext import extension
from edition_tools.ext.latex_edition import EDITION, authors_line, title_parts
from edition_tools.ext.margin_notes import marker_id, note_id

logger = logging.getLogger(__name__)

#: The book is _build/epub/EPUB_NAME.epub (the Makefile names it too).
EPUB_NAME = "annotated-edition"

#: The book's own stylesheet, copied into its ``_static`` folder.
STYLESHEET = Path(__file__).resolve().parent / "epub" / "edition-epub.css"

#: Packages whose event handlers serve the site's theme and never the book.
SITE_THEME_PACKAGES = ("pydata_sphinx_theme", "sphinx_book_theme")

#: Files of the site's static folder (``html_static_path``) left out of the book.
SITE_STATIC_FILES = ("edition.css", "icons.css", "favicon.svg", "previews.js")
#: Files of Sphinx's themes that no page of the book uses: ``basic.css`` (the
#: epub theme's stylesheet stands on its own), the search page's toggles and
#: the colours of highlighted code (the book shows none).
UNUSED_THEME_FILES = ("basic.css", "minus.png", "plus.png", "pygments.css")

#: The XML id of the ``dc:identifier`` element (``epub_uid``).
IDENTIFIER_ID = "edition-id"

#: The time written into the zip when no SOURCE_DATE_EPOCH is set: the
#: earliest a zip entry can carry, the same on every machine.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


# -- Metadata --------------------------------------------------------------------


def book_identifier(article_metadata: dict | None = None) -> str:
    """A ``urn:uuid`` derived from the article's sha256 (UUID version 5).

    The same pinned article always gives the same identifier, so a reader's
    library keeps its notes and reading place across new builds of the book.
    """
    article = (article_metadata or load_metadata())["article"]
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'urn:sha256:' + article['sha256'])}"


def metadata(article_metadata: dict | None = None) -> dict[str, str]:
    """The book's metadata written from ``article.toml``: ``conf.py`` sets ``epub_KEY`` from each."""
    article = (article_metadata or load_metadata())["article"]
    return {
        "title": f"{article['title']}: {EDITION.lower()}",
        "author": authors_line(article["authors"]),
        "publisher": article["publisher"],
        "description": (
            f"{EDITION} of an article published in the {article['publication']}, "
            f"{written_date(article['date'])}"
        ),
        "identifier": book_identifier(article_metadata),
        "scheme": "uuid",
        "uid": IDENTIFIER_ID,
    }


def creators_xml(authors: Iterable[str]) -> str:
    """One ``<dc:creator>`` element per author, in the order of ``article.toml``."""
    return "\n    ".join(f"<dc:creator>{html.escape(name)}</dc:creator>" for name in authors)


# What Sphinx's ``content.opf`` template writes and the book mends: a single
# creator; an empty ``ibooks:version`` meta (the edition has no version),
# which EPUB 3 forbids; the spine's items.
_CREATOR = re.compile(r"<dc:creator>.*?</dc:creator>")
_EMPTY_META = re.compile(r"\n\s*<meta property=\"[^\"]+\"></meta>")
_ITEMREF = re.compile(r"\n\s*<itemref idref=\"([^\"]+)\"[^>]*/>")


def fix_package_document(opf: str, authors: list[str]) -> str:
    """Give ``content.opf`` one creator per author, drop empty metadata and repeated spine items.

    The general index is both an entry of the cover's toctree and the page
    Sphinx adds to the spine on its own: the first place is kept.
    """
    if len(_CREATOR.findall(opf)) != 1:
        raise ValueError("content.opf: expected exactly one <dc:creator> from Sphinx's template")
    opf = _CREATOR.sub(lambda _: creators_xml(authors), opf)
    opf = _EMPTY_META.sub("", opf)
    seen: set[str] = set()

    def first_only(match: re.Match) -> str:
        if match.group(1) in seen:
            return ""
        seen.add(match.group(1))
        return match.group(0)

    return _ITEMREF.sub(first_only, opf)


_NCX_UID = re.compile(r'(<meta name="dtb:uid" content=")[^"]*(")')


def fix_ncx_uid(ncx: str, identifier: str) -> str:
    """Put the book's identifier in ``toc.ncx``'s ``dtb:uid``, as EPUB requires."""
    if len(_NCX_UID.findall(ncx)) != 1:
        raise ValueError("toc.ncx: expected exactly one dtb:uid from Sphinx's template")
    return _NCX_UID.sub(lambda match: match.group(1) + html.escape(identifier) + match.group(2), ncx)


def book_address(refuri: str) -> str:
    """``docs/../glossary/index.xhtml#x`` as ``glossary/index.xhtml#x``."""
    path, hash_, fragment = refuri.partition("#")
    return posixpath.normpath(path) + hash_ + fragment


# -- The zip ---------------------------------------------------------------------


def zip_time(source_date_epoch: str | None) -> tuple[int, int, int, int, int, int]:
    """The entries' time: that of ``SOURCE_DATE_EPOCH`` (UTC), else :data:`ZIP_EPOCH`.

    A zip keeps seconds in steps of two and no time before 1980: the time
    returned is the one the zip will hold.
    """
    if not source_date_epoch:
        return ZIP_EPOCH
    year, month, day, hour, minute, second = time.gmtime(int(source_date_epoch))[:6]
    return max(ZIP_EPOCH, (year, month, day, hour, minute, second - second % 2))


def write_reproducible_epub(outdir: Path, names: list[str], target: Path, when: tuple[int, ...]) -> None:
    """Write ``names`` (paths relative to ``outdir``) into the EPUB ``target``.

    ``mimetype`` comes first and stored, as the OCF container requires; the
    rest follow in the order given, deflated. Every entry carries the time
    ``when``, Unix permissions 0644 and no extra field, so the bytes depend
    only on the files' contents.
    """
    with zipfile.ZipFile(target, "w") as book:
        for name in ["mimetype", *(name for name in names if name != "mimetype")]:
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 3  # Unix, whatever the machine
            info.external_attr = 0o100644 << 16
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            data = (outdir / name).read_bytes()
            book.writestr(info, data, compresslevel=None if stored else 9)


# -- The pages -------------------------------------------------------------------


def book_pages(root_doc: str, toctree_includes: dict[str, list[str]]) -> set[str]:
    """The root page and every page its toctrees reach: the pages of the book."""
    pages = {root_doc}
    waiting = [root_doc]
    while waiting:
        for child in toctree_includes.get(waiting.pop(), []):
            if child not in pages:
                pages.add(child)
                waiting.append(child)
    return pages


class NameNotesByLabel(SphinxPostTransform):
    """Give each note the site's label-derived ids, without the margin layout.

    A note stays where MyST put it, at the end of its page: e-readers show an
    ``epub:type="footnote"`` in a pop-up and leave it out of the reading flow.
    """

    default_priority = 5
    builders = ("epub",)

    def run(self, **kwargs: Any) -> None:
        refs_by_note: dict[str, list[nodes.footnote_reference]] = {}
        for ref in self.document.findall(nodes.footnote_reference):
            refs_by_note.setdefault(ref.get("refid", ""), []).append(ref)
        for note in list(self.document.findall(nodes.footnote)):
            if not note["ids"] or not note["names"]:
                continue
            label = note["names"][0]
            refs = refs_by_note.get(note["ids"][0], [])
            note["ids"] = [note_id(label)]
            note["backrefs"] = [marker_id(label)] if refs else []
            for index, ref in enumerate(refs):
                ref["ids"] = [marker_id(label)] if index == 0 else []
                ref["refid"] = note_id(label)


class WriteCoverPage(SphinxPostTransform):
    """Make the root page the book's cover: the article named, then the contents.

    The site's landing page explains the site (wide and narrow screens, the
    maintainers' pages); the book keeps its title and its toctrees, and
    writes the rest from ``article.toml``, as the PDF's title page does.
    """

    default_priority = 10
    builders = ("epub",)

    def run(self, **kwargs: Any) -> None:
        if self.env.docname != self.config.root_doc:
            return
        section = next(self.document.findall(nodes.section), None)
        if section is None:
            return
        toctrees = [node for node in section.findall(nodes.compound) if "toctree-wrapper" in node["classes"]]
        article_metadata = load_metadata()
        attribution = " ".join(article_metadata["article"]["attribution"].split())
        section.children = []
        section.extend(cover_nodes(article_metadata))
        section.extend(toctrees)
        section += nodes.paragraph("", attribution, classes=["book-attribution"])


def cover_nodes(article_metadata: dict) -> list[nodes.Element]:
    """The title and the lines of the cover page, from ``article.toml``."""
    article = article_metadata["article"]
    title, subtitle = title_parts(article["title"])
    publication = nodes.paragraph("", "", classes=["book-publication"])
    publication += nodes.emphasis("", article["publication"])
    publication += nodes.Text(f", {written_date(article['date'])}")
    return [
        nodes.title("", title),
        nodes.paragraph("", subtitle, classes=["book-subtitle"]),
        nodes.paragraph("", authors_line(article["authors"]), classes=["book-authors"]),
        publication,
        nodes.paragraph("", EDITION, classes=["book-edition"]),
    ]


# -- The writer and the builder --------------------------------------------------


class EpubEditionTranslator(HTML5Translator):
    """HTML5 with the EPUB 3 semantics of notes (``epub:type``)."""

    def visit_footnote(self, node: nodes.footnote) -> None:
        super().visit_footnote(node)
        self.body[-1] = self.body[-1].replace("<aside ", '<aside epub:type="footnote" ', 1)

    def visit_footnote_reference(self, node: nodes.footnote_reference) -> None:
        super().visit_footnote_reference(node)
        # The marker is the last <a> written: its bracket span follows it.
        for index in range(len(self.body) - 1, -1, -1):
            if self.body[index].startswith("<a "):
                self.body[index] = self.body[index].replace("<a ", '<a epub:type="noteref" ', 1)
                break


def disconnect_site_theme(app: Sphinx) -> int:
    """Disconnect every event handler of the site's theme packages; return how many.

    Sphinx's own check of the EPUB metadata goes too: it asks for a
    ``version``, which the edition does not have (setting one would change
    the site); :func:`check_metadata` checks the rest.
    """
    dropped = 0
    for listeners in list(app.events.listeners.values()):
        for listener in list(listeners):
            module = getattr(listener.handler, "__module__", "") or ""
            if module.split(".")[0] in SITE_THEME_PACKAGES or listener.handler is epub3.validate_config_values:
                app.disconnect(listener.id)
                dropped += 1
    return dropped


#: The metadata the book must carry, each a configuration value.
REQUIRED_METADATA = (
    "epub_title", "epub_author", "epub_publisher", "epub_language", "epub_identifier",
    "epub_description", "epub_contributor", "epub_copyright",
)


def check_metadata(app: Sphinx) -> None:
    """``builder-inited``: warn (and so fail the strict build) on empty book metadata."""
    if not isinstance(app.builder, EditionEpubBuilder):
        return
    for name in REQUIRED_METADATA:
        if not app.config[name]:
            logger.warning("conf.py: %s is empty; the EPUB needs it", name, type="edition", subtype="epub")
    if not re.fullmatch(r"[A-Za-z_][\w.-]*", app.config.epub_uid):
        logger.warning("conf.py: epub_uid %r is not an XML name", app.config.epub_uid, type="edition", subtype="epub")


class EditionEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder, kept to the printed edition's pages and made reproducible."""

    default_translator_class = EpubEditionTranslator

    def init(self) -> None:
        # Before the builder starts: the theme's builder-inited handlers
        # would otherwise give the book the site's translator and assets.
        disconnect_site_theme(self._app)
        super().init()

    def add_js_file(self, filename: str, **kwargs: Any) -> None:
        """No scripts: the book works without the site's JavaScript."""

    def add_css_file(self, filename: str, **kwargs: Any) -> None:
        """Only the theme's stylesheets and ``epub_css_files``; none that site extensions add."""
        book_styles = {*self._get_style_filenames(), *(name for name, _ in self.config.epub_css_files)}
        if filename in book_styles:
            super().add_css_file(filename, **kwargs)

    def copy_static_files(self) -> None:
        super().copy_static_files()
        static = Path(self.outdir) / "_static"
        for name in (*SITE_STATIC_FILES, *UNUSED_THEME_FILES):
            (static / name).unlink(missing_ok=True)
        shutil.copyfile(STYLESHEET, static / STYLESHEET.name)

    def write_documents(self, docnames: Any) -> None:
        """Write the pages of the book only (``toctree_only``, as the PDF)."""
        pages = book_pages(self.config.root_doc, self.env.toctree_includes)
        super().write_documents({name for name in docnames if name in pages})

    def get_toc(self) -> None:
        """The reading order, with addresses relative to the book's root.

        Sphinx joins the root page's folder (``docs/``) to each toctree link
        (``../glossary/index.xhtml``) without normalising the result, so
        the spine and the navigation would name files that do not exist.
        """
        super().get_toc()
        for item in self.refnodes:
            item["refuri"] = book_address(item["refuri"])

    def build_content(self) -> None:
        super().build_content()
        opf = Path(self.outdir) / "content.opf"
        authors = load_metadata()["article"]["authors"]
        opf.write_text(fix_package_document(opf.read_text(encoding="utf-8"), authors), encoding="utf-8")

    def build_toc(self) -> None:
        """``toc.ncx`` (for EPUB 2 readers), naming the book by its identifier.

        Sphinx writes the XML id of the identifier (``epub_uid``) where the
        identifier itself belongs.
        """
        super().build_toc()
        ncx = Path(self.outdir) / "toc.ncx"
        ncx.write_text(fix_ncx_uid(ncx.read_text(encoding="utf-8"), self.config.epub_identifier), encoding="utf-8")

    def build_epub(self) -> None:
        names = ["META-INF/container.xml", "content.opf", "toc.ncx", *self.files]
        target = Path(self.outdir) / f"{self.config.epub_basename}.epub"
        write_reproducible_epub(Path(self.outdir), names, target, zip_time(os.environ.get("SOURCE_DATE_EPOCH")))


@extension
def setup(app: Sphinx) -> None:
    """Replace Sphinx's ``epub`` builder and register the book's post-transforms."""
    app.add_builder(EditionEpubBuilder, override=True)
    app.add_post_transform(NameNotesByLabel)
    app.add_post_transform(WriteCoverPage)
    app.connect("builder-inited", check_metadata)

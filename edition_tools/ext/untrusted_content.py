"""Keep contributed content from putting script or foreign files into the site.

Every page of the edition arrives by pull request, so its MyST source is
untrusted. ``make check`` rejects unsafe constructs before review; this
extension is the second line: whatever slips past the validator into a build
is neutralised there and reported as a warning with its location, which fails
the strict build.

* **Raw output.** MyST passes HTML blocks and inline HTML through as ``raw``
  nodes, which the HTML writer copies into the page verbatim. Every ``raw``
  node (any format, LaTeX included) is replaced by the same text as an
  escaped literal.
* **Directives that read files or emit raw output.** The docutils settings
  ``raw_enabled`` and ``file_insertion_enabled`` are switched off, so
  ``{raw}``, ``{include}``, ``{literalinclude}`` and ``{csv-table}`` with
  ``:file:`` stop with a warning instead of running (inside ``{eval-rst}``
  too, which shares the page's settings).
* **Files outside the edition.** An image or ``{download}`` whose file lies
  outside the source folder would be copied into the site; it is dropped.
* **Link targets.** A link, image or toctree entry may use no scheme other
  than ``http``, ``https`` or ``mailto`` (``javascript:``, ``data:`` …); the
  check runs after every other transform, so it also covers links made from
  the bibliography.
* **Page metadata and math.** ``<meta http-equiv>`` (a refresh can send the
  reader elsewhere) is dropped; math using ``\\href`` or ``\\url`` is shown
  as text, since MathJax would turn it into a link no check sees.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from edition_tools.core.conventions import LINK_SCHEMES
from edition_tools.ext import extension

logger = logging.getLogger(__name__)

#: URL schemes a reader's browser may follow from a page of the edition (the
#: validator allows the same: one policy, in conventions).
ALLOWED_SCHEMES = LINK_SCHEMES
#: What a browser removes before it reads a URL's scheme (WHATWG URL standard):
#: C0 controls and spaces around it, tabs and newlines anywhere.
_IGNORED_AROUND = "".join(chr(c) for c in range(0x21))
_IGNORED_WITHIN = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
#: MathJax macros that make a link out of math.
_MATH_LINK = re.compile(r"\\(?:href|url)\b")


def url_scheme(url: str) -> str:
    """Return the scheme a browser would read in ``url``, lower case ('' if relative)."""
    cleaned = _IGNORED_WITHIN.sub("", url.strip(_IGNORED_AROUND))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


def is_allowed_url(url: str) -> bool:
    """Return whether ``url`` is relative or uses an allowed scheme."""
    scheme = url_scheme(url)
    return not scheme or scheme in ALLOWED_SCHEMES


def _warn(message: str, node: nodes.Node, *args: object, subtype: str, docname: str = "") -> None:
    # Nodes made from front matter carry no line: point at the top of the page.
    location = (docname, 1) if docname and not node.line else node
    logger.warning(message, *args, location=location, type="edition", subtype=f"untrusted-{subtype}")


def _drop_image(image: nodes.image) -> None:
    """Remove ``image``, keeping its alternative text where text may stand."""
    alt = image.get("alt", "")
    if alt and isinstance(image.parent, nodes.TextElement):
        image.replace_self(nodes.Text(alt))
    else:
        image.parent.remove(image)


def disable_raw_and_file_insertion(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Switch off docutils' raw output and file insertion before any page is read."""
    env.settings["raw_enabled"] = False
    env.settings["file_insertion_enabled"] = False


#: Pages whose text is a file of the repository, so that it has one source.
#: A fixed map, not a directive: no page can name a file to insert.
PAGES_FROM_FILES = {"docs/maintainers/contributing": "CONTRIBUTING.md"}


def show_repository_file(app: Sphinx, docname: str, source: list[str]) -> None:
    """Give a page of :data:`PAGES_FROM_FILES` the text of its file."""
    if docname in PAGES_FROM_FILES:
        path = Path(app.confdir) / PAGES_FROM_FILES[docname]
        app.env.note_dependency(str(path))  # re-read the page when the file changes
        source[0] = path.read_text(encoding="utf-8")


class NeutraliseUntrustedContent(SphinxTransform):
    """Replace raw output, foreign files, redirects and math links at read time.

    Runs after docutils has resolved targets and before ``doctree-read``,
    when Sphinx collects images and downloads to copy into the site.
    """

    default_priority = 850

    def apply(self, **kwargs: object) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            self._replace_raw(raw)
        for math in list(self.document.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))):
            if _MATH_LINK.search(math.astext()):
                _warn("math with \\href or \\url is shown as text: a link in math escapes "
                      "the edition's link checks", math, subtype="math")
                math.replace_self(self._literal(math, math.astext()))
        for meta in list(self.document.findall(nodes.meta)):
            if meta.get("http-equiv"):
                _warn("<meta http-equiv=%r> was removed: page metadata may not redirect "
                      "or reconfigure the reader's browser", meta, meta["http-equiv"], subtype="meta",
                      docname=self.env.docname)
                meta.parent.remove(meta)
        for toctree in self.document.findall(addnodes.toctree):
            self._filter_toctree(toctree)
        for image in list(self.document.findall(nodes.image)):
            self._check_local_file(image, image.get("uri", ""), "image")
        for download in list(self.document.findall(addnodes.download_reference)):
            self._check_local_file(download, download.get("reftarget", ""), "download")

    @staticmethod
    def _literal(node: nodes.Element, text: str) -> nodes.Element:
        """Return ``text`` as a literal of the same level (block or inline) as ``node``."""
        inline = isinstance(node.parent, nodes.TextElement) or isinstance(node, nodes.math)
        if inline:
            literal = nodes.literal(text, text)
        else:
            literal = nodes.literal_block(text, text, language="text")  # no highlighting
        literal.source, literal.line = node.source, node.line
        return literal

    def _replace_raw(self, raw: nodes.raw) -> None:
        text = raw.astext()
        _warn(
            "raw %s was shown as text: the edition's pages may not carry raw output; "
            "write the content in Markdown (the first line was %r)",
            raw,
            raw.get("format", "output"),
            text.strip().splitlines()[0] if text.strip() else "",
            subtype="raw",
        )
        raw.replace_self(self._literal(raw, text))

    def _filter_toctree(self, toctree: addnodes.toctree) -> None:
        kept = []
        for title, ref in toctree["entries"]:
            if ref and not is_allowed_url(ref):
                _warn("toctree entry %r was removed: only http, https and mailto addresses "
                      "may be linked", toctree, ref, subtype="link")
                continue
            kept.append((title, ref))
        toctree["entries"] = kept

    def _check_local_file(self, node: nodes.Element, target: str, what: str) -> None:
        if not target or url_scheme(target) or target.startswith("data:"):
            return  # remote addresses are the link check's concern
        _, absolute = self.env.relfn2path(target, self.env.current_document.docname)
        if Path(absolute).resolve().is_relative_to(Path(self.env.srcdir).resolve()):
            return
        _warn("%s %r lies outside the edition's folder and was left out of the site",
              node, what, target, subtype="file")
        if isinstance(node, nodes.image):
            _drop_image(node)
        else:
            node.replace_self(node.children)


class RemoveUnsafeLinks(SphinxPostTransform):
    """Unlink every reference or image whose address uses a scheme not allowed.

    A post-transform, so it sees the finished page of every builder:
    references made by other extensions (the bibliography) included.
    """

    default_priority = 900

    def run(self, **kwargs: object) -> None:
        for reference in list(self.document.findall(nodes.reference)):
            url = reference.get("refuri", "")
            if url and not is_allowed_url(url):
                _warn("link to %r was removed: only http, https and mailto addresses "
                      "and links inside the edition are allowed", reference, url, subtype="link")
                reference.replace_self(reference.children)
        for image in list(self.document.findall(nodes.image)):
            uri = image.get("uri", "")
            if uri and not is_allowed_url(uri):
                _warn("image %r was removed: images load from the edition or over http(s) only",
                      image, uri, subtype="link")
                _drop_image(image)


@extension
def setup(app: Sphinx) -> None:
    """Register the settings hook and both transforms."""
    app.connect("env-before-read-docs", disable_raw_and_file_insertion)
    app.connect("source-read", show_repository_file)
    app.add_transform(NeutraliseUntrustedContent)
    app.add_post_transform(RemoveUnsafeLinks)

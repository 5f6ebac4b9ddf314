"""``make annotations``: every annotation as a W3C Web Annotation (JSON-LD).

Run as ``python -m edition_tools.export.w3c [--output PATH]``; it
writes ``_build/annotations/annotations.jsonld`` by default, one
``AnnotationCollection`` with one ``Annotation`` per footnote of the edition,
in reading order, so that the notes can be used outside this site (for
example loaded into an annotation service over the article). Each annotation
carries its own ``@context`` and can be taken out of the collection whole.
The parts of the Web Annotation model used are described by the JSON Schema
``annotations.schema.json`` beside this module.

How each part is made:

* **id** -- ``urn:uuid:`` with a name-based (version 5) UUID of the footnote
  label, in a namespace derived from the article's identity below. The same
  label gives the same id in every build, and no web address is implied: the
  edition has none of its own yet.
* **target** -- a ``SpecificResource`` whose ``source`` is the article's
  original address (``url`` in ``sources/article.toml``). While that is
  unknown, the article is named by the hash of ``sources/article.txt`` as an
  RFC 6920 ``ni:`` URI (``ni:///sha-256;`` + unpadded base64url), a
  registered scheme for naming content by its hash.
* **selectors** -- a ``TextPositionSelector`` and a ``TextQuoteSelector``
  over the very resource the target names, ``sources/article.txt`` as
  received: the position counts Unicode code points in that file, and the
  quote's ``exact`` is the file's text at that position (its line breaks and
  no-break spaces included), with 32 code points of ``prefix`` and
  ``suffix``. The quoted span is the sentence the marker stands in, up to the
  marker (one sentence per line in the MyST source); the pages' text is
  matched to the file's with runs of white space taken as one.
* **body** -- a ``Choice`` of the note as ``text/plain`` and ``text/html``
  (rendered from the MyST source, citations linked to their ``url`` in the
  bibliography), with the motivation of its kind; ``tagging`` bodies for
  *Since publication* (``since-publication`` and the month, ``as-of:2025-06``)
  and for a Fact check's verdict (``verdict:imprecise``); and one ``linking``
  ``SpecificResource`` per cited source.
* **created / modified** -- the author dates (UTC) of the commit that added
  the note's definition to its page and of the last commit that changed its
  definition or the line of its marker. They are left out when git or a full
  history (a shallow clone) is not available.

The pages are read by :mod:`edition_tools.core.pages`, as ``make check``
reads them; the notes exported are those of the pages holding the article's
paragraphs. Problems (a note outside an article paragraph, a note without a
kind, an unknown citation key) are printed as ``path:line: message (rule)``
under the names of the ``make check`` rules that report them first; the file
is then not written and the exit status is 1.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import subprocess
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from edition_tools.core.article import ROOT, SOURCES, body_paragraphs, load_metadata, normalise_space
from edition_tools.core.conventions import (
    CONTENT_FOLDERS,
    KIND_LIST,
    LINK_SCHEMES,
    SCHEME,
    KindLine,
    KindLineError,
    citation_parts,
    is_citation_role,
    read_kind_line,
    role_text,
)
from edition_tools.core.fidelity import article_pages
from edition_tools.core.pages import Located, new_markdown_parser, parse_page
from edition_tools.core.problems import Problem, display_path
from edition_tools.core.receipts import CheckedClaim, load_receipts

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
DEFAULT_OUTPUT = ROOT / "_build" / "annotations" / "annotations.jsonld"
#: Code points of context kept on each side of a quote.
CONTEXT_LENGTH = 32
_UNCOMMITTED = "0" * 40


# -- The article as the selectors see it -------------------------------------


def ni_uri(digest: bytes) -> str:
    """Return the RFC 6920 name for a sha256 ``digest``: ``ni:///sha-256;`` + unpadded base64url."""
    return "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class Article:
    """The article's identity, its text as received, and where each body paragraph starts in it."""

    source: str
    sha256: str
    title: str
    #: ``sources/article.txt`` decoded as it is, line ends untouched: the selectors' resource.
    text: str
    #: Each body paragraph's offset in ``text`` and its text there, by number.
    paragraphs: dict[int, tuple[int, str]]

    def paragraph(self, number: int) -> str | None:
        """Return the normalised text of body paragraph ``number``."""
        found = self.paragraphs.get(number)
        return normalise_space(found[1]) if found else None

    def span(self, number: int, start: int, end: int) -> tuple[int, int]:
        """Map a span of paragraph ``number``'s normalised text to code points of ``text``."""
        offset, raw = self.paragraphs[number]
        index = raw_positions(raw)
        raw_start = index[start] if start < len(index) else len(raw)
        raw_end = index[end - 1] + 1 if end > start else raw_start
        return offset + raw_start, offset + raw_end


def raw_positions(raw: str) -> list[int]:
    """For each code point of ``normalise_space(raw)``, its position in ``raw``.

    A run of white space inside the text (a line break, a no-break space)
    becomes one space in the normalised text, placed at the run's start.
    """
    positions: list[int] = []
    pieces = list(re.finditer(r"\s+|\S+", raw))
    words = [piece for piece in pieces if not piece.group().isspace()]
    if not words:
        return positions
    first, last = words[0].start(), words[-1].end()
    for piece in pieces:
        if piece.end() <= first or piece.start() >= last:
            continue
        if piece.group().isspace():
            positions.append(piece.start())
        else:
            positions.extend(range(piece.start(), piece.end()))
    return positions


@cache
def load_article(sources: Path = SOURCES) -> Article:
    """Read the pinned article: its address (or hash name), text and paragraph offsets."""
    metadata = load_metadata(sources / "article.toml")["article"]
    data = (sources / metadata["file"]).read_bytes()
    # Decoded as is: reading in text mode would turn \r\n into \n and shift every position.
    text = data.decode("utf-8")
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    paragraphs: dict[int, tuple[int, str]] = {}
    for paragraph in body_paragraphs(sources):
        # The paragraph is its block without the run-in label, so it ends the block.
        offset = text.find(paragraph.text, line_starts[paragraph.line - 1])
        if offset < 0:
            raise ValueError(f"¶{paragraph.number} is not found in {metadata['file']} at line {paragraph.line}")
        paragraphs[paragraph.number] = (offset, paragraph.text)
    return Article(
        source=metadata.get("url") or ni_uri(hashlib.sha256(data).digest()),
        sha256=hashlib.sha256(data).hexdigest(),
        title=metadata["title"],
        text=text,
        paragraphs=paragraphs,
    )


def namespace(article: Article) -> uuid.UUID:
    """The UUID namespace of the edition's ids: a name-based UUID of the article file's hash.

    The hash of ``sources/article.txt``, not the address, so that the ids stay
    the same when the article's original address is filled in.
    """
    return uuid.uuid5(uuid.NAMESPACE_URL, ni_uri(bytes.fromhex(article.sha256)))


def annotation_id(article: Article, label: str) -> str:
    """Return the stable id of the annotation ``[^label]``."""
    return f"urn:uuid:{uuid.uuid5(namespace(article), 'annotation/' + label)}"


# -- Reading the pages -------------------------------------------------------


@dataclass
class Marker:
    """Where a footnote marker stands in an article paragraph."""

    label: str
    paragraph: int
    line: int
    #: Code-point offsets in the paragraph's normalised text.
    start: int
    end: int


@dataclass
class Note:
    """A footnote definition: its label, place, body tokens, kind line and cited keys."""

    label: str
    path: str
    line: int
    end_line: int
    tokens: list[Token] = field(default_factory=list)
    #: The text in bold that opens it, if any.
    kind_text: str | None = None
    keys: list[str] = field(default_factory=list)


def _normalised_length(raw: str) -> int:
    """Length of ``raw`` once white space is collapsed as ``normalise_space`` does."""
    return len(re.sub(r"\s+", " ", raw).lstrip())


def markers_in_paragraph(number: int, children: list[Located]) -> tuple[str, list[Marker]]:
    """Return a paragraph's normalised text and its markers with sentence spans.

    The text is built as the fidelity check reads it (markers dropped, roles
    reduced to their text); a marker's quote runs from the start of its source
    line, one sentence, to the marker itself.
    """
    raw = ""
    line_starts = [0]
    found: list[tuple[str, int, int, int]] = []
    for item in children:
        token = item.token
        if token.type in ("softbreak", "hardbreak"):
            raw += " "
            line_starts.append(len(raw))
        elif token.type == "footnote_ref":
            found.append((token.meta["label"], len(raw), len(line_starts) - 1, item.line))
        elif token.type == "myst_role":
            raw += role_text(token.content)
        elif token.type in ("text", "code_inline", "html_inline", "math_inline"):
            raw += token.content
    markers = []
    for label, position, line_index, marker_line in found:
        end = len(re.sub(r"\s+", " ", raw[:position]).lstrip().rstrip())
        # A marker at the very start of a line annotates the line before.
        while line_index > 0 and _normalised_length(raw[: line_starts[line_index]]) >= end:
            line_index -= 1
        start = _normalised_length(raw[: line_starts[line_index]])
        markers.append(Marker(label, number, marker_line, start, end))
    return normalise_space(raw), markers


@dataclass
class Page:
    """What the export needs from one MyST page."""

    path: str
    #: Article paragraphs as ``(number, normalised text, line of the (pN)= target)``.
    paragraphs: list[tuple[int, str, int]] = field(default_factory=list)
    #: Markers standing in article paragraphs.
    markers: list[Marker] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    #: Labels of every marker on the page, in an article paragraph or not.
    labels: set[str] = field(default_factory=set)
    #: Citation keys of every citation on the page, in order, once each.
    cited: list[str] = field(default_factory=list)


def read_page(path: Path) -> Page:
    """Read one MyST page for its article paragraphs, markers, notes and citations."""
    parsed = parse_page(path.read_text(encoding="utf-8"))
    page = Page(display_path(path, ROOT))
    page.cited = list(dict.fromkeys(key for citation in parsed.citations for key in citation.keys))
    page.labels = {marker.token.meta["label"] for marker in parsed.markers}
    for paragraph in parsed.paragraphs:
        if paragraph.children:
            text, found = markers_in_paragraph(paragraph.number, paragraph.children)
            page.paragraphs.append((paragraph.number, text, paragraph.line))
            page.markers += found
    for note in parsed.footnotes:
        if note.depth:
            continue  # a note inside a directive is not the article's
        keys = [key for c in parsed.citations if c.role.footnote == note.label for key in c.keys]
        page.notes.append(Note(note.label, page.path, note.line, note.end_line, note.tokens, note.kind_text,
                               list(dict.fromkeys(keys))))
    return page


def content_pages() -> list[Path]:
    """Every MyST page of the edition: the article's parts first, in reading order."""
    article = article_pages()
    others = sorted(
        page for folder in CONTENT_FOLDERS for page in (ROOT / folder).rglob("*.md") if page not in article
    )
    return article + others


# -- Bibliography ------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    url: str


def load_sources(cited: Sequence[str], bibfile: Path = SOURCES / "references.bib") -> dict[str, Source]:
    """Return the cited bibliography entries, labelled as the site labels them.

    The site's bibliography lists the entries cited anywhere in the edition,
    so ``cited`` should be every key cited on any page: labels that would
    otherwise be equal get their ``a``/``b`` from that whole list.
    """
    from pybtex.database import parse_file

    from edition_tools.ext.bibliography_style import EditionStyle, SourceYearLabelStyle

    data = parse_file(str(bibfile))
    entries = [data.entries[key] for key in dict.fromkeys(cited) if key in data.entries]
    # Labels only: sorting and labelling as the style does, without formatting the entries.
    style = EditionStyle(label_style=SourceYearLabelStyle)
    ordered = style.sort(entries)
    return {
        entry.key: Source(entry.key, label, entry.fields.get("url", ""))
        for entry, label in zip(ordered, style.format_labels(ordered), strict=True)
    }


def _in_bibliography_order(parts: list[tuple[str, str, str]], sources: dict[str, Source]) -> list[tuple[str, str, str]]:
    """Order a citation's keys (with their notes) as the site prints them: in bibliography order."""
    position = {key: index for index, key in enumerate(sources)}
    return sorted(parts, key=lambda part: position.get(part[1], len(position)))


def _with_notes(pre: str, label: str, post: str) -> str:
    """A cited label with its notes, as sphinxcontrib-bibtex joins them: ``see X 2025, p. 3``."""
    return f"{pre + ' ' if pre else ''}{label}{', ' + post if post else ''}"


# -- Rendering a note --------------------------------------------------------


def _citation_html(token: Token, sources: dict[str, Source]) -> str:
    links = []
    for pre, key, post in _in_bibliography_order(citation_parts(token.content), sources):
        source = sources.get(key)
        label = escapeHtml(key) if source is None else (
            f'<a href="{escapeHtml(source.url)}">{escapeHtml(source.label)}</a>'
        )
        links.append(_with_notes(escapeHtml(pre), label, escapeHtml(post)))
    return "[" + ", ".join(links) + "]"


def _citation_text(token: Token, sources: dict[str, Source]) -> str:
    parts = _in_bibliography_order(citation_parts(token.content), sources)
    return "[" + ", ".join(
        _with_notes(pre, sources[key].label if key in sources else key, post) for pre, key, post in parts
    ) + "]"


def _link_allowed(url: str) -> bool:
    """A link of a note is kept only with a scheme the edition allows (relative ones mean nothing here)."""
    scheme = SCHEME.match(url)
    return bool(scheme) and scheme.group(1).lower() in LINK_SCHEMES


def render_html(tokens: list[Token], sources: dict[str, Source]) -> str:
    """Render a note's MyST tokens to HTML: citations linked, raw HTML escaped."""
    md = new_markdown_parser()
    # The page reader keeps links of every scheme (so that the validator sees
    # them); the export drops those the edition does not allow, keeping their text.
    dropped: list[bool] = []

    def role(self, tokens, idx, options, env):
        token = tokens[idx]
        if is_citation_role(token.meta.get("name", "")):
            return _citation_html(token, sources)
        return escapeHtml(role_text(token.content))

    def as_text(self, tokens, idx, options, env):
        return escapeHtml(tokens[idx].content)

    def link_open(self, tokens, idx, options, env):
        allowed = _link_allowed(str(tokens[idx].attrs.get("href", "")))
        dropped.append(not allowed)
        return f'<a href="{escapeHtml(str(tokens[idx].attrs["href"]))}">' if allowed else ""

    def link_close(self, tokens, idx, options, env):
        return "" if dropped.pop() else "</a>"

    md.add_render_rule("myst_role", role)
    md.add_render_rule("link_open", link_open)
    md.add_render_rule("link_close", link_close)
    md.add_render_rule("html_inline", as_text)
    md.add_render_rule("html_block", as_text)
    return md.renderer.render(tokens, md.options, {}).strip()


def render_text(tokens: list[Token], sources: dict[str, Source]) -> str:
    """Return a note as plain text: one block a paragraph, citations as labels."""
    blocks = []
    for token in tokens:
        if token.type == "inline":
            pieces = []
            for child in token.children or []:
                if child.type == "softbreak":
                    pieces.append(" ")
                elif child.type == "hardbreak":
                    pieces.append("\n")
                elif child.type == "myst_role":
                    is_cite = is_citation_role(child.meta.get("name", ""))
                    pieces.append(_citation_text(child, sources) if is_cite else role_text(child.content))
                elif child.type in ("text", "code_inline", "html_inline", "math_inline"):
                    pieces.append(child.content)
            blocks.append("".join(pieces).strip())
        elif token.type in ("fence", "code_block", "html_block"):
            blocks.append(token.content.strip())
    return "\n\n".join(block for block in blocks if block)


def note_kind(note: Note) -> KindLine | None:
    """Return the kind line a note opens with (``**Context.**`` …), or None.

    A kind line whose qualifier is missing or malformed still gives its kind
    (``make check`` reports the qualifier); the export then carries no
    verdict or month for it.
    """
    if note.kind_text is None:
        return None
    try:
        return read_kind_line(note.kind_text)
    except KindLineError as error:
        return KindLine(error.kind, None)


# -- Dates from git ----------------------------------------------------------


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, check=False)
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


@cache
def _history_available() -> bool:
    return (_git("rev-parse", "--is-shallow-repository") or "").strip() == "false"


def _utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _blame(path: str) -> dict[int, int]:
    """Map each committed line of ``path`` to the author time of its last change."""
    output = _git("blame", "--porcelain", "--", path) or ""
    times: dict[str, int] = {}
    lines: dict[int, int] = {}
    current = None
    for line in output.splitlines():
        header = re.match(r"^([0-9a-f]{40}) \d+ (\d+)", line)
        if header:
            current = (header.group(1), int(header.group(2)))
        elif line.startswith("author-time ") and current:
            times[current[0]] = int(line.split()[1])
        elif line.startswith("\t") and current and current[0] != _UNCOMMITTED:
            lines[current[1]] = times[current[0]]
    return lines


def git_dates(note: Note, marker_line: int) -> dict[str, str]:
    """Return ``created``/``modified`` of a note from git, or nothing if unknown."""
    if not _history_available():
        return {}
    dates: dict[str, str] = {}
    added = _git("log", "--reverse", "--format=%at", "-S", f"[^{note.label}]:", "--", note.path)
    if added and added.split():
        dates["created"] = _utc(int(added.split()[0]))
    blame = _blame(note.path)
    changed = [blame[n] for n in [*range(note.line, note.end_line + 1), marker_line] if n in blame]
    if changed:
        dates["modified"] = _utc(max(changed))
    return dates


# -- The export --------------------------------------------------------------


def _selectors(article: Article, marker: Marker) -> list[dict]:
    """A quote and a position, both over ``sources/article.txt`` as received."""
    start, end = article.span(marker.paragraph, marker.start, marker.end)
    text = article.text
    return [
        {
            "type": "TextQuoteSelector",
            "exact": text[start:end],
            "prefix": text[max(0, start - CONTEXT_LENGTH):start],
            "suffix": text[end:end + CONTEXT_LENGTH],
        },
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def tags(kind_line: KindLine) -> list[str]:
    """The tags of a note: its kind's, its verdict and its month."""
    found = [kind_line.kind.tag] if kind_line.kind.tag else []
    if kind_line.verdict:
        found.append(f"verdict:{kind_line.verdict}")
    if kind_line.as_of:
        found.append(f"as-of:{kind_line.as_of}")
    return found


def evidence(claim: CheckedClaim | None, note: Note, sources: dict[str, Source]) -> list[dict]:
    """A Fact check's receipts as bodies with the purpose ``assessing``.

    Each is the source's own words (in their language, with the edition's
    English rendering as a choice where they are not English), and names the
    page they were read on with ``schema:isBasedOn``.
    """
    if claim is None:
        return []
    bodies = []
    for key in note.keys:
        receipt = claim.receipt(key)
        if receipt is None:
            continue
        words = {"type": "TextualBody", "value": receipt.excerpt, "format": "text/plain",
                 "language": receipt.language, "purpose": "assessing"}
        if key in sources and sources[key].url:
            words["schema:isBasedOn"] = sources[key].url
        if receipt.english:
            english = {"type": "TextualBody", "value": receipt.english, "format": "text/plain",
                       "language": "en", "purpose": "assessing"}
            bodies.append({"type": "Choice", "items": [words, english]})
        else:
            bodies.append(words)
    return bodies


def annotation(article: Article, note: Note, marker: Marker, kind_line: KindLine, sources: dict[str, Source],
               claim: CheckedClaim | None = None) -> dict:
    """Return one W3C Web Annotation for ``note``, anchored at ``marker``."""
    motivation = kind_line.kind.motivation
    body: list[dict] = [
        {
            "type": "Choice",
            "items": [
                {"type": "TextualBody", "value": render_text(note.tokens, sources),
                 "format": "text/plain", "language": "en", "purpose": motivation},
                {"type": "TextualBody", "value": render_html(note.tokens, sources),
                 "format": "text/html", "language": "en", "purpose": motivation},
            ],
        }
    ]
    body += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in tags(kind_line)]
    body += evidence(claim, note, sources)
    for key in note.keys:
        if key in sources and sources[key].url:
            body.append({"type": "SpecificResource", "source": sources[key].url, "purpose": "linking"})
    return {
        "@context": ANNO_CONTEXT,
        "id": annotation_id(article, note.label),
        "type": "Annotation",
        "motivation": motivation,
        **git_dates(note, marker.line),
        "body": body,
        "target": {
            "type": "SpecificResource",
            "source": article.source,
            "selector": _selectors(article, marker),
        },
    }


def collection(article: Article, annotations: list[dict]) -> dict:
    """Wrap ``annotations`` in one ``AnnotationCollection`` with a single page."""
    ns = namespace(article)
    return {
        "@context": ANNO_CONTEXT,
        "id": f"urn:uuid:{uuid.uuid5(ns, 'collection')}",
        "type": "AnnotationCollection",
        "label": f"Annotations of the annotated edition of “{article.title}”",
        "total": len(annotations),
        # What the selectors anchor on; schema: is a prefix of the anno context.
        # The resource every selector counts over: the target's source itself.
        "schema:isBasedOn": [
            {"id": article.source, "type": "Text", "label": article.title, "schema:sha256": article.sha256},
        ],
        "first": {
            "id": f"urn:uuid:{uuid.uuid5(ns, 'collection/page/1')}",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": annotations,
        },
    }


def export(pages: Sequence[Path] | None = None) -> tuple[dict | None, list[Problem]]:
    """Build the collection of every annotation of ``pages`` (default: all).

    Returns ``(collection, problems)``; the collection is None when any
    problem was found. Each problem carries the name of the ``make check``
    rule that reports it, so content that passes ``make check`` exports.
    """
    article = load_article()
    problems: list[Problem] = []
    markers: dict[str, Marker] = {}
    notes: list[Note] = []
    cited: list[str] = []
    first_seen: dict[str, Note] = {}
    for page in content_pages() if pages is None else pages:
        try:
            page_data = read_page(page)
        except UnicodeDecodeError as error:
            line = error.object[: error.start].count(b"\n") + 1
            bad = error.object[error.start]
            problems.append(Problem(display_path(page, ROOT), line, f"byte 0x{bad:02x} is not valid UTF-8; "
                                    "save the page as UTF-8", "file-encoding"))
            continue
        cited += page_data.cited
        if not page_data.paragraphs:
            continue  # not a page of the article: its notes, if any, annotate no text of it
        found, unanchorable = page_data.markers, set()
        for number, text, line in page_data.paragraphs:
            if text != article.paragraph(number):
                problems.append(Problem(page_data.path, line, f"¶{number} differs from the article, so its "
                                        "annotations cannot be anchored; `make check` shows where",
                                        "article-text"))
                unanchorable |= {marker.label for marker in found if marker.paragraph == number}
                found = [marker for marker in found if marker.paragraph != number]
        markers.update({marker.label: marker for marker in found})
        anchored = {marker.label for marker in found}
        for note in page_data.notes:
            if note.label in first_seen:
                other = first_seen[note.label]
                problems.append(Problem(note.path, note.line, f"annotation label [^{note.label}] is also used at "
                                        f"{other.path}:{other.line}; labels name annotations across the "
                                        "whole edition, so choose another",
                                        "footnote-label-reused" if other.path != note.path
                                        else "footnote-defined-twice"))
                continue
            first_seen[note.label] = note
            if note.label in anchored:
                notes.append(note)
            elif note.label in unanchorable:
                continue  # reported with its paragraph
            elif note.label in page_data.labels:
                problems.append(Problem(note.path, note.line, f"annotation [^{note.label}] is not marked in an "
                                        "article paragraph, so it cannot be anchored on the article",
                                        "annotation-anchor"))
            else:
                problems.append(Problem(note.path, note.line, f"annotation [^{note.label}] is defined but "
                                        "never marked in the text", "footnote-unreferenced"))
    sources = load_sources(cited)
    try:
        claims = load_receipts()
    except ValueError as error:
        path, line, message = [*str(error).split(":", 2), "", ""][:3]
        problems.append(Problem(display_path(Path(path), ROOT), int(line) if line.isdigit() else 1,
                                message.strip(), "receipt-file"))
        claims = {}
    items = []
    for note in notes:
        kind_line = note_kind(note)
        if kind_line is None:
            problems.append(Problem(note.path, note.line, f"annotation [^{note.label}] does not open with its "
                                    f"kind: write one of {KIND_LIST}", "annotation-kind"))
            continue
        for key in note.keys:
            if key not in sources:
                problems.append(Problem(note.path, note.line, f"annotation [^{note.label}] cites {key!r}, "
                                        "which is not in sources/references.bib", "citation-unknown-key"))
        items.append(annotation(article, note, markers[note.label], kind_line, sources, claims.get(note.label)))
    return (None if problems else collection(article, items)), problems


def main(argv: Sequence[str] | None = None) -> int:
    """Write the export and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m edition_tools.export.w3c",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON-LD file")
    args = parser.parse_args(argv)
    result, problems = export()
    for problem in sorted(problems):
        print(problem)
    if result is None:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing written")
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {result['total']} annotations to {display_path(args.output, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

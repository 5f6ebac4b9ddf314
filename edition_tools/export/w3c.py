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
* **selectors** -- a ``TextQuoteSelector`` whose ``exact`` is the sentence the
  marker stands in, up to the marker (one sentence per line in the MyST
  source), with 32 characters of ``prefix`` and ``suffix``; and a
  ``TextPositionSelector`` counting Unicode code points in the *normalised
  article*: its body paragraphs (as ``article_source`` reads them) with runs
  of white space collapsed to one space, joined by two newlines. The
  collection records the sha256 of that text.
* **body** -- a ``Choice`` of the note as ``text/plain`` and ``text/html``
  (rendered from the MyST source, citations linked to their ``url`` in the
  bibliography), with the purpose of its kind; for *Since publication* a
  ``tagging`` body ``since-publication``; and one ``linking``
  ``SpecificResource`` per cited source.
* **created / modified** -- the author dates (UTC) of the commit that added
  the note's definition to its page and of the last commit that changed its
  definition or the line of its marker. They are left out when git or a full
  history (a shallow clone) is not available.

Problems (a note outside an article paragraph, a note without a kind, an
unknown citation key) are printed as ``path:line: message (rule)``; the
file is then not written and the exit status is 1.
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
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from edition_tools.core.article import ROOT, SOURCES, body_paragraphs, load_metadata, normalise_space
from edition_tools.core.problems import Problem, display_path
from edition_tools.core.fidelity import PARAGRAPH_LABEL, ROLE_WITH_TARGET, article_pages, markdown_parser

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
DEFAULT_OUTPUT = ROOT / "_build" / "annotations" / "annotations.jsonld"
#: Folders whose MyST pages may hold annotations.
CONTENT_FOLDERS = ("docs", "glossary")
#: Characters of context kept on each side of a quote.
CONTEXT_LENGTH = 32
#: Annotation kind (the bold lead word) -> (motivation, tag or None).
KINDS = {
    "Context": ("commenting", None),
    "Fact check": ("assessing", None),
    "Since publication": ("commenting", "since-publication"),
    "Term": ("describing", None),
}
_KIND_LEAD = re.compile(r"^(?P<kind>[A-Z][a-z]+(?: [a-z]+)?)\.$")
_UNCOMMITTED = "0" * 40


# -- The article as the selectors see it -------------------------------------


def ni_uri(digest: bytes) -> str:
    """Return the RFC 6920 name for a sha256 ``digest``: ``ni:///sha-256;`` + unpadded base64url."""
    return "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class Article:
    """The article's identity and its normalised text."""

    source: str
    sha256: str
    title: str
    text: str
    #: Offset of each body paragraph's normalised text in ``text``, by number.
    offsets: dict[int, int]

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def paragraph(self, number: int) -> str | None:
        """Return the normalised text of body paragraph ``number``."""
        if number not in self.offsets:
            return None
        start = self.offsets[number]
        end = self.text.find("\n\n", start)
        return self.text[start:] if end < 0 else self.text[start:end]


@cache
def load_article(sources: Path = SOURCES) -> Article:
    """Read the pinned article: its address (or hash name) and normalised text."""
    metadata = load_metadata(sources / "article.toml")["article"]
    data = (sources / metadata["file"]).read_bytes()
    pieces, offsets, position = [], {}, 0
    for paragraph in body_paragraphs(sources):
        text = normalise_space(paragraph.text)
        offsets[paragraph.number] = position
        pieces.append(text)
        position += len(text) + 2
    return Article(
        source=metadata.get("url") or ni_uri(hashlib.sha256(data).digest()),
        sha256=hashlib.sha256(data).hexdigest(),
        title=metadata["title"],
        text="\n\n".join(pieces),
        offsets=offsets,
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
    """A footnote definition: its label, place and body tokens."""

    label: str
    path: str
    line: int
    end_line: int
    tokens: list[Token] = field(default_factory=list)


def _role_text(token: Token) -> str:
    match = ROLE_WITH_TARGET.match(token.content)
    return match.group("text") if match else token.content


def _normalised_length(raw: str) -> int:
    """Length of ``raw`` once white space is collapsed as ``normalise_space`` does."""
    return len(re.sub(r"\s+", " ", raw).lstrip())


def markers_in_paragraph(number: int, children: list[Token], first_line: int) -> tuple[str, list[Marker]]:
    """Return a paragraph's normalised text and its markers with sentence spans.

    The text is built as ``source_fidelity.inline_text`` reads it (markers
    dropped, roles reduced to their text); a marker's quote runs from the
    start of its source line, one sentence, to the marker itself.
    """
    raw = ""
    line = first_line
    line_starts = [0]
    found: list[tuple[str, int, int, int]] = []
    for token in children:
        if token.type in ("softbreak", "hardbreak"):
            raw += " "
            line += 1
            line_starts.append(len(raw))
        elif token.type == "footnote_ref":
            found.append((token.meta["label"], len(raw), len(line_starts) - 1, line))
        elif token.type == "myst_role":
            raw += _role_text(token)
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
    #: Citation keys of every citation on the page.
    cited: list[str] = field(default_factory=list)


def _footnote_body(tokens: list[Token], start: int) -> list[Token]:
    """Return the tokens of the footnote definition opened at ``tokens[start]``."""
    depth, body = 0, []
    for token in tokens[start + 1:]:
        if token.type == "footnote_reference_open":
            depth += 1
        elif token.type == "footnote_reference_close":
            if depth == 0:
                break
            depth -= 1
        body.append(token)
    return body


def read_page(path: Path) -> Page:
    """Parse one MyST page for its article paragraphs, markers, notes and citations."""
    tokens = markdown_parser().parse(path.read_text(encoding="utf-8"))
    page = Page(display_path(path, ROOT))
    page.cited = cited_keys(tokens)
    for index, token in enumerate(tokens):
        if token.type == "inline":
            page.labels |= {c.meta["label"] for c in token.children or [] if c.type == "footnote_ref"}
        target = PARAGRAPH_LABEL.match(token.content.strip()) if token.type == "myst_target" else None
        if target and index + 2 < len(tokens) and tokens[index + 1].type == "paragraph_open":
            number, inline = int(target.group(1)), tokens[index + 2]
            text, found = markers_in_paragraph(number, inline.children or [], inline.map[0] + 1)
            page.paragraphs.append((number, text, token.map[0] + 1))
            page.markers += found
        if token.type == "footnote_reference_open":
            page.notes.append(Note(token.meta["label"], page.path, token.map[0] + 1, token.map[1],
                                   _footnote_body(tokens, index)))
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
        for entry, label in zip(ordered, style.format_labels(ordered))
    }


def _cite_keys(token: Token) -> list[str]:
    return [key.strip() for key in token.content.split(",") if key.strip()]


def _in_bibliography_order(keys: list[str], sources: dict[str, Source]) -> list[str]:
    """Order a citation's keys as the site prints them: in bibliography order."""
    position = {key: index for index, key in enumerate(sources)}
    return sorted(keys, key=lambda key: position.get(key, len(position)))


# -- Rendering a note --------------------------------------------------------


def _citation_html(token: Token, sources: dict[str, Source]) -> str:
    links = []
    for key in _in_bibliography_order(_cite_keys(token), sources):
        source = sources.get(key)
        if source is None:
            links.append(escapeHtml(key))
        else:
            links.append(f'<a href="{escapeHtml(source.url)}">{escapeHtml(source.label)}</a>')
    return "[" + ", ".join(links) + "]"


def _citation_text(token: Token, sources: dict[str, Source]) -> str:
    keys = _in_bibliography_order(_cite_keys(token), sources)
    return "[" + ", ".join(sources[k].label if k in sources else k for k in keys) + "]"


def render_html(tokens: list[Token], sources: dict[str, Source]) -> str:
    """Render a note's MyST tokens to HTML: citations linked, raw HTML escaped."""
    md = markdown_parser()

    def role(self, tokens, idx, options, env):  # noqa: ANN001 - markdown-it's signature
        token = tokens[idx]
        if token.meta.get("name", "").startswith("cite"):
            return _citation_html(token, sources)
        return escapeHtml(_role_text(token))

    def as_text(self, tokens, idx, options, env):  # noqa: ANN001
        return escapeHtml(tokens[idx].content)

    md.add_render_rule("myst_role", role)
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
                    is_cite = child.meta.get("name", "").startswith("cite")
                    pieces.append(_citation_text(child, sources) if is_cite else _role_text(child))
                elif child.type in ("text", "code_inline", "html_inline", "math_inline"):
                    pieces.append(child.content)
            blocks.append("".join(pieces).strip())
        elif token.type in ("fence", "code_block", "html_block"):
            blocks.append(token.content.strip())
    return "\n\n".join(block for block in blocks if block)


def note_kind(note: Note) -> str | None:
    """Return the kind a note opens with (``**Context.**`` …), or None."""
    inline = next((t for t in note.tokens if t.type == "inline"), None)
    # markdown-it opens an inline run with an empty text token.
    children = [c for c in (inline.children or []) if c.type != "text" or c.content] if inline else []
    if len(children) >= 3 and children[0].type == "strong_open" and children[2].type == "strong_close":
        match = _KIND_LEAD.match(children[1].content)
        if match and match["kind"] in KINDS:
            return match["kind"]
    return None


def cited_keys(tokens: list[Token]) -> list[str]:
    """Return the citation keys of a token stream, in order, once each.

    Directive bodies (a glossary entry's note, say) are fences to markdown-it,
    so they are parsed in their turn.
    """
    keys = []
    for token in tokens:
        if token.type in ("fence", "colon_fence") and token.info.strip().startswith("{"):
            keys += cited_keys(markdown_parser().parse(token.content))
        for child in token.children or []:
            if child.type == "myst_role" and child.meta.get("name", "").startswith("cite"):
                keys += _cite_keys(child)
    return list(dict.fromkeys(keys))


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
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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
    offset = article.offsets[marker.paragraph]
    start, end = offset + marker.start, offset + marker.end
    return [
        {
            "type": "TextQuoteSelector",
            "exact": article.text[start:end],
            "prefix": article.text[max(0, start - CONTEXT_LENGTH):start],
            "suffix": article.text[end:end + CONTEXT_LENGTH],
        },
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def annotation(article: Article, note: Note, marker: Marker, kind: str, sources: dict[str, Source]) -> dict:
    """Return one W3C Web Annotation for ``note``, anchored at ``marker``."""
    motivation, tag = KINDS[kind]
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
    if tag:
        body.append({"type": "TextualBody", "value": tag, "purpose": "tagging"})
    for key in cited_keys(note.tokens):
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
        "schema:isBasedOn": [
            {"id": article.source, "type": "Text", "label": article.title, "schema:sha256": article.sha256},
            {
                "type": "Text",
                "format": "text/plain",
                "schema:sha256": article.text_sha256,
                "schema:description": (
                    "The normalised article over which every TextPositionSelector counts Unicode code "
                    "points: its body paragraphs, each with runs of white space collapsed to one space, "
                    "joined by two newlines."
                ),
            },
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
    problem was found.
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
                                    "save the page as UTF-8", "annotation-encoding"))
            continue
        cited += page_data.cited
        found, unanchorable = page_data.markers, set()
        for number, text, line in page_data.paragraphs:
            if text != article.paragraph(number):
                problems.append(Problem(page_data.path, line, f"¶{number} differs from the article, so its "
                                        "annotations cannot be anchored; `make check` shows where",
                                        "annotation-anchor"))
                unanchorable |= {marker.label for marker in found if marker.paragraph == number}
                found = [marker for marker in found if marker.paragraph != number]
        markers.update({marker.label: marker for marker in found})
        anchored = {marker.label for marker in found}
        for note in page_data.notes:
            if note.label in first_seen:
                other = first_seen[note.label]
                problems.append(Problem(note.path, note.line, f"annotation label [^{note.label}] is also used at "
                                        f"{other.path}:{other.line}; labels name annotations across the "
                                        "whole edition, so choose another", "annotation-label"))
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
                                        "never marked in the text", "annotation-anchor"))
    sources = load_sources(cited)
    items = []
    for note in notes:
        kind = note_kind(note)
        if kind is None:
            problems.append(Problem(note.path, note.line, f"annotation [^{note.label}] does not open with its "
                                    f"kind: write one of {', '.join(f'**{k}.**' for k in KINDS)}",
                                    "annotation-kind"))
            continue
        for key in cited_keys(note.tokens):
            if key not in sources:
                problems.append(Problem(note.path, note.line, f"annotation [^{note.label}] cites {key!r}, "
                                        "which is not in sources/references.bib", "annotation-citation"))
        items.append(annotation(article, note, markers[note.label], kind, sources))
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

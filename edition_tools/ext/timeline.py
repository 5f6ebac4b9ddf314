"""The Timeline: every date the edition states, in order, with where it is stated.

The article and its notes span three decades, and a reader loses the order of
events. Dates are marked where they are already written:

* in an annotation or a glossary entry, the role
  ``{event}`Friday 14 February 2003 <2003-02-14>``` marks the words that state
  a date, with its ISO form (``2003-02`` or ``2003`` where that is all that is
  known). In HTML the words become ``<time datetime="2003-02-14">``; in LaTeX
  they stay plain text;
* the article's own words are never edited, so its dated statements are
  listed in ``sources/article-dates.toml`` (``core/event_dates.py`` reads it).

The ``{timeline}`` directive lists them all, grouped by year: the date, the
sentence that states it (the whole line of the note, or of the article's
paragraph, the edition writing one sentence a line), a link to the note and
its ¶ (or glossary entry, or the article's ¶) and the note's kind. Where a
Fact check corrects a date of the article, the corrected date is listed and
the check linked.

As for the citation index, the events live on the build environment, purged
and merged per page (``build_state.py``); the timeline page is written again
whenever what any page contributes changes, and filled once every page is read.
``make check`` (``check/events.py``) holds the dates and the data file to the
rules; the warnings here are the build's second line.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import make_refnode

from edition_tools.core.event_dates import (
    ARTICLE_DATES,
    EventDate,
    parse_event_date,
    read_article_dates,
    split_event,
)
from edition_tools.ext import extension
from edition_tools.ext.build_state import altered_pages, connect_state, state_accessor
from edition_tools.ext.margin_notes import note_id
from edition_tools.ext.paragraph_numbers import paragraph_number

logger = logging.getLogger(__name__)


# -- The role -------------------------------------------------------------------


class event(nodes.Inline, nodes.TextElement):
    """Words that state a date; ``datetime`` holds it in ISO form."""


def visit_event_html(self, node: event) -> None:
    self.body.append(self.starttag(node, "time", "", datetime=node["datetime"]))


def depart_event_html(self, node: event) -> None:
    self.body.append("</time>")


def _plain(self, node: event) -> None:
    """In print and plain text the words are just words."""


class EventRole(SphinxRole):
    """``{event}`words <ISO date>```: mark the words of a note that state a date."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        try:
            words, iso = split_event(self.text)
            parse_event_date(iso)
        except ValueError as error:
            logger.warning("%s", error, location=self.get_location(), type="edition", subtype="event")
            return [nodes.Text(self.text)], []
        return [event(self.rawtext, words, datetime=iso)], []


# -- What each page contributes -------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    """A date the edition states, with the sentence and the place that state it."""

    iso: str
    sentence: str
    docname: str
    #: ``article``, ``note``, ``term`` or ``page``.
    place: str
    #: The annotation's label, the glossary term or the section's title.
    label: str
    #: The ¶ of the article the note (or the statement) belongs to.
    paragraph: int | None
    #: ``Context``, ``Fact check — imprecise`` …, ``glossary entry`` or ``the article``.
    kind: str
    #: Where a link lands in HTML, and in formats without margin notes.
    anchor: str
    fallback_anchor: str
    #: For a corrected statement of the article: the date it gives, and the check.
    stated_iso: str = ""
    corrected_by: str = ""

    @property
    def order(self) -> tuple:
        rank = {"article": 0, "note": 1, "term": 2, "page": 3}[self.place]
        return (self.iso, rank, self.docname, self.paragraph or 0, self.label.casefold(), self.sentence)


@dataclass
class TimelineState:
    """Every page's events and the pages holding a ``{timeline}``, on the environment."""

    events: dict[str, list[TimelineEvent]] = field(default_factory=dict)
    timeline_docs: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    #: Their events before this build re-read them (see build_state).
    previous: dict[str, object] = field(default_factory=dict)

    def contribution(self, docname: str) -> object:
        return tuple(self.events.get(docname, ()))

    def purge(self, docname: str) -> None:
        self.events.pop(docname, None)
        self.timeline_docs.discard(docname)

    def merge(self, docnames: Set[str], other: TimelineState) -> None:
        for docname in docnames:
            if docname in other.events:
                self.events[docname] = other.events[docname]
        self.timeline_docs |= other.timeline_docs & docnames

    def in_order(self) -> list[TimelineEvent]:
        return sorted({e for events in self.events.values() for e in events}, key=lambda e: e.order)


#: The state on the build environment, created on first use.
timeline_state = state_accessor("edition_timeline", TimelineState)


def _ancestor(node: nodes.Node, kind: type) -> nodes.Element | None:
    while node is not None and not isinstance(node, kind):
        node = node.parent
    return node


def _is_citation(node: nodes.Node) -> bool:
    return isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite"


def paragraph_lines(paragraph: nodes.Element, mark: nodes.Node | None = None) -> tuple[list[str], int | None]:
    """The lines of a paragraph as read, and the line that holds ``mark``.

    Citations, note markers and the ¶ number are left out: a sentence on the
    Timeline stands on its own and links to the note that holds its sources.
    """
    pieces: list[str] = []
    found: list[int] = []

    def walk(node: nodes.Node) -> None:
        if node is mark:
            found.append(sum(piece.count("\n") for piece in pieces))
        if isinstance(node, nodes.footnote_reference):
            return
        if isinstance(node, nodes.Element) and "para-num" in node["classes"]:
            return
        if _is_citation(node):
            if pieces:
                pieces[-1] = pieces[-1].rstrip(" ")
            return
        if isinstance(node, nodes.Text):
            pieces.append(str(node))
            return
        for child in node.children:
            walk(child)

    walk(paragraph)
    lines = [" ".join(line.split()) for line in "".join(pieces).split("\n")]
    return lines, (found[0] if found else None)


def _note_kind(footnote: nodes.footnote) -> str:
    strong = next(footnote.findall(nodes.strong), None)
    return strong.astext().strip().rstrip(".") if strong is not None else ""


def _marker_paragraph(footnote: nodes.footnote, markers: dict[str, nodes.Node]) -> int | None:
    marker = markers.get(footnote["ids"][0]) if footnote["ids"] else None
    while marker is not None:
        if isinstance(marker, nodes.Element) and (number := paragraph_number(marker)) is not None:
            return number
        marker = marker.parent
    return None


def _note_event(node: event, iso: str, sentence: str, docname: str, markers: dict[str, nodes.Node]) -> TimelineEvent:
    """The event ``node`` as the Timeline lists it, with the place that states it."""
    footnote = _ancestor(node, nodes.footnote)
    if footnote is not None:
        label = footnote["names"][0] if footnote["names"] else footnote["ids"][0]
        number = _marker_paragraph(footnote, markers)
        fallback = f"p{number}" if number else footnote["ids"][0]
        kind = _note_kind(footnote)
        return TimelineEvent(iso, sentence, docname, "note", label, number, kind, note_id(label), fallback)
    item = _ancestor(node, nodes.definition_list_item)
    if item is not None and _ancestor(item, addnodes.glossary) is not None:
        term = next(child for child in item.children if isinstance(child, nodes.term))
        anchor = term["ids"][0]
        return TimelineEvent(iso, sentence, docname, "term", term.astext(), None, "glossary entry", anchor, anchor)
    section = _ancestor(node, nodes.section)
    title = section[0].astext() if section is not None and isinstance(section[0], nodes.title) else docname
    anchor = section["ids"][0] if section is not None and section["ids"] else ""
    return TimelineEvent(iso, sentence, docname, "page", title, None, "", anchor, anchor)


def _article_events(app: Sphinx, doctree: nodes.document, docname: str) -> list[TimelineEvent]:
    """The statements of ``sources/article-dates.toml`` that stand in this page's ¶s."""
    paragraphs = {
        number: node for node in doctree.findall(nodes.paragraph)
        if (number := paragraph_number(node)) is not None
    }
    if not paragraphs:
        return []
    path = Path(app.srcdir, ARTICLE_DATES)
    app.env.note_dependency(str(path))
    try:
        statements, _ = read_article_dates(path)  # malformed entries: make check names them
    except ValueError as error:
        logger.warning("%s", error, location=docname, type="edition", subtype="event")
        return []
    found = []
    for statement in statements:
        paragraph = paragraphs.get(statement.paragraph)
        if paragraph is None:
            continue
        lines, _ = paragraph_lines(paragraph)
        sentence = next((line for line in lines if statement.words in line), None)
        if sentence is None:
            logger.warning(
                "%s: “%s” is not in ¶%d; copy the words exactly from the article",
                ARTICLE_DATES.as_posix(), statement.words, statement.paragraph,
                location=paragraph, type="edition", subtype="event",
            )
            continue
        # A corrected statement is listed at the date its Fact check gives.
        corrected = bool(statement.corrected_by)
        anchor = f"p{statement.paragraph}"
        found.append(TimelineEvent(
            statement.corrected_date if corrected else statement.date, sentence, docname, "article", "",
            statement.paragraph, "the article", anchor, anchor,
            stated_iso=statement.date if corrected else "", corrected_by=statement.corrected_by,
        ))
    return found


def collect(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: record every event of the page with its sentence and place."""
    state = timeline_state(app.env)
    docname = app.env.docname
    markers = {ref["refid"]: ref for ref in doctree.findall(nodes.footnote_reference) if ref.get("refid")}
    events = _article_events(app, doctree, docname)
    for node in doctree.findall(event):
        block = _ancestor(node.parent, nodes.paragraph)
        lines, at = paragraph_lines(block, node) if block is not None else ([node.astext()], 0)
        sentence = lines[at] if at is not None else node.astext()
        events.append(_note_event(node, node["datetime"], sentence, docname, markers))
    if events:
        state.events[docname] = events
    if any(doctree.findall(timeline_list)):
        state.timeline_docs.add(docname)


def dependent_docs(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: write the timeline again when a page's events changed."""
    state = timeline_state(env)
    return sorted(state.timeline_docs - state.changed) if altered_pages(state) else []


# -- The page -------------------------------------------------------------------


class timeline_list(nodes.General, nodes.Element):
    """Placeholder for the timeline (filled once every page is read)."""


class TimelineDirective(SphinxDirective):
    """``{timeline}``: every dated event of the edition, by year."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [timeline_list()]


def _note_words(paragraph: int | None, label: str) -> list[nodes.Node]:
    """``¶1, note *label*``: how the citation index names an annotation too."""
    return [nodes.Text(f"¶{paragraph}, note " if paragraph else "note "), nodes.emphasis("", label)]


class FillTimeline(SphinxPostTransform):
    """Write the events, one section a year."""

    default_priority = 20  # with the citation index: after links are resolved

    def run(self, **kwargs: Any) -> None:
        placeholders = list(self.document.findall(timeline_list))
        if not placeholders:
            return
        events = timeline_state(self.env).in_order()
        for placeholder in placeholders:
            sections = []
            for year, in_year in groupby(events, key=lambda e: EventDate(e.iso).year):
                section = nodes.section(ids=[f"year-{year}"], names=[f"timeline {year}"], classes=["timeline-year"])
                section += nodes.title("", str(year))
                items = nodes.bullet_list(classes=["timeline"])
                for entry in in_year:
                    items += self._item(entry)
                section += items
                sections.append(section)
            placeholder.replace_self(sections)

    def _link(self, entry: TimelineEvent, anchor: str, *children: nodes.Node) -> nodes.Element:
        link = make_refnode(self.env._app.builder, self.env.docname, entry.docname, anchor, list(children))
        link["classes"].append("timeline-link")
        return link

    def _where(self, entry: TimelineEvent) -> list[nodes.Node]:
        html = self.env._app.builder.format == "html"
        if entry.place == "article":
            where = [self._link(entry, entry.anchor, nodes.Text(f"the article, ¶{entry.paragraph}"))]
            if entry.corrected_by:
                check_anchor = note_id(entry.corrected_by) if html else entry.fallback_anchor
                where += [
                    nodes.Text(f", which gives {EventDate(entry.stated_iso).display}; corrected by the Fact check "),
                    self._link(entry, check_anchor, *_note_words(entry.paragraph, entry.corrected_by)),
                ]
            return where
        anchor = entry.anchor if html else entry.fallback_anchor
        if entry.place == "note":
            text = _note_words(entry.paragraph, entry.label)
        elif entry.place == "term":
            text = [nodes.Text("glossary, "), nodes.emphasis("", entry.label)]
        else:
            text = [nodes.emphasis("", entry.label)]
        where = [self._link(entry, anchor, *text)]
        if entry.kind:
            where.append(nodes.Text(f", {entry.kind}"))
        return where

    def _item(self, entry: TimelineEvent) -> nodes.list_item:
        item = nodes.list_item(classes=["timeline-event", f"timeline-{entry.place}"])
        text = nodes.paragraph()
        date = EventDate(entry.iso)
        text += nodes.strong("", "", event("", date.display, datetime=date.iso, classes=["timeline-date"]))
        text += nodes.Text(": ")
        text += nodes.inline("", entry.sentence, classes=["timeline-sentence"])
        text += nodes.Text(" (")
        text.extend(self._where(entry))
        text += nodes.Text(".)")
        item += text
        return item


@extension
def setup(app: Sphinx) -> None:
    """Register the role, the directive, the collector and the post-transform."""
    plain = (_plain, _plain)
    app.add_node(event, html=(visit_event_html, depart_event_html), latex=plain, text=plain, man=plain, texinfo=plain)
    app.add_node(timeline_list)
    app.add_role("event", EventRole())
    app.add_directive("timeline", TimelineDirective)
    connect_state(app, timeline_state)  # purge, merge and the pages each build reads
    app.connect("doctree-read", collect)
    app.connect("env-get-updated", dependent_docs)
    app.add_post_transform(FillTimeline)

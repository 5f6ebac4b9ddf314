"""Fact checks at a glance: verdict badges, the fact-check table, receipts.

Every Fact check note opens with its verdict, ``**Fact check — imprecise.**``
(the verdicts are defined in ``edition_tools/core/conventions.py``). This
extension

* marks the verdict in the kind line as a badge: ``<span class="verdict
  verdict-imprecise">imprecise</span>``; the word stays, so colour is never
  the only signal, and the PDF prints the kind line as written;
* records every fact check while its page is read (label, ¶, verdict, the
  note's first sentence), on the environment with purge and merge
  (``build_state.py``), so that parallel and incremental builds agree;
* fills the ``{fact-check-table}`` directive with one row per checked claim,
  in article order: the ¶ with its link, the article's words that were
  checked (from ``sources/receipts.toml``, which the validator holds against
  the article), the verdict and the note's first sentence, with the number of
  notes of each verdict above the table;
* gives each citation in a Fact check note its receipt, the source's own
  words that the verdict rests on, as the citation's preview text (the
  ``title`` that ``static/previews.js`` shows on hover and focus).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from edition_tools.core.conventions import VERDICTS, KindLineError, read_kind_line
from edition_tools.core.receipts import RECEIPTS_FILE, CheckedClaim, Receipt, load_receipts
from edition_tools.ext import extension, once_per_build
from edition_tools.ext.build_state import altered_pages, connect_state, state_accessor
from edition_tools.ext.citation_index import citation_list
from edition_tools.ext.margin_notes import note_id
from edition_tools.ext.paragraph_numbers import paragraph_number

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FactCheck:
    """One Fact check note as the table lists it."""

    docname: str
    label: str
    paragraph: int | None
    verdict: str
    first_sentence: str
    #: Document order within its page, to keep notes of one ¶ in reading order.
    position: int

    @property
    def order(self) -> tuple:
        return (self.paragraph or 0, self.docname, self.position)


@dataclass
class FactCheckState:
    """Every fact check of every page, kept on the environment."""

    checks: dict[str, tuple[FactCheck, ...]] = field(default_factory=dict)
    table_docs: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    previous: dict[str, object] = field(default_factory=dict)

    def contribution(self, docname: str) -> object:
        return self.checks.get(docname, ())

    def purge(self, docname: str) -> None:
        self.checks.pop(docname, None)
        self.table_docs.discard(docname)

    def merge(self, docnames: Set[str], other: FactCheckState) -> None:
        for docname in docnames:
            if docname in other.checks:
                self.checks[docname] = other.checks[docname]
        self.table_docs |= other.table_docs & docnames

    def in_article_order(self) -> list[FactCheck]:
        return sorted((check for checks in self.checks.values() for check in checks), key=lambda c: c.order)


fact_check_state = state_accessor("edition_fact_checks", FactCheckState)


class fact_check_table(nodes.General, nodes.Element):
    """Placeholder for the table (filled when resolved, once every page is read)."""


# -- Reading --------------------------------------------------------------------


def _kind_line(note: nodes.footnote) -> tuple[nodes.strong, str, str | None] | None:
    """The note's bold kind line with its kind and qualifier, if it has one."""
    first = next(iter(note.findall(nodes.paragraph)), None)
    # MyST leaves empty text nodes around inline markup: skip them.
    opening = next((child for child in first.children if child.astext().strip()), None) if first else None
    if not isinstance(opening, nodes.strong):
        return None
    try:
        parsed = read_kind_line(opening.astext())
    except KindLineError:  # the validator reports it; the build shows it as written
        return None
    return None if parsed is None else (opening, parsed.kind.name, parsed.verdict)


def first_sentence(note: nodes.footnote) -> str:
    """The note's first sentence after its kind line, without its citations."""
    paragraph = next(iter(note.findall(nodes.paragraph))).deepcopy()
    paragraph.remove(next(iter(paragraph.findall(nodes.strong))))
    for xref in list(paragraph.findall(addnodes.pending_xref)):
        xref.parent.remove(xref)
    # MyST keeps the source's line breaks: the edition writes one sentence a line.
    text = paragraph.astext().strip().split("\n", 1)[0]
    return re.sub(r"\s+([.,;:])", r"\1", text).strip()


def _marker_paragraph(doctree: nodes.document, note: nodes.footnote) -> int | None:
    for ref in doctree.findall(nodes.footnote_reference):
        if note["ids"] and ref.get("refid") == note["ids"][0]:
            node = ref
            while node is not None:
                if isinstance(node, nodes.Element) and (number := paragraph_number(node)):
                    return number
                node = node.parent
    return None


def mark_verdicts(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: badge each verdict and record each fact check."""
    checks = []
    for position, note in enumerate(doctree.findall(nodes.footnote)):
        found = _kind_line(note)
        if found is None or found[1] != "Fact check" or found[2] not in VERDICTS:
            continue
        strong, _, verdict = found
        label = note["names"][0] if note["names"] else note["ids"][0]
        checks.append(FactCheck(app.env.docname, label, _marker_paragraph(doctree, note), verdict,
                                first_sentence(note), position))
        # "Fact check — imprecise." → "Fact check — " + badge + "."
        strong.replace_self([
            nodes.strong("", "Fact check —", classes=["note-kind"]),
            nodes.Text(" "),
            nodes.inline("", verdict, classes=["verdict", f"verdict-{verdict}"]),
            nodes.Text("."),
        ])
    state = fact_check_state(app.env)
    if checks:
        state.checks[app.env.docname] = tuple(checks)
    # Pages that show verdicts of other pages: the table, and the citation index.
    if any(doctree.findall(fact_check_table)) or any(doctree.findall(citation_list)):
        state.table_docs.add(app.env.docname)
    # The table and the citation index show the receipts: re-read them when it changes.
    if checks or any(doctree.findall(fact_check_table)) or any(doctree.findall(citation_list)):
        app.env.note_dependency(str(receipts_file(app.env)))


class FactCheckTableDirective(SphinxDirective):
    """``{fact-check-table}``: every checked claim with its verdict, in article order."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(receipts_file(self.env)))
        return [fact_check_table()]


def dependent_docs(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: write the table again when a page's fact checks changed."""
    state = fact_check_state(env)
    return sorted(state.table_docs - state.changed) if altered_pages(state) else []


# -- Resolving ------------------------------------------------------------------


def receipts_file(env: BuildEnvironment) -> Path:
    """The receipts file of the project being built: read and watched at one address."""
    return Path(env.srcdir) / RECEIPTS_FILE


def _receipts(env: BuildEnvironment) -> dict[str, CheckedClaim]:
    """The receipts, read once per build (every page's post-transform asks for them)."""
    def load() -> dict[str, CheckedClaim]:
        try:
            return load_receipts(receipts_file(env))
        except ValueError as error:
            logger.warning("%s", error, type="edition", subtype="receipts")
            return {}

    return once_per_build(env._app.builder, "_edition_receipts", load)


def receipt_text(receipt: Receipt) -> str:
    """How a receipt reads in a preview and in the citation index."""
    text = f"“{receipt.excerpt}”"
    if receipt.english:
        text += f" (in English: {receipt.english})"
    return text


class FillFactChecks(SphinxPostTransform):
    """Fill the fact-check table and give Fact check citations their receipts."""

    default_priority = 25  # after citations are resolved and the citation index is filled

    def run(self, **kwargs: Any) -> None:
        claims = _receipts(self.env)
        self._attach_receipts(claims)
        self._list_receipts_in_citation_index(claims)
        for placeholder in list(self.document.findall(fact_check_table)):
            placeholder.replace_self(self._table(fact_check_state(self.env).in_article_order(), claims))

    def _attach_receipts(self, claims: dict[str, CheckedClaim]) -> None:
        if self.env._app.builder.format != "html":
            return
        for note in self.document.findall(nodes.footnote):
            label = note["names"][0] if note["names"] else ""
            claim = claims.get(label)
            if claim is None:
                continue
            for citation in note.findall(nodes.inline):
                if "bibtex-citation" not in citation.get("classes", []):
                    continue
                for link in citation.findall(nodes.reference):
                    key = link.get("refid", link.get("refuri", "")).rpartition("cite-")[2]
                    receipt = claim.receipt(key)
                    if receipt is not None:
                        title = link.get("reftitle", "")
                        link["reftitle"] = f"{title}\n\nThe source says: {receipt_text(receipt)}".strip()

    def _list_receipts_in_citation_index(self, claims: dict[str, CheckedClaim]) -> None:
        """Under each work of the citation index, the words of it that fact checks rest on."""
        entries = [item for item in self.document.findall(nodes.list_item)
                   if "citation-index-entry" in item.get("classes", [])]
        if not entries:
            return
        checks = {check.label: check for check in fact_check_state(self.env).in_article_order()}
        by_key: dict[str, list[Receipt]] = {}
        for claim in claims.values():
            for receipt in claim.receipts:
                by_key.setdefault(receipt.key, []).append(receipt)
        html = self.env._app.builder.format == "html"
        for item in entries:
            key = item["ids"][0].removeprefix("cite-")
            for receipt in by_key.get(key, []):
                check = checks.get(receipt.note)
                if check is None:
                    continue
                where = f"p{check.paragraph}" if check.paragraph else ""
                text = nodes.paragraph(classes=["citation-receipt"])
                text += nodes.Text(f"Fact check, ¶{check.paragraph}, " if check.paragraph else "Fact check, ")
                text += self._link(check.docname, note_id(check.label) if html else where,
                                   nodes.emphasis("", check.label))
                text += nodes.Text(" (")
                text += nodes.inline("", check.verdict, classes=["verdict", f"verdict-{check.verdict}"])
                text += nodes.Text(f") rests on: {receipt_text(receipt)}")
                item += text

    def _link(self, docname: str, anchor: str, *children: nodes.Node) -> nodes.Element:
        return make_refnode(self.env._app.builder, self.env.docname, docname, anchor, list(children))

    def _table(self, checks: list[FactCheck], claims: dict[str, CheckedClaim]) -> list[nodes.Node]:
        html = self.env._app.builder.format == "html"
        counts = Counter(check.verdict for check in checks)
        summary = nodes.paragraph(classes=["fact-check-counts"])
        summary += nodes.Text(f"{len(checks)} claims checked: ")
        for index, verdict in enumerate(v for v in VERDICTS if counts[v]):
            if index:
                summary += nodes.Text(", ")
            summary += nodes.inline("", verdict, classes=["verdict", f"verdict-{verdict}"])
            summary += nodes.Text(f" {counts[verdict]}")
        summary += nodes.Text(".")

        table = nodes.table(classes=["fact-check-table", "longtable", "colwidths-given"])
        group = nodes.tgroup(cols=4)
        table += group
        for width in (9, 33, 13, 45):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += self._row([nodes.Text(t) for t in ("¶", "The article's words", "Verdict", "The note")])
        group += head
        body = nodes.tbody()
        group += body
        for check in checks:
            claim = claims.get(check.label)
            where = f"p{check.paragraph}" if check.paragraph else ""
            paragraph = self._link(check.docname, where, nodes.Text(f"¶{check.paragraph}" if check.paragraph else "—"))
            words = nodes.Text(f"“{claim.checked}”") if claim else nodes.Text("")
            verdict = nodes.inline("", check.verdict, classes=["verdict", f"verdict-{check.verdict}"])
            note = self._link(check.docname, note_id(check.label) if html else where,
                              nodes.emphasis("", check.label))
            body += self._row([paragraph, words, verdict, [nodes.Text(check.first_sentence + " "), note]])
        return [summary, table]

    @staticmethod
    def _row(cells: list) -> nodes.row:
        row = nodes.row()
        for content in cells:
            entry = nodes.entry()
            paragraph = nodes.paragraph()
            paragraph.extend(content if isinstance(content, list) else [content])
            entry += paragraph
            row += entry
        return row


@extension
def setup(app: Sphinx) -> None:
    """Register the directive, the reader, the state and the post-transform."""
    app.add_node(fact_check_table)
    app.add_directive("fact-check-table", FactCheckTableDirective)
    connect_state(app, fact_check_state)
    app.connect("doctree-read", mark_verdicts)
    app.connect("env-get-updated", dependent_docs)
    app.add_post_transform(FillFactChecks)

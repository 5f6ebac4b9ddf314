"""Annotations that fold: disclosures, kinds, reading modes and the "Cite" buttons.

``margin_notes.py`` puts each annotated paragraph and its notes in
``div.annotated``. This post-transform, which runs after it (HTML only),
folds them so that the article reads continuously on every screen, with
native ``<details>`` that work without scripts:

* the notes of a paragraph stand in ``details.note-group``, whose summary
  says how many notes the paragraph holds and of which kinds ("5 notes on
  ¶6 · 3 context · 2 fact checks"). On narrow screens it is closed until
  the reader opens it or follows a marker (Chromium opens the ``<details>``
  around a fragment's target itself); on wide screens ``edition.css`` shows
  its content beside the text and hides its summary;
* each note is ``details.note-body``: its summary is the note's kind line
  (with the verdict badge of a fact check), and ``edition.css`` shows the
  first lines of its text while it is closed, the whole note when it is
  open or is the URL's target;
* each note and its marker carry the class of the note's kind
  (``kind-context``, ``kind-fact-check``, ``kind-since-publication``,
  ``kind-term``), which the filter hides;
* each paragraph number and each note get a "Cite" button
  (:mod:`.passage_citations`).

On each page of the article (a page with numbered paragraphs) it adds the
reading control (mode and kinds, with each kind's count), the cite dialog
with the page's citation data, a few lines in ``<head>`` that apply the
reader's choice (from the URL, else from localStorage) before the first
paint, so that nothing moves, and ``static/reading.js``, deferred. Without
scripts the page is *Annotated* and the controls and buttons, which would
do nothing, are hidden.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from edition_tools.core.conventions import KINDS as CONVENTIONS_KINDS
from edition_tools.core.conventions import KindLineError
from edition_tools.core.conventions import read_kind_line as parse_kind_line
from edition_tools.ext import article_metadata, builds_site, extension
from edition_tools.ext.paragraph_numbers import paragraph_number
from edition_tools.ext.passage_citations import cite_button, edition_year, note_passage, page_data, paragraph_passage

SCRIPT = "reading.js"

#: How a count of each kind of note reads (one, several); the kinds and their
#: kind line are the conventions' (edition_tools/core/conventions.py).
_COUNTED = {"Context": ("context", "context"), "Fact check": ("fact check", "fact checks"),
            "Since publication": ("since publication", "since publication"), "Term": ("term", "terms")}
KINDS = {name: (name.lower().replace(" ", "-"), *_COUNTED[name]) for name in CONVENTIONS_KINDS}

#: Applies the reader's choice before the first paint (see reading.js, which keeps it).
HEAD_SCRIPT = (
    "(function(){try{var d=document.documentElement,q=new URLSearchParams(location.search),"
    "s=JSON.parse(localStorage.getItem('edition-reading')||'{}'),m=q.get('mode')||s.mode,"
    "k=q.has('kinds')?q.get('kinds'):s.kinds,all=" + repr([suffix for suffix, _, _ in KINDS.values()]).replace(" ", "")
    + ";if(m==='text'||m==='open')d.dataset.reading=m;if(typeof k==='string'){k=k.split(',');"
    "d.dataset.hideKinds=all.filter(function(x){return k.indexOf(x)<0}).join(' ')}}catch(e){}})();"
)
#: Without scripts the buttons and the control would do nothing.
NOSCRIPT_STYLE = "<noscript><style>.reading-options,.cite-button{display:none!important}</style></noscript>"


class disclosure(nodes.General, nodes.Element):
    """A ``<details>`` element (its first child is a :class:`disclosure_summary`)."""


class disclosure_summary(nodes.General, nodes.TextElement):
    """The ``<summary>`` of a :class:`disclosure`."""


def _visit_disclosure(translator: Any, node: disclosure) -> None:
    translator.body.append(f'<details class="{" ".join(node["classes"])}">')


def _depart_disclosure(translator: Any, node: disclosure) -> None:
    translator.body.append("</details>\n")


def _visit_summary(translator: Any, node: disclosure_summary) -> None:
    translator.body.append(f'<summary class="{" ".join(node["classes"])}">')


def _depart_summary(translator: Any, node: disclosure_summary) -> None:
    translator.body.append("</summary>")


def read_kind_line(paragraph: nodes.paragraph) -> tuple[list[nodes.Node], str, str | None] | None:
    """The nodes of the note's opening kind line, its kind and verdict, if it opens with one.

    The line is bold, "**Context.**", or, once ``fact_checks.py`` has put the
    verdict in a badge, ``strong.note-kind`` "Fact check —", the badge and ".".
    """
    children = [child for child in paragraph.children if child.astext().strip() or not isinstance(child, nodes.Text)]
    if not children or not isinstance(children[0], nodes.strong):
        return None
    taken: list[nodes.Node] = []
    for child in paragraph.children:
        taken.append(child)
        text = "".join(node.astext() for node in taken).strip()
        try:
            found = parse_kind_line(text)
        except KindLineError:
            found = None  # the validator reports it; the note keeps its line as written
        if found is not None:
            return taken, found.kind.name, found.verdict
        if len(taken) > 6:
            break
    return None


def _first_paragraph(note: nodes.footnote) -> nodes.paragraph | None:
    return next((child for child in note.children if isinstance(child, nodes.paragraph)), None)


def note_kind(note: nodes.footnote) -> str | None:
    """The kind's class suffix of a note (``fact-check``), or None for a note without a kind line."""
    first = _first_paragraph(note)
    found = read_kind_line(first) if first is not None else None
    return KINDS[found[1]][0] if found else None


def group_summary(counts: Counter[str], paragraph: int | None) -> disclosure_summary:
    """"5 notes on ¶6 · 3 context · 2 fact checks": each kind in a span the filter can hide."""
    total = sum(counts.values())
    summary = disclosure_summary(classes=["note-group-summary"])
    summary += nodes.inline("", f"{total} note{'s' if total != 1 else ''}", classes=["note-total"])
    summary += nodes.inline("", "Notes", classes=["note-total-filtered"])
    summary += nodes.Text(f" on ¶{paragraph}" if paragraph else " on this paragraph")
    for suffix, one, several in KINDS.values():
        if counts[suffix]:
            summary += nodes.inline("", f" · {counts[suffix]} {one if counts[suffix] == 1 else several}",
                                    classes=["kind-count", f"kind-{suffix}"])
    return summary


class FoldAnnotations(SphinxPostTransform):
    """Fold each paragraph's notes into disclosures, mark kinds, add "Cite" buttons."""

    default_priority = 30  # after margin_notes (5) and fact_checks' post-transform (25)
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        if not builds_site(self.env._app.builder):
            return  # the EPUB keeps its notes as e-reader footnotes
        markers = {ref.get("refid"): ref for ref in self.document.findall(nodes.footnote_reference)}
        article = article_metadata(self.env._app)["article"]
        year = edition_year(self.config.today, article["date"][:4])
        passages: list[tuple[str, Any]] = []
        for paragraph in list(self.document.findall(nodes.paragraph)):
            number = paragraph_number(paragraph)
            link = next((child for child in paragraph.children if "para-num" in child.get("classes", [])), None) \
                if number is not None and isinstance(paragraph.parent, (nodes.container, nodes.section)) else None
            if link is not None:
                passage = paragraph_passage(number, article)
                passages.append(("paragraph", passage))
                link.parent.insert(link.parent.index(link) + 1,
                                   cite_button(anchor=passage.anchor, label=f"Cite ¶{number}",
                                               classes=["cite-paragraph"]))
        for block in list(self.document.findall(nodes.container)):
            if "annotated" not in block["classes"]:
                continue
            number = paragraph_number(block.children[0])
            annotations = block.children[-1]
            group = disclosure(classes=["note-group"])
            counts: Counter[str] = Counter()
            for note in [child for child in annotations.children if isinstance(child, nodes.footnote)]:
                kind, passage = self._fold_note(note, markers, number, year)
                counts[kind or "none"] += 1
                if passage is not None:
                    passages.append(("note", passage))
            group += group_summary(counts, number)
            group.extend(annotations.children)
            annotations.children = []
            annotations += group
        if passages:
            self.document["edition_cite_passages"] = passages

    def _fold_note(self, note: nodes.footnote, markers: dict, paragraph: int | None, year: str) -> tuple:
        """Mark the note's kind, fold it into ``details.note-body``; return its kind and passage."""
        first = _first_paragraph(note)
        found = read_kind_line(first) if first is not None else None
        kind = KINDS[found[1]][0] if found else None
        if kind:
            note["classes"].append(f"kind-{kind}")
            marker = markers.get(note["ids"][0])
            if marker is not None:
                marker["classes"].append(f"kind-{kind}")
        label = next((child for child in note.children if isinstance(child, nodes.label)), None)
        number = label.astext() if label is not None else ""
        body = disclosure(classes=["note-body"])
        summary = disclosure_summary(classes=["note-kind-line"])
        if found:
            for node in found[0]:
                first.remove(node)
                summary += node
            # The text goes on after the kind line: no leading space.
            if first.children and isinstance(first.children[0], nodes.Text):
                first.replace(first.children[0], nodes.Text(first.children[0].astext().lstrip()))
        else:
            summary += nodes.Text("Note")
        body += summary
        for child in [child for child in note.children if child is not label]:
            note.remove(child)
            body += child
        passage = None
        if number and note["ids"] and note["ids"][0].startswith("note-"):
            passage = note_passage(note["ids"][0], number, paragraph, found[1] if found else "Note", year)
            body += nodes.paragraph("", "", cite_button(anchor=passage.anchor, label=f"Cite note {number}",
                                                        text="Cite", classes=["cite-note"]),
                                    classes=["note-cite"])
        note += body
        return kind, passage


def _kind_counts(body: str) -> Counter[str]:
    return Counter(re.findall(r'<aside class="footnote[^"]*\bkind-([a-z-]+)', body))


def reading_control(counts: Counter[str]) -> str:
    """The control: a closed disclosure holding the mode and the kinds, with counts."""
    modes = [("annotated", "Annotated"), ("text", "Text only"), ("open", "All notes open")]
    radios = "".join(
        f'<label><input type="radio" name="reading-mode" value="{value}"{" checked" if value == "annotated" else ""}> '
        f"{name}</label>" for value, name in modes
    )
    boxes = "".join(
        f'<label><input type="checkbox" name="reading-kind" value="{suffix}" checked'
        f'{" disabled" if not counts[suffix] else ""}> {name} '
        f'<span class="kind-total">({counts[suffix]})</span></label>'
        for name, (suffix, _, _) in KINDS.items()
    )
    return (
        '<details class="reading-options"><summary>Reading options</summary>'
        '<form class="reading-form" aria-label="Reading options">'
        f'<fieldset><legend>Show</legend>{radios}</fieldset>'
        f'<fieldset><legend>Notes of each kind</legend>{boxes}</fieldset>'
        "</form></details>\n"
    )


CITE_DIALOG = (
    '<dialog class="cite-dialog" aria-labelledby="cite-dialog-title">'
    '<h2 id="cite-dialog-title">Cite</h2>'
    '<p class="cite-dialog-note"></p>'
    + "".join(
        f'<div class="cite-form"><label for="cite-{form}">{name}</label>'
        f'<textarea id="cite-{form}" readonly rows="{rows}" spellcheck="false"></textarea>'
        f'<button type="button" class="cite-copy" data-copy="cite-{form}">'
        f'Copy {name.lower() if form == "text" else name}</button></div>'
        for form, name, rows in (("text", "Text", 4), ("bibtex", "BibTeX", 8), ("ris", "RIS", 8))
    )
    + '<p class="cite-status" role="status"></p>'
    '<button type="button" class="cite-close">Close</button></dialog>\n'
)


def add_to_article_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """On a page of the article: the control, the dialog and its data, the scripts."""
    body = context.get("body", "")
    if doctree is None or 'class="article-paragraph' not in body or not builds_site(app.builder):
        return
    app.add_js_file(None, body=HEAD_SCRIPT, priority=100)
    app.add_js_file(SCRIPT, loading_method="defer")
    context["metatags"] = context.get("metatags", "") + NOSCRIPT_STYLE
    control = reading_control(_kind_counts(body))
    heading = body.find("</h1>")
    at = heading + len("</h1>") if heading >= 0 else 0
    # The heading's permalink follows </h1> in the theme's markup only inside it: insert after the line.
    body = body[:at] + "\n" + control + body[at:]
    passages = doctree.get("edition_cite_passages", [])
    data = page_data(app.config, pagename, passages, article_metadata(app)["article"])
    context["body"] = (body + CITE_DIALOG
                       + f'<script type="application/json" id="cite-data">{data}</script>\n')


@extension
def setup(app: Sphinx) -> None:
    """Register the nodes, the post-transform and the per-page additions."""
    app.add_node(disclosure, html=(_visit_disclosure, _depart_disclosure))
    app.add_node(disclosure_summary, html=(_visit_summary, _depart_summary))
    app.add_post_transform(FoldAnnotations)
    app.connect("html-page-context", add_to_article_page)


"""Rules for annotations: MyST footnotes with a descriptive label, a kind and sources.

An annotation is written ``[^kabulov-envoy]`` right after a word of the text
and defined once at the end of the page::

    [^kabulov-envoy]: **Context.**
        Zamir Kabulov was ... {cite:p}`somesource2025word`.

The HTML layout (``margin_notes.py``) moves each note beside its paragraph
and shows paragraphs only, so a note holds paragraphs and nothing else, is
referenced exactly once and refers to no other note. The kind line follows
the grammar of :mod:`edition_tools.core.conventions`: a Fact check states
its verdict (``**Fact check — imprecise.**``), a Since publication note the
month it was last true (``**Since publication — as of June 2025.**``). On a
page of the article every note is marked in one of its paragraphs, since the
export anchors each note on the article's text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from edition_tools.check.context import PageContext
from edition_tools.check.registry import rule
from edition_tools.core.conventions import KIND_LIST, KINDS, VERDICTS, KindLineError, read_kind_line
from edition_tools.core.problems import Problem

#: Lower-case words (letters, digits) joined by hyphens.
LABEL_SHAPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Words that say an annotation exists, not what it is about.
GENERIC_WORDS = frozenset(
    {"ann", "annotation", "comment", "fn", "foot", "footnote", "note", "ref", "reference", "remark", "see"}
)
#: Blocks an annotation may hold besides paragraphs (comments are not rendered;
#: raw HTML is reported by its own rule).
ALLOWED_IN_BODY = frozenset({"paragraph_open", "paragraph_close", "inline", "myst_line_comment", "html_block"})
BLOCK_NAMES = {
    "bullet_list_open": "a bulleted list",
    "ordered_list_open": "a numbered list",
    "code_block": "an indented code block",
    "fence": "a code block",
    "colon_fence": "a ::: block",
    "table_open": "a table",
    "heading_open": "a heading",
    "blockquote_open": "a block quote",
    "hr": "a horizontal rule",
    "dl_open": "a definition list",
    "myst_target": "a target",
    "myst_block_break": "a block break",
}
EXAMPLE = "e.g. [^kabulov-envoy]"


def label_problem(label: str) -> str | None:
    """Say what is wrong with an annotation label, or ``None`` if it is descriptive."""
    if label.isdigit():
        return f"[^{label}] is a numbered label; name the annotation after its subject, {EXAMPLE}"
    if not LABEL_SHAPE.match(label):
        suggestion = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        return (
            f"[^{label}] is not lower-case words joined by hyphens; write [^{suggestion}]"
            if suggestion
            else f"[^{label}] is not lower-case words joined by hyphens; {EXAMPLE}"
        )
    words = [word.rstrip("0123456789") for word in label.split("-")]
    if not any(len(word) >= 3 and word not in GENERIC_WORDS for word in words):
        return (
            f"[^{label}] does not say what the annotation is about; name it after its "
            f"subject in one to four words, {EXAMPLE}"
        )
    return None


@rule("footnote-undefined", "a marker `[^label]` whose note is not defined",
      "write the note at the end of the page, or fix the label")
@rule("footnote-unreferenced", "a note that no marker points to", "put the marker in the text, or delete the note")
@rule("footnote-referenced-twice", "a note marked in more than one place",
      "mark it once; write a second note for the other place")
@rule("footnote-defined-twice", "two notes on a page with the same label (case does not count)",
      "merge them, or give each its own label")
@rule("footnote-label", "a label that is a number, has capitals or underscores, or only says \"note\"",
      "name the subject: `[^kabulov-envoy]`")
@rule("annotation-nested-reference", "a note that contains the marker of another note",
      "say it in this note, or mark the article's text")
def check_references(context: PageContext) -> Iterator[Problem]:
    """Markers and definitions match one to one; labels are descriptive."""
    page, shown = context.page, context.shown
    # Docutils matches footnote labels without regard to case.
    defined: dict[str, int] = {}
    for label, line in page.footnote_definitions:
        key = label.lower()
        if key in defined:
            yield Problem(
                shown, line,
                f"annotation [^{label}] is defined twice (first on line {defined[key]}); "
                "merge the two notes or give this one its own label",
                "footnote-defined-twice",
            )
            continue
        defined[key] = line
        problem = label_problem(label)
        if problem:
            yield Problem(shown, line, problem, "footnote-label")
    seen: Counter[str] = Counter()
    first_marker: dict[str, int] = {}
    for ref in page.markers:
        label = ref.token.meta["label"]
        key = label.lower()
        seen[key] += 1
        first_marker.setdefault(key, ref.line)
        if ref.footnote is not None:
            yield Problem(
                shown, ref.line,
                f"annotation [^{ref.footnote}] contains the marker [^{label}]; an annotation "
                "cannot carry annotations: say it in this note, or mark the article's text instead",
                "annotation-nested-reference",
            )
        if key not in defined:
            yield Problem(
                shown, ref.line,
                f"[^{label}] marks an annotation that is not defined; add "
                f"'[^{label}]: **Context.** ...' at the end of the page, or remove the marker",
                "footnote-undefined",
            )
        elif seen[key] > 1:
            yield Problem(
                shown, ref.line,
                f"annotation [^{label}] is marked again (first on line {first_marker[key]}); "
                "mark it once and write a separate annotation for this place",
                "footnote-referenced-twice",
            )
    for label, line in page.footnote_definitions:
        if seen[label.lower()] == 0 and defined.get(label.lower()) == line:
            yield Problem(
                shown, line,
                f"annotation [^{label}] is never marked in the text; put [^{label}] right "
                "after the word or sentence it annotates, or delete the note",
                "footnote-unreferenced",
            )


def _kind_rule(kind: str | None) -> str:
    """The rule a malformed kind line breaks: its kind's qualifier rule, else ``annotation-kind``."""
    rules = {"Fact check": "fact-check-verdict", "Since publication": "since-publication-month"}
    return rules.get(kind, "annotation-kind")


@rule("annotation-kind",
      "a note that does not open with its kind in bold, or gives a qualifier to a kind that takes none",
      "begin with " + ", ".join(f"`{kind.example}`" for kind in KINDS.values()).replace(", `**Term", " or `**Term"))
@rule("fact-check-verdict", "a Fact check without its verdict: `**Fact check — <verdict>.**` with one of "
      + ", ".join(f"`{verdict}`" for verdict in VERDICTS),
      "state the verdict after an em dash: `**Fact check — imprecise.**`")
@rule("since-publication-month", "a Since publication note without the month it was true as of "
      "(`**Since publication — as of June 2025.**`), or with a month after today",
      "write the month, in English, in which the note was last verified")
@rule("annotation-uncited", "a Context, Fact check or Since publication note without a citation",
      "cite its source with `` {cite:p}`key` ``")
@rule("annotation-body", "a note holding a list, table, code, heading, quotation or directive",
      "write it as sentences, in paragraphs")
def check_bodies(context: PageContext) -> Iterator[Problem]:
    """Each annotation opens with its kind line, cites where it must, holds paragraphs only."""
    page, shown = context.page, context.shown
    for note in page.footnotes:
        label, line, inside = note.label, note.line, note.inside
        text = note.kind_text
        kind = None
        try:
            kind_line = read_kind_line(text, context.today) if text is not None else None
        except KindLineError as error:
            kind = error.kind
            yield Problem(shown, line, f"annotation [^{label}] opens with **{text}**; {error.message}",
                          _kind_rule(kind.name))
        else:
            if kind_line is None:
                yield Problem(
                    shown, line,
                    f"annotation [^{label}] opens with {note.opening}; begin it with its kind in bold: {KIND_LIST}",
                    "annotation-kind",
                )
            else:
                kind = kind_line.kind
        cited = any(citation.role.footnote == label for citation in page.citations)
        if kind is not None and kind.must_cite and not cited:
            yield Problem(
                shown, line,
                f"annotation [^{label}] ({kind.name}) cites no source; add "
                "{cite:p}`key` with the key of its source in sources/references.bib",
                "annotation-uncited",
            )
        for item in inside:
            token = item.token
            if token.type in ALLOWED_IN_BODY or token.nesting == -1:
                continue
            what = BLOCK_NAMES.get(token.type, f"a block ({token.type})")
            if token.type in ("fence", "colon_fence") and token.info.strip().startswith("{"):
                what = f"the directive {token.info.strip().split()[0]}"
            yield Problem(
                shown, item.line,
                f"annotation [^{label}] contains {what}; an annotation holds paragraphs only "
                "(the layout beside the text shows nothing else): write it as sentences",
                "annotation-body",
            )


@rule("annotation-anchor", "on a page of the article, a note marked outside the article's paragraphs "
      "(the export anchors every note on the article's text)",
      "put the marker in a paragraph that follows a `(pN)=` line")
def check_anchors(context: PageContext) -> Iterator[Problem]:
    """On a page with article paragraphs, each note is marked in one of them."""
    page = context.page
    if not page.paragraphs:
        return
    in_paragraphs = {m.token.meta["label"].lower() for p in page.paragraphs for m in p.markers}
    elsewhere = {m.token.meta["label"].lower() for m in page.markers if m.footnote is None}
    for note in page.footnotes:
        key = note.label.lower()
        if key in elsewhere and key not in in_paragraphs:
            yield Problem(
                context.shown, note.line,
                f"annotation [^{note.label}] is not marked in an article paragraph, so it cannot be "
                "anchored on the article; put its marker in the paragraph after a (pN)= line",
                "annotation-anchor",
            )

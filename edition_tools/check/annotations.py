"""Rules for annotations: MyST footnotes with a descriptive label, a kind and sources.

An annotation is written ``[^kabulov-envoy]`` right after a word of the text
and defined once at the end of the page::

    [^kabulov-envoy]: **Context.**
        Zamir Kabulov was ... {cite:p}`somesource2025word`.

The HTML layout (``margin_notes.py``) moves each note beside its paragraph
and shows paragraphs only, so a note holds paragraphs and nothing else, is
referenced exactly once and refers to no other note.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from edition_tools.core.pages import Located, ParsedPage
from edition_tools.core.problems import Problem

#: The kinds an annotation opens with, in bold, and whether each must cite.
KINDS = {"Context.": True, "Fact check.": True, "Since publication.": True, "Term.": False}
KIND_LIST = "**Context.**, **Fact check.**, **Since publication.** or **Term.**"
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


def is_citation(role: Located) -> bool:
    """True for the bibliography roles: ``{cite}``, ``{cite:p}``, ``{cite:t}`` ..."""
    name = role.token.meta.get("name", "")
    return name == "cite" or name.startswith("cite:")


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


def _footnote_refs(page: ParsedPage) -> list[Located]:
    return [item for item in page.inlines if item.token.type == "footnote_ref"]


def check_references(page: ParsedPage, shown: str) -> Iterator[Problem]:
    """Markers and definitions match one to one; labels are descriptive."""
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
    for ref in _footnote_refs(page):
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


def _definitions(page: ParsedPage) -> Iterator[tuple[str, int, list[Located]]]:
    """Each annotation's label, line and the blocks directly inside it.

    The inline content of a paragraph directly inside counts as inside too.
    """
    blocks = page.blocks
    for index, opening in enumerate(blocks):
        if opening.token.type != "footnote_reference_open":
            continue
        inside: list[Located] = []
        level = opening.token.level + 1
        for item in blocks[index + 1:]:
            if item.depth != opening.depth:
                continue
            if item.token.type == "footnote_reference_close":
                break
            if item.token.level == level or (
                item.token.type == "inline" and inside and inside[-1].token.type == "paragraph_open"
            ):
                inside.append(item)
        yield opening.token.meta["label"], opening.line, inside


def _kind(inside: list[Located]) -> tuple[str | None, str]:
    """Return the annotation's kind (``None`` if missing) and what it opens with."""
    if len(inside) < 2 or inside[0].token.type != "paragraph_open" or inside[1].token.type != "inline":
        return None, "something other than a paragraph"
    inline = inside[1].token
    children = [c for c in inline.children or [] if not (c.type == "text" and not c.content)]
    first_line = inline.content.split("\n", 1)[0]
    opening = first_line if len(first_line) <= 40 else first_line[:40].rsplit(" ", 1)[0] + " …"
    if len(children) >= 3 and children[0].type == "strong_open" and children[2].type == "strong_close":
        text = children[1].content
        if children[1].type == "text" and text in KINDS:
            return text, opening
    return None, f"“{opening}”" if opening else "nothing"


def check_bodies(page: ParsedPage, shown: str) -> Iterator[Problem]:
    """Each annotation opens with its kind, cites where it must, holds paragraphs only."""
    for label, line, inside in _definitions(page):
        kind, opening = _kind(inside)
        if kind is None:
            yield Problem(
                shown, line,
                f"annotation [^{label}] opens with {opening}; begin it with its kind in bold: {KIND_LIST}",
                "annotation-kind",
            )
        elif KINDS[kind] and not any(
            is_citation(role) for role in page.roles() if role.footnote == label
        ):
            yield Problem(
                shown, line,
                f"annotation [^{label}] ({kind.rstrip('.')}) cites no source; add "
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

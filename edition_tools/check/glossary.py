"""Rules for the glossary: one term per file, in the editorial form; every ``{term}`` defined.

The contract of the glossary: every ``glossary/*.md`` except
``glossary/index.md`` is titled with its term and defines it, once, with a
``{glossary}`` directive (backtick or colon fence) whose first line of
content, after its options, is the term, followed, indented, by a
one-sentence definition without citations or links (it becomes the title of
every link to the term), a note that cites its sources and a See also line::

    :::{glossary}
    Moscow Format
       A series of consultations on Afghanistan hosted by Russia since 2017.

       The format brings together ... {cite:p}`key`.

       **See also:** {term}`Termez Dialogue`.
    :::

The article links each term (``term-unlinked``), at its first use on a page
(``term-first-use``).

Terms are matched without regard to case, as Sphinx matches them, so
``{term}`moscow format``` and ``{term}`the talks <Moscow Format>``` both
resolve.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from edition_tools.check.context import EditionContext, PageContext, TermDefinition
from edition_tools.check.registry import rule
from edition_tools.core.conventions import role_target, role_text, term_key
from edition_tools.core.pages import GlossaryEntry, Located, ParsedPage, inline_children
from edition_tools.core.problems import Problem

#: The line that ends a glossary entry: links to related terms.
SEE_ALSO = "**See also:**"
#: A sentence ends, and another begins, within a paragraph.
SENTENCE_BREAK = re.compile(r"[.!?] [A-Z]")


def definitions(page: ParsedPage, shown: str) -> list[TermDefinition]:
    """Every term the page defines."""
    return [
        TermDefinition(term, shown, line)
        for entry in page.glossary
        for term, line in entry.terms
    ]


@rule("glossary-file", "a file in `glossary/` (other than `index.md`) that defines no term or several",
      "one `{glossary}` directive with one term per file", scope="glossary-file")
@rule("term-no-definition", "a term with nothing written under it", "write its definition, indented, under the term",
      scope="glossary-file")
def check_term_file(context: PageContext) -> Iterator[Problem]:
    """A term file defines exactly one term, and defines it."""
    page, shown = context.page, context.shown
    terms = definitions(page, shown)
    if not terms:
        where = next((d.line for d in page.directives if d.name == "glossary"), 1)
        yield Problem(
            shown, where,
            "defines no term; a glossary file holds one {glossary} directive whose first "
            "line is the term and whose indented lines define it",
            "glossary-file",
        )
    elif len(terms) > 1:
        named = ", ".join(t.term for t in terms)
        yield Problem(
            shown, terms[1].line,
            f"defines {len(terms)} terms ({named}); a glossary file defines one term: "
            "give each of the others its own file",
            "glossary-file",
        )
    for entry in page.glossary:
        if not any(line.strip() for line in entry.definition):
            term, line = entry.terms[-1]
            yield Problem(
                shown, line,
                f"the term {term} has no definition; write it on the next lines, indented "
                "three spaces, starting with a one-sentence definition",
                "term-no-definition",
            )


@rule("term-duplicate", "a term defined in more than one glossary file", "keep one definition and link to it",
      scope="edition")
def check_duplicates(context: EditionContext) -> Iterator[Problem]:
    """A term is defined in one file only; each place that defines it again is named."""
    terms, checked = context.terms, {shown for _, shown, _ in context.checked}
    by_key: dict[str, list[TermDefinition]] = {}
    for term in terms:
        by_key.setdefault(term.key, []).append(term)
    for same in by_key.values():
        files = {term.path for term in same}
        if len(files) < 2:
            continue
        for term in same:
            if term.path not in checked:
                continue
            others = ", ".join(f"{o.path}:{o.line}" for o in same if o.path != term.path)
            yield Problem(
                term.path, term.line,
                f"the term {term.term} is also defined in {others}; define each term once "
                "and link to it with {term}",
                "term-duplicate",
            )


@rule("term-unknown", "a `{term}` that names no term of the glossary",
      "fix the spelling, or add the term to the glossary")
def check_term_references(context: PageContext) -> Iterator[Problem]:
    """Every ``{term}`` names a term of the glossary."""
    terms = context.terms
    for reference in context.page.term_references:
        if reference.key in terms:
            continue
        close = difflib.get_close_matches(reference.key, sorted(terms), n=1, cutoff=0.6)
        hint = f"did you mean {terms[close[0]].term}? Otherwise add" if close else "add"
        yield Problem(
            context.shown, reference.line,
            f"{{term}} points at {reference.target}, which the glossary does not define; {hint} a file "
            "glossary/<term>.md defining it, or write the text without {term}",
            "term-unknown",
        )


# -- The form of a glossary entry -----------------------------------------------------


@dataclass(frozen=True)
class EntryParagraph:
    """A paragraph of a definition: its text with white space collapsed, and its lines."""

    text: str
    first: int
    last: int


def entry_paragraphs(entry: GlossaryEntry) -> list[EntryParagraph]:
    """The paragraphs of a glossary entry's definition, with their lines."""
    found: list[EntryParagraph] = []
    lines: list[tuple[int, str]] = []
    for number, text in [*enumerate(entry.definition, start=entry.definition_line), (0, "")]:
        if text.strip():
            lines.append((number, text))
        elif lines:
            found.append(EntryParagraph(" ".join(" ".join(t for _, t in lines).split()), lines[0][0], lines[-1][0]))
            lines = []
    return found


def page_title(page: ParsedPage) -> tuple[str, int] | None:
    """The page's title (its first ``#`` heading) and its line."""
    for index, item in enumerate(page.blocks[:-1]):
        if item.depth == 0 and item.token.type == "heading_open" and item.token.tag == "h1":
            return page.blocks[index + 1].token.content.strip(), item.line
    return None


@rule("glossary-heading", "a term file whose title (`# ...`) is not its term", "title the page with the term itself",
      scope="glossary-file")
@rule("term-definition-sentence", "a definition that is not one sentence ending with a full stop, or that "
      "cites or links a term", "define the term in one plain sentence; put sources and links in the note after it",
      scope="glossary-file")
@rule("term-note-uncited", "a term without a note after its definition, or whose note cites no source",
      "add a paragraph that says more and cites its source with `` {cite:p}`key` ``", scope="glossary-file")
@rule("term-see-also", "a term whose entry does not end with a `**See also:**` line linking related terms",
      "end the entry with `` **See also:** {term}`Other Term`. ``", scope="glossary-file")
def check_entry_form(context: PageContext) -> Iterator[Problem]:
    """A term file's one entry: a one-sentence definition, a cited note, a See also line."""
    page, shown = context.page, context.shown
    if len(page.glossary) != 1 or len(page.glossary[0].terms) != 1:
        return  # glossary-file reports it
    entry = page.glossary[0]
    term, term_line = entry.terms[0]
    paragraphs = entry_paragraphs(entry)
    if not paragraphs:
        return  # term-no-definition reports it
    heading = page_title(page)
    if heading is not None and heading[0] != term:
        yield Problem(
            shown, heading[1],
            f"the page is titled {heading[0]} but defines {term}; title it # {term}",
            "glossary-heading",
        )
    definition, *rest = paragraphs
    roles = {
        item.token.meta.get("name", "") for item in page.roles()
        if definition.first <= item.line <= definition.last
    }
    if not definition.text.endswith(".") or SENTENCE_BREAK.search(definition.text):
        yield Problem(
            shown, definition.first,
            f"the definition of {term} is not one sentence ending with a full stop; define it in one "
            "sentence and say more in the note that follows",
            "term-definition-sentence",
        )
    if any(name == "term" or name == "cite" or name.startswith("cite:") for name in roles):
        yield Problem(
            shown, definition.first,
            f"the definition of {term} cites a source or links a term; keep the definition plain (it is "
            "shown as the link title) and put sources and links in the note",
            "term-definition-sentence",
        )
    see_also = rest[-1] if rest and rest[-1].text.startswith(SEE_ALSO) else None
    notes = rest[:-1] if see_also else rest
    cited = [
        citation for citation in page.citations
        if any(note.first <= citation.line <= note.last for note in notes)
    ]
    if not notes or not cited:
        yield Problem(
            shown, notes[0].first if notes else definition.last,
            f"the entry {term} has {'a note that cites no source' if notes else 'no note after its definition'}; "
            "write a paragraph after the definition that cites its source with {cite:p}`key`",
            "term-note-uncited",
        )
    linked = see_also and any(
        see_also.first <= reference.line <= see_also.last for reference in page.term_references
    )
    if not linked:
        where = see_also.first if see_also else (rest[-1].first if rest else term_line)
        yield Problem(
            shown, where,
            f"the entry {term} does not end with a See also line linking a related term; end it with "
            "**See also:** {term}`Other Term`.",
            "term-see-also",
        )


# -- Term links in the article ---------------------------------------------------------


def _body_text(page: ParsedPage) -> list[Located]:
    """The inline tokens of the page's own paragraphs, outside annotations, in order."""
    found: list[Located] = []
    blocks = page.blocks
    for index, item in enumerate(blocks):
        if (
            item.token.type == "inline" and item.depth == 0 and item.footnote is None
            and index and blocks[index - 1].token.type == "paragraph_open"
        ):
            found += inline_children(item)
    return found


@rule("term-first-use", "on a page of the article, a term linked with `{term}` after it was already used "
      "without a link", "move the `{term}` link to the first use of the term on the page")
def check_first_use(context: PageContext) -> Iterator[Problem]:
    """On a page of the article, a linked term is linked where the page first uses it."""
    if not context.page.paragraphs:
        return
    before = ""
    reported: set[str] = set()
    for item in _body_text(context.page):
        token = item.token
        if token.type == "myst_role" and token.meta.get("name") == "term":
            shown, key = role_text(token.content), term_key(role_target(token.content))
            if key in context.terms and key not in reported:
                earlier = re.search(r"(?<![\w-])" + re.escape(shown) + r"(?![\w-])", before)
                if earlier:
                    reported.add(key)
                    yield Problem(
                        context.shown, item.line,
                        f"{{term}}`{token.content}` links {shown}, which the page already used without a "
                        "link; link its first use instead and write this one as plain text",
                        "term-first-use",
                    )
            continue
        if token.type in ("text", "code_inline"):
            before += token.content
        elif token.type in ("softbreak", "hardbreak"):
            before += " "


@rule("term-unlinked", "a glossary term that no paragraph of the article links with `{term}`",
      "link the term's first use in the article: `` {term}`Term` ``", scope="edition")
def check_terms_linked(context: EditionContext) -> Iterator[Problem]:
    """Every term of a term file is linked from a paragraph of the article (whole edition only).

    Terms defined elsewhere (the benchmark's copies in glossary/v002/ ...)
    are not the glossary's own.
    """
    if not context.whole:
        return
    linked = {
        term_key(role_target(item.token.content))
        for _, _, page in context.every for paragraph in page.paragraphs for item in paragraph.children
        if item.token.type == "myst_role" and item.token.meta.get("name") == "term"
    }
    checked = {shown for _, shown, _ in context.checked}
    for term in context.terms:
        own = context.edition.is_term_file(context.root / term.path)
        if own and term.path in checked and term.key not in linked:
            yield Problem(
                term.path, term.line,
                f"no paragraph of the article links the term {term.term}; link its first use with "
                f"{{term}}`{term.term}`",
                "term-unlinked",
            )

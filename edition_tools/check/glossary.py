"""Rules for the glossary: one term per file, every ``{term}`` defined.

The contract of the glossary: every ``glossary/*.md`` except
``glossary/index.md`` defines exactly one term, with a ``{glossary}``
directive (backtick or colon fence) whose first line of content, after its
options, is the term, followed by its definition, indented::

    :::{glossary}
    Moscow Format
       A series of consultations on Afghanistan hosted by Russia since 2017 ...
    :::

Terms are matched without regard to case, as Sphinx matches them, so
``{term}`moscow format``` and ``{term}`the talks <Moscow Format>``` both
resolve.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from edition_tools.core.pages import ParsedPage
from edition_tools.core.problems import Problem

#: ``text <target>``: a role with an explicit target.
ROLE_WITH_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


@dataclass(frozen=True)
class TermDefinition:
    """A term as a glossary page defines it."""

    term: str
    path: str
    line: int

    @property
    def key(self) -> str:
        return normalise_term(self.term)


def normalise_term(term: str) -> str:
    """The form in which Sphinx compares terms: white space collapsed, lower case."""
    return " ".join(term.split()).lower()


def term_target(content: str) -> str:
    """The term a ``{term}`` role points at."""
    match = ROLE_WITH_TARGET.match(content)
    return match.group("target") if match else content


def definitions(page: ParsedPage, shown: str) -> list[TermDefinition]:
    """Every term the page defines."""
    return [
        TermDefinition(term, shown, line)
        for entry in page.glossary
        for term, line in entry.terms
    ]


def check_term_file(page: ParsedPage, shown: str) -> Iterator[Problem]:
    """A term file defines exactly one term, and defines it."""
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


def check_duplicates(terms: Iterable[TermDefinition], checked: set[str]) -> Iterator[Problem]:
    """A term is defined in one file only; each place that defines it again is named."""
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


def check_term_references(page: ParsedPage, shown: str, terms: dict[str, TermDefinition]) -> Iterator[Problem]:
    """Every ``{term}`` names a term of the glossary."""
    for role in page.roles("term"):
        target = term_target(role.token.content)
        if normalise_term(target) in terms:
            continue
        close = difflib.get_close_matches(normalise_term(target), sorted(terms), n=1, cutoff=0.6)
        hint = f"did you mean {terms[close[0]].term}? Otherwise add" if close else "add"
        yield Problem(
            shown, role.line,
            f"{{term}} points at {target}, which the glossary does not define; {hint} a file "
            "glossary/<term>.md defining it, or write the text without {term}",
            "term-unknown",
        )

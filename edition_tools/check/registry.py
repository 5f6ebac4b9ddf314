"""The rulebook: every rule is registered where it is written.

A rule is a function decorated with :func:`rule`, which names the rule and
says what it reports; a function that reports several closely related
problems carries one decorator per rule name. The runner
(:mod:`edition_tools.check.run`) runs the registered functions of each
scope, and refuses a problem whose rule its function did not declare, so the
registry cannot drift from the code. CONTRIBUTING.md's rule table is
generated from :data:`RULES` (``python -m edition_tools.check.registry``
prints it) and a test keeps the two equal.

Rule names are a contract with contributors and tools: the export
(``make annotations``) reports its problems under these names, and the
checks of the built site (``tests/support/built_references.py``) under the
``built`` names declared at the end of this module.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from edition_tools.core.problems import Problem

#: What a rule's function is given, by scope.
SCOPES = {
    "file": "every file, as it is read (edition_tools.check.files)",
    "page": "each Markdown page (a PageContext)",
    "glossary-file": "each term file of glossary/ (a PageContext)",
    "bibliography": "each .bib file (a BibliographyContext)",
    "edition": "the pages checked together (an EditionContext)",
    "built": "the built site, checked by the tests (tests/support/built_references.py)",
}


@dataclass(frozen=True)
class Rule:
    """A rule of the rulebook: its name, what it reports, and the function reporting it."""

    name: str
    description: str
    scope: str
    function: Callable | None
    #: The fix, as CONTRIBUTING's table gives it.
    remedy: str


#: Every rule, by name, in the order it was registered.
RULES: dict[str, Rule] = {}
#: Each scope's functions, in registration order.
_FUNCTIONS: dict[str, dict[Callable, None]] = {scope: {} for scope in SCOPES}


def rule(name: str, description: str, remedy: str, *, scope: str = "page") -> Callable[[Callable], Callable]:
    """Register the decorated function as the one that reports ``name``."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r} for rule {name}")

    def register(function: Callable) -> Callable:
        if name in RULES:
            raise ValueError(f"the rule {name} is registered twice")
        RULES[name] = Rule(name, description, scope, function, remedy)
        _FUNCTIONS[scope][function] = None
        function.rule_names = (*getattr(function, "rule_names", ()), name)
        return function

    return register


def declare(name: str, description: str, remedy: str, *, scope: str) -> None:
    """Declare a rule whose reporting function lives outside the validator (``built``)."""
    if name in RULES:
        raise ValueError(f"the rule {name} is registered twice")
    RULES[name] = Rule(name, description, scope, None, remedy)


def functions(scope: str) -> list[Callable]:
    """The registered functions of ``scope``, in registration order."""
    return list(_FUNCTIONS[scope])


def run(function: Callable, *arguments: object) -> list[Problem]:
    """Run a rule function; a problem under a rule it did not declare is a bug, not a finding."""
    problems = list(function(*arguments))
    declared = getattr(function, "rule_names", ())
    for problem in problems:
        if problem.rule not in declared:
            raise AssertionError(f"{function.__qualname__} reported {problem.rule!r}, not among {declared}")
    return problems


#: The order of CONTRIBUTING's table: annotations first, reading a file last.
_TABLE_ORDER = (
    "annotations", "receipts", "cover", "bibliography", "unsafe_content", "links", "run", "glossary", "events", "files",
)


def rule_table() -> str:
    """The Markdown table of CONTRIBUTING.md's rule section, one row a rule."""
    rows = ["| Rule | What it reports | What to do |", "| --- | --- | --- |"]
    functions = list(dict.fromkeys(item.function for item in RULES.values() if item.function is not None))

    def place(item: Rule) -> tuple[int, int, int]:
        # Stacked decorators run from the bottom up: the top one is read first.
        names = item.function.rule_names
        module = item.function.__module__.rsplit(".", 1)[1]
        return _TABLE_ORDER.index(module), functions.index(item.function), len(names) - names.index(item.name)

    shown = sorted((item for item in RULES.values() if item.function is not None), key=place)
    rows += [f"| `{item.name}` | {item.description} | {item.remedy} |" for item in shown]
    return "\n".join(rows) + "\n"


def load() -> dict[str, Rule]:
    """Import every rule module, so that every rule is registered; return :data:`RULES`."""
    from edition_tools.check import (  # noqa: F401
        annotations,
        bibliography,
        cover,
        events,
        files,
        glossary,
        links,
        receipts,
        run,
        unsafe_content,
    )

    return RULES


# -- Rules of the built site ---------------------------------------------------------
# Their checks need a build and live with the tests; their names are declared
# here so that every rule name of the edition is in one place.

declare("note-reference", "a marker that does not point to its note on the same page", "", scope="built")
declare("note-backlink", "a note without exactly one back-link to its marker", "", scope="built")
declare("note-unreferenced", "a note without exactly one marker", "", scope="built")
declare("citation-entry", "a citation that does not land on a bibliography entry", "", scope="built")
declare("term-definition", "a term link that does not land on the term's definition", "", scope="built")
declare("duplicate-id", "an id used twice on a page", "", scope="built")
declare("paragraph-anchor", "an article paragraph's anchor missing or used twice across the site", "", scope="built")


if __name__ == "__main__":
    # Run as a script this module is __main__; the rules register in the imported one.
    from edition_tools.check import registry

    registry.load()
    sys.stdout.write(registry.rule_table())

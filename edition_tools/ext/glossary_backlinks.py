"""The glossary: "Appears in" lists, the list of all terms, and link titles.

Each file in ``glossary/`` defines one term with Sphinx's ``glossary``
directive: the term on the first line, then, indented, a one-sentence
definition, a note and a "See also" line. Other spellings under which the
article names the term are listed in the file's front matter::

    ---
    aliases: [Islamic State in Khorasan Province]
    ---

This extension then

* appends to every glossary entry an **"Appears in"** list that links to each
  article paragraph (``¶N``, anchor ``#pN``) using the term: a paragraph uses
  it if it links to it with ``{term}`` or if its text contains the term or
  one of its aliases (see :mod:`edition_tools.ext.name_matching`);
* fills the ``{glossary-entries}`` directive with every term, in alphabetical
  order, each with its definition;
* gives every ``{term}`` link the term's definition as its ``title``, so that a
  preview can show it without fetching anything.

Terms and paragraphs are collected while each page is read and kept on the
build environment (purged and merged per page, so that parallel and
incremental builds agree); the lists are written when pages are resolved,
once every page has been read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from edition_tools.core.conventions import term_key
from edition_tools.ext import extension
from edition_tools.ext.build_state import altered_pages, connect_state, state_accessor
from edition_tools.ext.name_matching import article_paragraphs, name_pattern, normalise, paragraph_text

logger = logging.getLogger(__name__)

#: Front-matter field listing other spellings of a glossary file's term.
ALIASES_FIELD = "aliases"



@dataclass(frozen=True)
class Term:
    """A glossary entry as read from its page."""

    name: str
    docname: str
    node_id: str
    #: The entry's first paragraph: its one-sentence definition.
    definition: str
    #: Every spelling that counts as a use of the term in the article.
    names: tuple[str, ...]
    #: Keys of the entry's term lines, which ``{term}`` links resolve to.
    keys: frozenset[str]

    @property
    def sort_key(self) -> str:
        return normalise(self.name).lstrip("\"'").casefold()


@dataclass(frozen=True)
class ArticleParagraph:
    """An article paragraph (``(pN)=``) with what a reader sees of it."""

    docname: str
    number: int
    text: str
    #: Keys of the terms it links to with ``{term}``.
    term_refs: frozenset[str]


@dataclass
class GlossaryState:
    """What the glossary needs to know about every page, kept on the environment."""

    terms: dict[str, list[Term]] = field(default_factory=dict)
    paragraphs: dict[str, list[ArticleParagraph]] = field(default_factory=dict)
    #: Pages whose output depends on other pages (they hold generated lists).
    dynamic_docs: set[str] = field(default_factory=set)
    #: Pages with ``{term}`` links, whose titles come from the glossary.
    term_ref_docs: set[str] = field(default_factory=set)
    #: Pages read or removed in the current build (not meaningful afterwards).
    changed: set[str] = field(default_factory=set)
    #: Their contributions before this build re-read them (see build_state).
    previous: dict[str, object] = field(default_factory=dict)

    def contribution(self, docname: str) -> object:
        return (tuple(self.terms.get(docname, ())), tuple(self.paragraphs.get(docname, ())))

    def purge(self, docname: str) -> None:
        self.terms.pop(docname, None)
        self.paragraphs.pop(docname, None)
        self.dynamic_docs.discard(docname)
        self.term_ref_docs.discard(docname)

    def merge(self, docnames: Set[str], other: GlossaryState) -> None:
        for docname in docnames:
            if docname in other.terms:
                self.terms[docname] = other.terms[docname]
            if docname in other.paragraphs:
                self.paragraphs[docname] = other.paragraphs[docname]
        self.dynamic_docs |= other.dynamic_docs & docnames
        self.term_ref_docs |= other.term_ref_docs & docnames

    def all_terms(self) -> list[Term]:
        """Every term, in alphabetical order."""
        return sorted((t for terms in self.terms.values() for t in terms), key=lambda t: (t.sort_key, t.docname))

    def all_paragraphs(self) -> list[ArticleParagraph]:
        """Every article paragraph, in reading order."""
        return sorted((p for ps in self.paragraphs.values() for p in ps), key=lambda p: (p.number, p.docname))


#: The state on the build environment, created on first use.
glossary_state = state_accessor("edition_glossary", GlossaryState)


def uses_term(paragraph: ArticleParagraph, term: Term, pattern: re.Pattern[str] | None) -> bool:
    """Whether ``paragraph`` links to ``term`` or names it in its text."""
    if paragraph.term_refs & term.keys:
        return True
    return bool(pattern and pattern.search(paragraph.text))


def appearances(state: GlossaryState) -> dict[tuple[str, str], list[ArticleParagraph]]:
    """Map each term, by ``(docname, node id)``, to the paragraphs that use it."""
    paragraphs = state.all_paragraphs()
    found: dict[tuple[str, str], list[ArticleParagraph]] = {}
    for term in state.all_terms():
        pattern = name_pattern(term.names)
        found[(term.docname, term.node_id)] = [p for p in paragraphs if uses_term(p, term, pattern)]
    return found


#: The builder's attribute that holds :func:`appearances` for the pages being written.
_APPEARANCES = "_edition_glossary_appearances"


def appearances_of_this_build(builder: Any, state: GlossaryState) -> dict[tuple[str, str], list[ArticleParagraph]]:
    """:func:`appearances`, worked out once per build rather than once per glossary page.

    Every glossary page asks for the same map (each term's pattern searched
    in every paragraph); the state no longer changes once the pages are read,
    and :func:`forget_appearances` drops the map when they are read again.
    """
    found = getattr(builder, _APPEARANCES, None)
    if found is None:
        found = appearances(state)
        setattr(builder, _APPEARANCES, found)
    return found


def forget_appearances(app: Sphinx, env: Any) -> None:
    """``env-updated``: the pages were read again; work the map out afresh."""
    if hasattr(app.builder, _APPEARANCES):
        delattr(app.builder, _APPEARANCES)


# -- Nodes and directive --------------------------------------------------------


class appears_in(nodes.General, nodes.Element):
    """Placeholder for a glossary entry's "Appears in" list (filled when resolved)."""


class glossary_entries(nodes.General, nodes.Element):
    """Placeholder for the alphabetical list of all glossary entries."""


class GlossaryEntriesDirective(SphinxDirective):
    """``{glossary-entries}``: every term of the glossary, with its definition."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [glossary_entries()]


# -- Reading ------------------------------------------------------------------


def _aliases(env: BuildEnvironment, docname: str) -> list[str]:
    """Return the ``aliases`` listed in a page's front matter.

    MyST keeps a front-matter list as its JSON text in the page's metadata.
    """
    value = env.metadata.get(docname, {}).get(ALIASES_FIELD)
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        parsed = value
    if isinstance(parsed, str):
        return [parsed]
    return [str(item) for item in parsed]


def _read_terms(env: BuildEnvironment, docname: str, doctree: nodes.document) -> list[Term]:
    """Collect the page's glossary entries and give each an "Appears in" placeholder."""
    aliases = _aliases(env, docname)
    terms: list[Term] = []
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            term_nodes = [child for child in item.children if isinstance(child, nodes.term)]
            definition = next((c for c in item.children if isinstance(c, nodes.definition)), None)
            if not term_nodes or definition is None:
                continue
            names = [t.astext() for t in term_nodes]
            first = definition.children[0] if definition.children else None
            if not isinstance(first, nodes.paragraph):
                logger.warning(
                    "glossary entry %r has no definition: its first indented line must be a "
                    "one-sentence definition",
                    names[0],
                    location=term_nodes[0],
                    type="edition",
                    subtype="glossary",
                )
                text = ""
            else:
                text = " ".join(first.astext().split())
            definition += appears_in(term=term_key(names[0]))
            terms.append(
                Term(
                    name=names[0],
                    docname=docname,
                    node_id=term_nodes[0]["ids"][0],
                    definition=text,
                    names=tuple(names + aliases),
                    keys=frozenset(term_key(name) for name in names),
                )
            )
    return terms


def _read_paragraphs(docname: str, doctree: nodes.document) -> list[ArticleParagraph]:
    """Collect the page's article paragraphs and the terms each links to."""
    found = []
    for number, paragraph in article_paragraphs(doctree):
        refs = frozenset(
            term_key(xref["reftarget"])
            for xref in paragraph.findall(addnodes.pending_xref)
            if xref.get("refdomain") == "std" and xref.get("reftype") == "term"
        )
        found.append(ArticleParagraph(docname, number, paragraph_text(paragraph), refs))
    return found


def collect(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: record the page's terms, article paragraphs and term links."""
    env = app.env
    docname = env.docname
    state = glossary_state(env)
    terms = _read_terms(env, docname, doctree)
    if terms:
        state.terms[docname] = terms
    paragraphs = _read_paragraphs(docname, doctree)
    if paragraphs:
        state.paragraphs[docname] = paragraphs
    if any(doctree.findall(appears_in)) or any(doctree.findall(glossary_entries)):
        state.dynamic_docs.add(docname)
    if any(
        x.get("refdomain") == "std" and x.get("reftype") == "term" for x in doctree.findall(addnodes.pending_xref)
    ):
        state.term_ref_docs.add(docname)


# -- Keeping the state right across builds --------------------------------------


def dependent_docs(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: pages to write again because other pages changed.

    An "Appears in" list changes when an article page does, and a term link's
    title when a glossary page does; neither page is re-read for that, only
    written again.
    """
    state = glossary_state(env)
    altered = altered_pages(state)
    if not altered:
        return []  # e.g. only an annotation's wording changed
    pages = set(state.dynamic_docs)
    if any(state.previous.get(doc, ((), ()))[0] != state.contribution(doc)[0] for doc in altered):
        pages |= state.term_ref_docs  # a term or its definition changed
    return sorted(pages - state.changed)


# -- Resolving ----------------------------------------------------------------


class MarkTermReferences(SphinxPostTransform):
    """Tag the text of each ``{term}`` link with its term, before links are resolved."""

    default_priority = 5  # before sphinx's ReferencesResolver (10)

    def run(self, **kwargs: Any) -> None:
        for xref in self.document.findall(addnodes.pending_xref):
            if xref.get("refdomain") == "std" and xref.get("reftype") == "term" and xref.children:
                xref.children[0]["edition_term"] = term_key(xref["reftarget"])


class FillGlossary(SphinxPostTransform):
    """Write the "Appears in" lists, the list of entries and the term link titles."""

    default_priority = 20  # after links are resolved

    def run(self, **kwargs: Any) -> None:
        state = glossary_state(self.env)
        terms = state.all_terms()
        by_key = {key: term for term in terms for key in term.keys}
        self._titles(by_key)
        placeholders = list(self.document.findall(appears_in))
        if placeholders:
            found = appearances_of_this_build(self.env._app.builder, state)
            for placeholder in placeholders:
                term = by_key.get(placeholder["term"])
                if term is None or term.docname != self.env.docname:
                    placeholder.replace_self([])
                    continue
                placeholder.replace_self(self._appears_in(found[(term.docname, term.node_id)]))
        for placeholder in list(self.document.findall(glossary_entries)):
            placeholder.replace_self(self._entries(terms))

    def _titles(self, by_key: dict[str, Term]) -> None:
        for reference in self.document.findall(nodes.reference):
            for child in reference.children:
                if isinstance(child, nodes.Element) and "edition_term" in child:
                    term = by_key.get(child["edition_term"])
                    if term is not None and term.definition:
                        reference["reftitle"] = term.definition
                        reference["classes"].append("glossary-term")

    def _link(self, docname: str, anchor: str, *children: nodes.Node) -> nodes.Element:
        return make_refnode(self.env._app.builder, self.env.docname, docname, anchor, list(children))

    def _appears_in(self, paragraphs: list[ArticleParagraph]) -> nodes.paragraph:
        result = nodes.paragraph(classes=["appears-in"])
        result += nodes.strong("", "Appears in:")
        result += nodes.Text(" ")
        if not paragraphs:
            result += nodes.Text("no paragraph of the article yet.")
            return result
        for index, paragraph in enumerate(paragraphs):
            if index:
                result += nodes.Text(", ")
            title = self.env.titles[paragraph.docname].astext() if paragraph.docname in self.env.titles else ""
            text = f"¶{paragraph.number} ({title})" if title else f"¶{paragraph.number}"
            result += self._link(paragraph.docname, f"p{paragraph.number}", nodes.Text(text))
        result += nodes.Text(".")
        return result

    def _entries(self, terms: list[Term]) -> nodes.bullet_list:
        result = nodes.bullet_list(classes=["glossary-entries"])
        for term in terms:
            paragraph = nodes.paragraph()
            paragraph += self._link(term.docname, term.node_id, nodes.strong("", term.name))
            if term.definition:
                paragraph += nodes.Text(f" — {term.definition}")
            result += nodes.list_item("", paragraph)
        return result


@extension
def setup(app: Sphinx) -> None:
    """Register the directive, the collectors and the post-transforms."""
    app.add_node(appears_in)
    app.add_node(glossary_entries)
    app.add_directive("glossary-entries", GlossaryEntriesDirective)
    connect_state(app, glossary_state)  # purge, merge and the pages each build reads
    app.connect("doctree-read", collect)
    app.connect("env-get-updated", dependent_docs)
    app.connect("env-updated", forget_appearances)
    app.add_post_transform(MarkTermReferences)
    app.add_post_transform(FillGlossary)

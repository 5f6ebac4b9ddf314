"""The citation index: every source, grouped, with links back to where it is cited.

sphinxcontrib-bibtex links a citation to its bibliography entry, but not an
entry back to the places that cite it on other pages. The ``{citation-index}``
directive lists every entry of ``sources/references.bib``, grouped by the
rules of ``sources/citation-groups.toml``, and follows each with links to
every annotation ("¶7, note *kabulov-envoy*") and glossary entry that cites
it, with their count. Each entry has the stable id ``cite-{key}`` on the
citation index page (the bibliography page uses the same ids for its own
entries; they are different pages).

How it works:

* while a page is read, every citation (a ``pending_xref`` of the ``cite``
  domain) is recorded with the place that holds it: the annotation (footnote)
  and the ¶ it annotates, the glossary entry, or else the page section;
* the records live on the build environment, purged and merged per page, so
  parallel and incremental builds give the same index;
* the page itself is re-read when the bibliography or the grouping file
  change, and written again whenever any page changes;
* the lists are filled when the page is resolved, once every page is read.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pybtex_docutils
from docutils import nodes
from pybtex.plugin import find_plugin
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode
from sphinxcontrib.bibtex.citation_target import parse_citation_targets
from sphinxcontrib.bibtex.nodes import raw_latex

from edition_tools.core.data_files import read_toml
from edition_tools.ext import extension
from edition_tools.ext.bibliography_style import short_source
from edition_tools.ext.build_state import altered_pages, connect_state, state_accessor
from edition_tools.ext.margin_notes import note_id
from edition_tools.ext.paragraph_numbers import paragraph_number

logger = logging.getLogger(__name__)

#: The grouping rules, relative to the source folder (config ``edition_citation_groups``).
DEFAULT_GROUPS_FILE = "sources/citation-groups.toml"


@dataclass(frozen=True)
class CitingPlace:
    """A place of the edition that cites a source."""

    key: str
    docname: str
    #: ``note`` (an annotation), ``term`` (a glossary entry) or ``page``.
    kind: str
    #: The annotation's label, the term, or the section's title.
    label: str
    #: The ¶ an annotation belongs to, if any.
    paragraph: int | None
    #: Where a link lands in HTML, and in formats without margin notes.
    anchor: str
    fallback_anchor: str

    @property
    def order(self) -> tuple:
        rank = {"note": 0, "term": 1, "page": 2}[self.kind]
        return (rank, self.paragraph or 0, self.docname, self.label.casefold())


@dataclass(frozen=True)
class Group:
    """A group of the citation index, as the grouping file defines it."""

    id: str
    title: str
    description: str
    organizations: tuple[str, ...]
    keys: tuple[str, ...]
    default: bool


@dataclass
class CitationState:
    """Every citing place of every page, kept on the environment."""

    places: dict[str, list[CitingPlace]] = field(default_factory=dict)
    index_docs: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    #: Their citing places before this build re-read them (see build_state).
    previous: dict[str, object] = field(default_factory=dict)

    def contribution(self, docname: str) -> object:
        return tuple(self.places.get(docname, ()))

    def purge(self, docname: str) -> None:
        self.places.pop(docname, None)
        self.index_docs.discard(docname)

    def merge(self, docnames: Set[str], other: CitationState) -> None:
        for docname in docnames:
            if docname in other.places:
                self.places[docname] = other.places[docname]
        self.index_docs |= other.index_docs & docnames

    def by_key(self) -> dict[str, list[CitingPlace]]:
        """Each cited key with its distinct citing places, in reading order."""
        found: dict[str, set[CitingPlace]] = {}
        for places in self.places.values():
            for place in places:
                found.setdefault(place.key, set()).add(place)
        return {key: sorted(places, key=lambda p: p.order) for key, places in found.items()}


#: The state on the build environment, created on first use.
citation_state = state_accessor("edition_citations", CitationState)


# -- Grouping -----------------------------------------------------------------


def load_groups(path: Path) -> list[Group]:
    """Read the grouping rules; raise ``ValueError`` naming the file if malformed."""
    data = read_toml(path)
    groups = []
    for number, raw in enumerate(data.get("group", []), start=1):
        if not raw.get("id") or not raw.get("title"):
            raise ValueError(f"{path}: group {number} needs an id and a title")
        groups.append(
            Group(
                id=raw["id"],
                title=raw["title"],
                description=raw.get("description", ""),
                organizations=tuple(raw.get("organizations", [])),
                keys=tuple(raw.get("keys", [])),
                default=bool(raw.get("default", False)),
            )
        )
    if sum(group.default for group in groups) != 1:
        raise ValueError(f"{path}: exactly one group must say default = true")
    return groups


def group_of(key: str, organization: str, groups: list[Group]) -> Group:
    """Return the group of an entry: by its key, else by its outlet, else the default."""
    for group in groups:
        if key in group.keys:
            return group
    for group in groups:
        if any(pattern.casefold() in organization.casefold() for pattern in group.organizations):
            return group
    return next(group for group in groups if group.default)


# -- Reading ------------------------------------------------------------------


class citation_list(nodes.General, nodes.Element):
    """Placeholder for the entries of one group (filled when resolved)."""


def _ancestor(node: nodes.Node, kind: type) -> nodes.Element | None:
    while node is not None and not isinstance(node, kind):
        node = node.parent
    return node


def _place(node: addnodes.pending_xref, key: str, docname: str, markers: dict[str, nodes.Node]) -> CitingPlace:
    """Return the place of the edition that holds the citation ``node``."""
    note = _ancestor(node, nodes.footnote)
    if note is not None:
        label = note["names"][0] if note["names"] else note["ids"][0]
        marker = markers.get(note["ids"][0]) if note["ids"] else None
        number = None
        while marker is not None and number is None:
            number = paragraph_number(marker) if isinstance(marker, nodes.Element) else None
            marker = marker.parent
        fallback = f"p{number}" if number else note["ids"][0]
        return CitingPlace(key, docname, "note", label, number, note_id(label), fallback)
    item = _ancestor(node, nodes.definition_list_item)
    if item is not None and _ancestor(item, addnodes.glossary) is not None:
        term = next(child for child in item.children if isinstance(child, nodes.term))
        return CitingPlace(key, docname, "term", term.astext(), None, term["ids"][0], term["ids"][0])
    section = _ancestor(node, nodes.section)
    title = section[0].astext() if section is not None and isinstance(section[0], nodes.title) else docname
    anchor = section["ids"][0] if section is not None and section["ids"] else ""
    return CitingPlace(key, docname, "page", title, None, anchor, anchor)


def collect(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: record every citation of the page with its place."""
    state = citation_state(app.env)
    docname = app.env.docname
    markers = {ref["refid"]: ref for ref in doctree.findall(nodes.footnote_reference) if ref.get("refid")}
    places = []
    for xref in doctree.findall(addnodes.pending_xref):
        if xref.get("refdomain") != "cite":
            continue
        for target in parse_citation_targets(xref["reftarget"]):
            places.append(_place(xref, target.key, docname, markers))
    if places:
        state.places[docname] = places
    if any(doctree.findall(citation_list)):
        state.index_docs.add(docname)


class CitationIndexDirective(SphinxDirective):
    """``{citation-index}``: one section per group, each listing its sources."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir, self.config.edition_citation_groups)
        self.env.note_dependency(str(path))
        for bibfile in self.env.get_domain("cite").bibdata.bibfiles:
            self.env.note_dependency(str(bibfile))
        try:
            groups = load_groups(path)
        except ValueError as error:
            logger.warning("%s", error, location=self.get_location(), type="edition", subtype="citation_index")
            return []
        entries = self.env.get_domain("cite").bibdata.data.entries
        known = set(entries)
        for group in groups:
            for key in sorted(set(group.keys) - known):
                logger.warning(
                    "%s: group %r lists %r, which is not in the bibliography; remove it or fix the key",
                    self.config.edition_citation_groups,
                    group.id,
                    key,
                    location=self.get_location(),
                    type="edition",
                    subtype="citation_index",
                )
        members: dict[str, list[str]] = {group.id: [] for group in groups}
        for key, entry in entries.items():
            members[group_of(key, entry.fields.get("organization", ""), groups).id].append(key)
        result: list[nodes.Node] = []
        for group in groups:
            keys = sorted(
                members[group.id],
                key=lambda k: (short_source(entries[k]).casefold(), entries[k].fields.get("date", ""), k),
            )
            if not keys:
                continue
            section = nodes.section(ids=[f"sources-{group.id}"], names=[nodes.fully_normalize_name(group.title)])
            section += nodes.title("", group.title)
            if group.description:
                section += nodes.paragraph("", group.description)
            section += citation_list(keys=keys)
            result.append(section)
        return result


# -- Keeping the state right across builds --------------------------------------


def dependent_docs(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: write the citation index again when a page's citations changed."""
    state = citation_state(env)
    return sorted(state.index_docs - state.changed) if altered_pages(state) else []


# -- Resolving ----------------------------------------------------------------


class FillCitationIndex(SphinxPostTransform):
    """Write each group's entries with their backlinks."""

    default_priority = 20  # after links (and citations) are resolved

    def run(self, **kwargs: Any) -> None:
        placeholders = list(self.document.findall(citation_list))
        if not placeholders:
            return
        domain = self.env.get_domain("cite")
        entries = domain.bibdata.data.entries
        listed = {
            c.key: c
            for c in domain.citations
            if domain.bibliographies[c.bibliography_key].list_ == "citation"
        }
        #: Keys whose bibliography entry was formatted in this index's style.
        self._same_style = {
            key for key, c in listed.items()
            if domain.bibliographies[c.bibliography_key].style == self.config.bibtex_default_style
        }
        style = find_plugin("pybtex.style.formatting", self.config.bibtex_default_style)()
        backend = pybtex_docutils.Backend()
        places = citation_state(self.env).by_key()
        for placeholder in placeholders:
            items = nodes.bullet_list(classes=["citation-index"])
            for key in placeholder["keys"]:
                if key in entries:
                    items += self._entry(key, entries[key], listed.get(key), places.get(key, []), style, backend)
            # In a container of its own: Sphinx's LaTeX writer turns its class
            # into the environment sphinxclasscitation-index, which the
            # preamble in conf.py uses to keep each entry on one page.
            placeholder.replace_self(nodes.container("", items, classes=["citation-index"]))

    def _link(self, docname: str, anchor: str, *children: nodes.Node) -> nodes.Element:
        return make_refnode(self.env._app.builder, self.env.docname, docname, anchor, list(children))

    def _citation_link(self, docname: str, citation_id: str, label: nodes.Node) -> nodes.Element:
        """Link ``label`` to its bibliography entry.

        In LaTeX a bibliography entry is a ``\\bibitem``, which defines the
        hypertarget ``cite.{docname}:{id}`` and no label for ``\\hyperref``:
        link to that target, as sphinxcontrib-bibtex's own citations do.
        """
        if self.env._app.builder.name != "latex":
            return self._link(docname, citation_id, label)
        return nodes.inline(
            "", "",
            raw_latex(f"\\hyperlink{{cite.{docname}:{citation_id}}}{{"),
            label,
            raw_latex("}"),
        )

    def _entry(self, key, entry, citation, places, style, backend) -> nodes.list_item:
        item = nodes.list_item(ids=[f"cite-{key}"], classes=["citation-index-entry"])
        text = nodes.paragraph(classes=["citation-index-source"])
        if citation is not None:
            label = nodes.inline("", f"[{citation.formatted_entry.label}]", classes=["citation-label"])
            text += self._citation_link(citation.bibliography_key.docname, citation.citation_id, label)
            text += nodes.Text(" ")
        # The text sphinxcontrib-bibtex formatted for the bibliography, in
        # the same style: formatting it again cost as much as the bibliography.
        formatted = citation.formatted_entry if key in self._same_style else style.format_entry("", entry)
        text.extend(formatted.text.render(backend))
        item += text
        item += self._backlinks(places)
        return item

    def _backlinks(self, places: list[CitingPlace]) -> nodes.paragraph:
        result = nodes.paragraph(classes=["citation-backlinks"])
        if not places:
            result += nodes.Text("Not cited in the edition.")
            return result
        count = len(places)
        result += nodes.Text("Cited in ")
        result += nodes.inline("", str(count), classes=["citation-count"])
        result += nodes.Text(f" place{'s' if count != 1 else ''}: ")
        html = self.env._app.builder.format == "html"
        for index, place in enumerate(places):
            if index:
                result += nodes.Text("; ")
            if place.kind == "note":
                where = [
                    nodes.Text(f"¶{place.paragraph}, note " if place.paragraph else "note "),
                    nodes.emphasis("", place.label),
                ]
            elif place.kind == "term":
                where = [nodes.Text("glossary, "), nodes.emphasis("", place.label)]
            else:
                where = [nodes.emphasis("", place.label)]
            anchor = place.anchor if html else place.fallback_anchor
            link = self._link(place.docname, anchor, *where)
            link["classes"].append("citation-backlink")
            result += link
        result += nodes.Text(".")
        return result


@extension
def setup(app: Sphinx) -> None:
    """Register the directive, the collectors and the post-transform."""
    app.add_config_value("edition_citation_groups", DEFAULT_GROUPS_FILE, "env", types=frozenset({str}))
    app.add_node(citation_list)
    app.add_directive("citation-index", CitationIndexDirective)
    connect_state(app, citation_state)  # purge, merge and the pages each build reads
    app.connect("doctree-read", collect)
    app.connect("env-get-updated", dependent_docs)
    app.add_post_transform(FillCitationIndex)

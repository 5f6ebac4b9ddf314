"""sphinxcontrib-bibtex's citation domain, with its lookups by key made once.

sphinxcontrib-bibtex (2.7) answers three questions by scanning a whole list
each time it asks them:

* which pages cite an entry: every citation reference, for every entry of
  every bibliography (``get_filtered_entries``);
* in which order the pages come: ``list.index`` of the page, for every
  citation reference (``get_all_cited_keys``);
* which bibliography entry a citation points to: every formatted citation,
  for every citation of every page (``resolve_xref``).

Each is the number of entries times the number of citations: unnoticeable for
the edition (187 entries, 277 citations), but it made the synthetic edition
100 times as large (18,700 entries, 27,700 citations) build for hours instead
of minutes. :class:`KeyedBibtexDomain` gives the same answers from maps made
once per question, and Sphinx uses it in place of the original
(``add_domain(..., override=True)``, an API Sphinx offers for this).

A fourth scan is in the post-transform that writes a bibliography's entries
(``BibliographyTransform``): for each entry it looks through every citation
reference of the whole edition for the ones on the bibliography's own page
(its back-references), and through every formatted citation for the
bibliography's own. :class:`KeyedBibliographyTransform` hands it, for the
page it transforms, only the citations of that page's bibliographies and the
references made on that page, then lets it do the rest as it does. Sphinx
has no call to replace a post-transform, so :func:`setup` swaps the class in
the list of post-transforms that ``add_post_transform`` fills.

Neither changes any output: ``tests/test_citation_lookup.py`` compares the
domain's answers with the original's and a small project built with and
without both, and the build tests compare whole builds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinxcontrib.bibtex.citation_target import parse_citation_targets
from sphinxcontrib.bibtex.directives import BibliographyKey
from sphinxcontrib.bibtex.domain import BibtexDomain, _FilterVisitor
from sphinxcontrib.bibtex.nodes import bibliography as bibliography_node
from sphinxcontrib.bibtex.transforms import BibliographyTransform

from edition_tools.ext import extension

logger = logging.getLogger(__name__)


def pages_citing(citation_refs: Iterable[Any]) -> dict[str, set[str]]:
    """For each citation key, the pages that cite it."""
    pages: dict[str, set[str]] = defaultdict(set)
    for reference in citation_refs:
        for target in reference.targets:
            pages[target.key].add(reference.docname)
    return pages


class KeyedBibtexDomain(BibtexDomain):
    """The ``cite`` domain, answering by key from maps rather than by scanning lists."""

    def get_filtered_entries(self, bibliography_key: Any) -> Iterable[tuple[str, Any]]:
        """The entries the bibliography's filter keeps (by default, those cited), in file order."""
        bibliography = self.bibliographies[bibliography_key]
        citing = pages_citing(self.citation_refs)
        for entry in self.get_entries(bibliography.bibfiles):
            key = bibliography.keyprefix + entry.key
            pages = citing.get(key, set())
            try:
                kept = _FilterVisitor(entry=entry, docname=bibliography_key.docname,
                                      cited_docnames=pages).visit(bibliography.filter_)
            except ValueError as error:  # as the original: warn, and keep what is cited
                logger.warning("the :filter: expression cannot be read: %s", error,
                               location=(bibliography_key.docname, bibliography.line),
                               type="bibtex", subtype="filter_syntax_error")
                kept = bool(pages)
            if kept or entry.key in bibliography.keys:
                yield key, entry

    def get_all_cited_keys(self, docnames: list[str]) -> Iterable[str]:
        """Every cited key, page by page in ``docnames`` order, each page in citation order."""
        position = {docname: index for index, docname in enumerate(docnames)}
        for reference in sorted(self.citation_refs, key=lambda ref: position[ref.docname]):
            for target in reference.targets:
                yield target.key

    def _citations_by_key(self) -> dict[str, list[tuple[int, Any]]]:
        """The formatted citations by key, with their places in the list; made again when it changed."""
        citations = self.citations
        made = getattr(self, "_edition_citations_by_key", None)
        if made is None or made[0] is not citations or made[1] != len(citations):
            by_key: dict[str, list[tuple[int, Any]]] = defaultdict(list)
            for place, citation in enumerate(citations):
                by_key[citation.key].append((place, citation))
            made = self._edition_citations_by_key = (citations, len(citations), by_key)
        return made[2]

    def resolve_xref(self, env: Any, fromdocname: str, builder: Any, typ: str, target: str,
                     node: Any, contnode: nodes.Element) -> nodes.Element:
        """Resolve as the original does, shown only the citations of the keys cited here."""
        by_key = self._citations_by_key()
        keys = dict.fromkeys(citation.key for citation in parse_citation_targets(target))
        everything = self.data["citations"]
        # In the list's own order, which decides the order of the references.
        self.data["citations"] = [citation for _, citation in sorted(
            (found for key in keys for found in by_key.get(key, ())), key=lambda found: found[0])]
        try:
            return super().resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
        finally:
            self.data["citations"] = everything


class KeyedBibliographyTransform(BibliographyTransform):
    """sphinxcontrib-bibtex's transform, shown only what concerns the bibliographies of the page it transforms."""

    def run(self, **kwargs: Any) -> None:
        keys = {BibliographyKey(docname=node["docname"], id_=node["ids"][0])
                for node in self.document.findall(bibliography_node)}
        if not keys:
            return
        domain = self.env.get_domain("cite")
        docnames = {key.docname for key in keys}
        citations, references = domain.data["citations"], domain.data["citation_refs"]
        # Same objects in the same order: what the original keeps from the full lists.
        domain.data["citations"] = [citation for citation in citations if citation.bibliography_key in keys]
        domain.data["citation_refs"] = [reference for reference in references if reference.docname in docnames]
        try:
            super().run(**kwargs)
        finally:
            domain.data["citations"], domain.data["citation_refs"] = citations, references


def use_keyed_transform(app: Sphinx) -> None:
    """Swap sphinxcontrib-bibtex's ``BibliographyTransform`` for the keyed one, in the place it was added."""
    transforms = app.registry.post_transforms
    if BibliographyTransform not in transforms:
        raise RuntimeError("sphinxcontrib-bibtex no longer adds BibliographyTransform: "
                           "edition_tools/ext/citation_lookup.py must follow it")
    transforms[transforms.index(BibliographyTransform)] = KeyedBibliographyTransform


@extension
def setup(app: Sphinx) -> None:
    """Put the keyed domain and transform in the place of sphinxcontrib-bibtex's."""
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_domain(KeyedBibtexDomain, override=True)
    use_keyed_transform(app)

"""The keyed citation domain answers as sphinxcontrib-bibtex's own (edition_tools/ext/citation_lookup.py).

A small project (``tests/roots/test-citation-lookup``) is built once; every
question the keyed domain answers from its maps is then put to the original
methods of sphinxcontrib-bibtex on the same domain, and the answers must be
the same.
"""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from sphinx import addnodes
from sphinx.testing.util import SphinxTestApp
from sphinxcontrib.bibtex.domain import BibtexDomain
from sphinxcontrib.bibtex.transforms import BibliographyTransform

from edition_tools.ext.citation_lookup import KeyedBibliographyTransform, KeyedBibtexDomain, pages_citing
from tests.conftest import ROOTS, build_root


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    return build_root(tmp_path_factory.mktemp("citation-lookup"), "citation-lookup")


@pytest.fixture(scope="module")
def domain(app) -> KeyedBibtexDomain:
    found = app.env.get_domain("cite")
    assert isinstance(found, KeyedBibtexDomain)
    return found


def test_the_bibliography_keeps_the_entries_the_original_keeps(domain: KeyedBibtexDomain) -> None:
    (bibliography,) = domain.bibliographies
    kept = list(domain.get_filtered_entries(bibliography))
    assert kept == list(BibtexDomain.get_filtered_entries(domain, bibliography))
    assert [key for key, _ in kept] == ["alpha2021", "beta2022", "zeta2024"]  # gamma2023 is cited nowhere


def test_cited_keys_come_in_the_original_order(domain: KeyedBibtexDomain, app) -> None:
    docnames = sorted(app.env.found_docs)
    for order in (docnames, docnames[::-1]):
        assert list(domain.get_all_cited_keys(order)) == list(BibtexDomain.get_all_cited_keys(domain, order))


def test_pages_citing_each_key() -> None:
    class Target:
        def __init__(self, key: str) -> None:
            self.key = key

    class Reference:
        def __init__(self, docname: str, *keys: str) -> None:
            self.docname, self.targets = docname, [Target(key) for key in keys]

    refs = [Reference("a", "x", "y"), Reference("b", "x"), Reference("a", "x")]
    assert pages_citing(refs) == {"x": {"a", "b"}, "y": {"a"}}


@pytest.mark.parametrize("target", ["zeta2024,alpha2021", "alpha2021", "beta2022,zeta2024", "beta2022", "unknown2000"])
def test_each_citation_resolves_to_what_the_original_gives(domain: KeyedBibtexDomain, app, target: str) -> None:
    def resolve(method, docname: str = "docs/first") -> str:
        node = addnodes.pending_xref(target, refdomain="cite", reftype="p", reftarget=target, refdoc=docname)
        result = method(domain, app.env, docname, app.builder, "p", target, node, nodes.Text(target))
        return result.pformat()

    mine, original = resolve(KeyedBibtexDomain.resolve_xref), resolve(BibtexDomain.resolve_xref)
    assert mine == original
    assert len(domain.citations) == 3  # the full list is back after each call
    if target != "unknown2000":
        assert "cite-" in mine


def test_the_keyed_transform_writes_the_bibliography_in_place_of_the_original(app) -> None:
    transforms = app.registry.post_transforms
    assert KeyedBibliographyTransform in transforms and BibliographyTransform not in transforms
    page = BeautifulSoup((Path(app.outdir) / "docs" / "bibliography.html").read_text(encoding="utf-8"), "html.parser")
    entries = {entry["id"]: entry for entry in page.select("div.citation")}
    assert list(entries) == ["cite-alpha2021", "cite-beta2022", "cite-zeta2024"]
    # Only the entry cited on the bibliography's own page links back, to that citation.
    backlinks = {key: [link["href"] for link in entry.select('a[role="doc-backlink"]')]
                 for key, entry in entries.items()}
    citation = page.select_one("p a[href='#cite-beta2022']").find_parent(id=True)
    assert backlinks == {"cite-alpha2021": [], "cite-beta2022": [f"#{citation['id']}"], "cite-zeta2024": []}
    assert len(app.env.get_domain("cite").citation_refs) == 6  # the full list is back after the transform


def test_the_project_builds_the_same_pages_without_the_keyed_domain(app, tmp_path: Path) -> None:
    srcdir = tmp_path / "plain"
    shutil.copytree(ROOTS / "test-citation-lookup", srcdir)
    conf = srcdir / "conf.py"
    text = conf.read_text(encoding="utf-8")
    assert '"edition_tools.ext.citation_lookup",' in text
    conf.write_text(text.replace('"edition_tools.ext.citation_lookup",', ""), encoding="utf-8")
    plain = SphinxTestApp("html", srcdir=srcdir, status=StringIO(), warning=StringIO())
    try:
        plain.build()
    finally:
        plain.cleanup()
    assert not isinstance(plain.env.get_domain("cite"), KeyedBibtexDomain)

    def pages(outdir: Path) -> dict[str, str]:
        return {page.name: page.read_text(encoding="utf-8") for page in (outdir / "docs").glob("*.html")}

    assert len(pages(Path(app.outdir))) == 4
    assert pages(Path(app.outdir)) == pages(Path(plain.outdir))

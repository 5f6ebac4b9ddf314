"""General index entries for the people, places and bodies the article names.

The article's pages are never edited for the index. Instead, the names to
index are listed in a data file (``glossary/index-terms.toml``, config
``edition_index_terms``)::

    [[name]]
    entry = "Kabulov, Zamir"     # as it reads in the index
    kind = "person"              # person, place, organisation, event, project or document
    match = ["Kabulov"]          # spellings to look for in the article

While a page is read, every article paragraph (``(pN)=``) whose text contains
one of the spellings (whole words, case-sensitive, curly and straight quotes
alike; see :mod:`edition_tools.ext.name_matching`) gets an index entry pointing at
its ``#pN`` anchor, once under the name and once under its kind ("People",
"Places", ...). The pages depend on the data file, so editing it re-reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from edition_tools.core.data_files import read_toml
from edition_tools.ext import extension
from edition_tools.ext.name_matching import article_paragraphs, name_pattern, paragraph_text

logger = logging.getLogger(__name__)

DEFAULT_INDEX_TERMS = "glossary/index-terms.toml"

#: Kinds of name, and the heading each is gathered under in the index.
KINDS = {
    "person": "People",
    "place": "Places",
    "organisation": "Organisations",
    "event": "Events and meetings",
    "project": "Projects",
    "document": "Laws and documents",
}


@dataclass(frozen=True)
class IndexName:
    """One name of the data file."""

    entry: str
    kind: str
    pattern: re.Pattern[str]


def load_index_names(path: Path) -> list[IndexName]:
    """Read the data file; raise ``ValueError`` naming the file and entry if malformed."""
    data = read_toml(path)
    return _parse(path, tuple(map(_freeze, data.get("name", []))))


def _freeze(raw: dict) -> tuple:
    return (raw.get("entry", ""), raw.get("kind", ""), tuple(raw.get("match", [])))


@cache
def _parse(path: Path, raw: tuple) -> list[IndexName]:
    names = []
    for number, (entry, kind, match) in enumerate(raw, start=1):
        if not entry or not match:
            raise ValueError(f"{path}: name {number} needs an entry and at least one match")
        if kind not in KINDS:
            raise ValueError(f"{path}: name {entry!r} has kind {kind!r}; use one of {', '.join(KINDS)}")
        names.append(IndexName(entry, kind, name_pattern(match)))
    return names


class IndexArticleNames(SphinxTransform):
    """Add general-index entries to the article paragraphs that name listed names."""

    # After docutils' PropagateTargets (260) has put the pN ids on paragraphs.
    default_priority = 710

    def apply(self, **kwargs: object) -> None:
        paragraphs = list(article_paragraphs(self.document))
        if not paragraphs:
            return
        path = Path(self.env.srcdir, self.config.edition_index_terms)
        self.env.note_dependency(str(path))
        try:
            names = load_index_names(path)
        except ValueError as error:
            logger.warning("%s", error, location=self.document, type="edition", subtype="index")
            return
        for number, paragraph in paragraphs:
            text = paragraph_text(paragraph)
            entries = []
            for name in names:
                if name.pattern.search(text):
                    entries.append(("single", name.entry, f"p{number}", "", None))
                    entries.append(("single", f"{KINDS[name.kind]}; {name.entry}", f"p{number}", "", None))
            if entries:
                index = addnodes.index(entries=entries, inline=True)
                index.source, index.line = paragraph.source, paragraph.line
                paragraph.insert(0, index)


#: Pages that Sphinx generates rather than reads from a source file.
GENERATED_PAGES = frozenset({"genindex", "modindex", "search"})


def keep_generated_pages_out_of_print(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: list ``genindex`` in a toctree's entries but not its includes.

    The navigation links to the general index through the toctree's entries.
    The LaTeX builder, though, inlines every included page as a chapter and
    warns that ``genindex`` does not exist; the PDF has an index of its own.
    """
    for toctree in doctree.findall(addnodes.toctree):
        toctree["includefiles"] = [name for name in toctree["includefiles"] if name not in GENERATED_PAGES]


@extension
def setup(app: Sphinx) -> None:
    """Register the data file's config value, the transform and the toctree fix."""
    app.add_config_value("edition_index_terms", DEFAULT_INDEX_TERMS, "env", types=frozenset({str}))
    app.add_transform(IndexArticleNames)
    app.connect("doctree-read", keep_generated_pages_out_of_print, priority=400)

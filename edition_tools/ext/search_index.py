"""Keep the search index's index entries through incremental builds.

Sphinx's search finds a page by the index entries it carries (the edition's
general index and glossary terms add many) as well as by its words. Sphinx
collects those entries while it writes the pages, after it has saved the
build environment, and when it reloads the previous ``searchindex.js`` before
an incremental build it restores the words but not the entries. So a rebuild
writes a ``searchindex.js`` that holds the entries of the rewritten pages
only; after a no-op rebuild it holds none (Sphinx issue #12599, open).

:func:`restore_index_entries` puts back, before any page is written, the
entries of the previous ``searchindex.js`` for every page that still exists
and has none in the environment. It takes them from the index Sphinx itself
loads (:class:`RestoringIndexFormat`), so the file is parsed once. Pages that are written again replace theirs
as usual. ``tests/test_build_variants.py`` and ``tests/test_reproducible.py``
compare the index of incremental and no-op rebuilds with a clean build's.

:class:`EnglishStemmedOnce` stems each word once per build. Sphinx keeps a
word's stem for the page it indexes and forgets it at the next page, so the
words every page shares (the article's names, the notes' kind lines, the
navigation) were stemmed again on each of them: some 13,000 calls of the
pure-Python Snowball stemmer for about 4,000 different words, the largest
share of a clean build after reading and rendering.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.search.en import SearchEnglish

from edition_tools.ext import extension


def index_entries(frozen: dict) -> dict[str, list[tuple[str, str, str]]]:
    """The index entries of a loaded ``searchindex.js``, per page, as Sphinx keeps them.

    The file keeps each entry lower-cased, and whether it is a main entry as
    a flag: written back, they give the same file.
    """
    docnames = frozen["docnames"]
    entries: dict[str, set[tuple[str, str, str]]] = {}
    for entry, places in frozen.get("indexentries", {}).items():
        for page, target, main in places:
            entries.setdefault(docnames[page], set()).add((entry, target, "main" if main else ""))
    return {docname: sorted(found) for docname, found in entries.items()}


def restore_index_entries(env: BuildEnvironment, frozen: dict) -> None:
    """Fill in the entries Sphinx did not keep, from the previous ``searchindex.js``."""
    kept = getattr(env, "_search_index_index_entries", None)
    if kept is None:
        return
    try:
        previous = index_entries(frozen)
    except (KeyError, IndexError, TypeError, AttributeError):
        return  # not an index this code understands: Sphinx's own entries stand
    for docname in list(kept):
        if docname not in env.all_docs:
            del kept[docname]
    for docname in sorted(previous):
        if docname in env.all_docs and docname not in kept:
            kept[docname] = previous[docname]


class RestoringIndexFormat:
    """The search index's file format, restoring the index entries as Sphinx loads the file.

    Sphinx reads the previous ``searchindex.js`` before it writes the pages
    (``load_indexer``); the entries are restored from what it has just parsed,
    so the file is read once, not once more by the edition.
    """

    def __init__(self, format: Any, env: BuildEnvironment) -> None:
        self._format, self._env = format, env

    def __getattr__(self, name: str) -> Any:
        return getattr(self._format, name)

    def load(self, stream: Any, *args: Any, **kwargs: Any) -> Any:
        """Load the index as Sphinx does, then put its entries back on the environment."""
        frozen = self._format.load(stream, *args, **kwargs)
        if isinstance(frozen, dict):
            restore_index_entries(self._env, frozen)
        return frozen


def wrap_index_format(app: Sphinx) -> None:
    """``builder-inited``: give an HTML builder with a search index the restoring format."""
    builder = app.builder
    if builder.format != "html" or not getattr(builder, "search", False):
        return
    if getattr(builder, "indexer_format", None) is not None:
        builder.indexer_format = RestoringIndexFormat(builder.indexer_format, app.env)


class EnglishStemmedOnce(SearchEnglish):
    """Sphinx's English search language, with each word's stem kept for the whole build."""

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        self._stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stems[word] = super().stem(word)
        return stem


@extension
def setup(app: Sphinx) -> None:
    """Restore the entries as Sphinx loads the previous index; stem each word once."""
    app.connect("builder-inited", wrap_index_format)
    app.add_search_language(EnglishStemmedOnce)

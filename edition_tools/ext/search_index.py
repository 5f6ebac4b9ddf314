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
and has none in the environment. Pages that are written again replace theirs
as usual. ``tests/test_build_variants.py`` and ``tests/test_reproducible.py``
compare the index of incremental and no-op rebuilds with a clean build's.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.search import js_index
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


def restore_index_entries(app: Sphinx, env: BuildEnvironment) -> None:
    """Fill in the entries Sphinx did not keep, from the previous ``searchindex.js``."""
    builder = app.builder
    if builder.format != "html" or not getattr(builder, "search", False):
        return
    path = Path(builder.outdir) / builder.searchindex_filename
    kept = getattr(env, "_search_index_index_entries", None)
    if kept is None or not path.is_file():
        return
    try:
        frozen = js_index.loads(path.read_text(encoding="utf-8"))
        previous = index_entries(frozen)
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return  # Sphinx rebuilds every page when it cannot read the file
    for docname in list(kept):
        if docname not in env.all_docs:
            del kept[docname]
    for docname in sorted(previous):
        if docname in env.all_docs and docname not in kept:
            kept[docname] = previous[docname]


@extension
def setup(app: Sphinx) -> None:
    """Restore the entries once the sources are read, before pages are written."""
    app.connect("env-updated", restore_index_entries)

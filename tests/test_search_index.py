"""Reading index entries back from a search index (edition_tools/search_index.py).

Whole builds compare the search index of incremental and no-op rebuilds with
a clean build's: tests/test_build_variants.py and tests/test_reproducible.py.
"""

from __future__ import annotations

from edition_tools.ext.search_index import index_entries


def test_entries_are_read_back_per_page_as_sphinx_keeps_them() -> None:
    frozen = {
        "docnames": ["docs/background", "glossary/moscow-format"],
        "indexentries": {
            "moscow format": [[1, "term-Moscow-Format", True], [0, "p5", False]],
            "taliban": [[0, "p5", False], [0, "p6", False]],
        },
    }
    assert index_entries(frozen) == {
        "docs/background": [("moscow format", "p5", ""), ("taliban", "p5", ""), ("taliban", "p6", "")],
        "glossary/moscow-format": [("moscow format", "term-Moscow-Format", "main")],
    }
    assert index_entries({"docnames": ["a"]}) == {}

"""Reading index entries back from a search index (edition_tools/search_index.py).

Whole builds compare the search index of incremental and no-op rebuilds with
a clean build's: tests/test_build_variants.py and tests/test_reproducible.py.
"""

from __future__ import annotations

from sphinx.search.en import SearchEnglish

from edition_tools.ext.search_index import EnglishStemmedOnce, index_entries, setup


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


def test_each_word_is_stemmed_once_per_build_and_as_sphinx_stems_it() -> None:
    stock, once = SearchEnglish({}), EnglishStemmedOnce({})
    words = ["Taliban", "recognition", "recognised", "Taliban", "talks", "recognition", "connected", "Moscow"]
    calls: list[str] = []
    stemmer = once.stemmer

    class CountingStemmer:
        def stemWord(self, word: str) -> str:
            calls.append(word)
            return stemmer.stemWord(word)

    once.stemmer = CountingStemmer()
    assert [once.stem(word) for word in words] == [stock.stem(word) for word in words]
    assert sorted(calls) == sorted({word.lower() for word in words})


def test_the_extension_registers_it_as_the_english_search_language() -> None:
    registered: list[type] = []

    class App:
        def connect(self, event: str, handler: object) -> None:
            pass

        def add_search_language(self, cls: type) -> None:
            registered.append(cls)

    setup(App())
    assert registered == [EnglishStemmedOnce] and EnglishStemmedOnce.lang == "en"

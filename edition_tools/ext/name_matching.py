"""Find names (of terms, people, places) in the text of the article's paragraphs.

The glossary's "Appears in" lists and the general index both ask the same
question: which numbered paragraphs of the article mention this name? Both
answer it here, in the same way:

* a paragraph's text is what a reader sees, without its ``¶N`` marker and
  annotation markers;
* curly and straight quote marks count as the same character, and runs of
  white space as one space, so ``Prosecutor General’s`` matches
  ``Prosecutor General's``;
* a name matches whole words only and is case-sensitive: ``SCO`` is not found
  in ``Moscow``, nor ``Termez`` in ``Termezi``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from docutils import nodes

from edition_tools.ext.paragraph_numbers import paragraph_number

#: Quote marks that are read as their straight forms when matching.
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def normalise(text: str) -> str:
    """Return ``text`` with straight quote marks and single spaces."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Return a pattern matching any of ``names`` as whole words, or None.

    Longer names are tried first, so that ``Supreme Court of Russia`` wins
    over ``Supreme Court`` where both would match at the same place.
    """
    cleaned = sorted({normalise(name) for name in names if name.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(name) for name in cleaned)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _visible_text(node: nodes.Node) -> Iterator[str]:
    """Yield the text a reader sees in ``node``, without edition markers."""
    if isinstance(node, nodes.Text):
        yield str(node)
        return
    if isinstance(node, (nodes.footnote_reference, nodes.system_message)):
        return
    if isinstance(node, nodes.Element):
        if node.tagname == "index" or "para-num" in node.get("classes", []):
            return
        for child in node.children:
            yield from _visible_text(child)


def paragraph_text(paragraph: nodes.Element) -> str:
    """Return the normalised text of an article paragraph, as a reader sees it."""
    return normalise("".join(_visible_text(paragraph)))


def article_paragraphs(document: nodes.Node) -> Iterator[tuple[int, nodes.paragraph]]:
    """Yield ``(N, paragraph)`` for every article paragraph (id ``pN``) of a doctree."""
    for node in document.findall(nodes.paragraph):
        number = paragraph_number(node)
        if number is not None:
            yield number, node

"""The receipts of the fact checks: ``sources/receipts.toml``, read in one place.

A Fact check note states a verdict on words of the article and cites its
evidence. The receipts file keeps, for each such note (a table named by its
label), the article's exact words that were checked and, for every source
the note cites, the words of that source the verdict rests on::

    [court-suspended]
    checked = "On April 17, 2025, the Supreme Court officially removed"

    [[court-suspended.receipts]]
    key = "tass2025court"
    excerpt = "…the source's own words, at most 40…"
    language = "en"          # the excerpt's language
    english = "…"            # an English rendering, where it is not English

The build shows an excerpt beside its citation, the citation index under its
work, and the W3C export as evidence; the validator holds the file against
the notes and the article (``edition_tools/check/receipts.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from edition_tools.core.article import SOURCES
from edition_tools.core.data_files import read_toml_and_text

#: The receipts file, relative to a project's root (the build's source folder).
RECEIPTS_FILE = Path("sources") / "receipts.toml"
RECEIPTS = SOURCES.parent / RECEIPTS_FILE
#: The most words an excerpt may have: enough to carry a verdict, short enough to quote.
MAX_WORDS = 40


@dataclass(frozen=True)
class Receipt:
    """The words of one source that one fact check rests on."""

    note: str
    key: str
    excerpt: str
    language: str
    english: str | None
    line: int

    @property
    def words(self) -> int:
        return len(self.excerpt.split())


@dataclass(frozen=True)
class CheckedClaim:
    """One fact check: the note's label, the article's words, the receipts."""

    note: str
    checked: str
    line: int
    receipts: tuple[Receipt, ...]

    def receipt(self, key: str) -> Receipt | None:
        return next((receipt for receipt in self.receipts if receipt.key == key), None)


def _table_lines(text: str) -> dict[str, int]:
    """Where each note's table and each of its receipts start (1-based lines)."""
    lines: dict[str, int] = {}
    receipts: dict[str, int] = {}  # how many receipts of each table so far
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^\[(\[)?\s*([a-z0-9-]+)(\.receipts)?\s*\]", line)
        if match:
            label = match.group(2)
            lines.setdefault(label, number)
            if match.group(3):
                lines[f"{label}#{receipts.get(label, 0)}"] = number
                receipts[label] = receipts.get(label, 0) + 1
    return lines


def load_receipts(path: Path = RECEIPTS) -> dict[str, CheckedClaim]:
    """Every fact check of the receipts file, by note label.

    Raise ``ValueError`` naming the file when it is malformed (a missing
    field, a field of the wrong type).
    """
    if not path.exists():
        return {}
    data, text = read_toml_and_text(path)
    lines = _table_lines(text)
    claims = {}
    for label, table in data.items():
        line = lines.get(label, 1)
        if not isinstance(table, dict) or not isinstance(table.get("checked"), str):
            raise ValueError(f"{path}:{line}: [{label}] needs checked = \"the article's exact words\"")
        receipts = []
        for index, raw in enumerate(table.get("receipts", [])):
            where = lines.get(f"{label}#{index}", line)
            for name in ("key", "excerpt", "language"):
                if not isinstance(raw.get(name), str) or not raw[name].strip():
                    raise ValueError(f"{path}:{where}: a receipt of [{label}] needs {name} = \"…\"")
            # Line breaks of the page the words were copied from are not part of them.
            excerpt = " ".join(raw["excerpt"].split())
            english = " ".join(raw["english"].split()) if raw.get("english") else None
            receipts.append(Receipt(label, raw["key"], excerpt, raw["language"], english, where))
        claims[label] = CheckedClaim(label, table["checked"], line, tuple(receipts))
    return claims

"""The receipts file held against the notes and the article, with the whole edition."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from edition_tools.check.run import check_paths
from edition_tools.core.receipts import load_receipts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    """A copy of the edition's content whose receipts a test may break."""
    for folder in ("docs", "glossary", "sources"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def _append(edition: Path, text: str) -> int:
    """Append ``text`` to the receipts file; return the line it starts on."""
    path = edition / "sources" / "receipts.toml"
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + text[: len(text) - len(text.lstrip("\n"))].count("\n") + 1


def _problems(edition: Path) -> list[tuple[str, int, str]]:
    return [(p.path, p.line, p.rule) for p in check_paths(root=edition)]


def test_every_fact_check_citation_of_the_edition_has_its_receipt() -> None:
    assert [p for p in check_paths() if p.rule.startswith("receipt-")] == []
    assert len(load_receipts()) >= 22


def test_an_orphan_table_a_long_excerpt_and_a_missing_rendering_are_reported(edition: Path) -> None:
    words = " ".join(["word"] * 41)
    line = _append(edition, f'''
[no-such-note]
checked = "the Taliban"

[[no-such-note.receipts]]
key = "ap2025court"
excerpt = "{words}"
language = "ru"
''')
    assert _problems(edition) == [
        ("sources/receipts.toml", line, "receipt-orphan"),
        ("sources/receipts.toml", line + 3, "receipt-english"),
        ("sources/receipts.toml", line + 3, "receipt-too-long"),
    ]


def test_checked_words_must_be_the_articles_own(edition: Path) -> None:
    path = edition / "sources" / "receipts.toml"
    text = path.read_text(encoding="utf-8")
    claim = next(iter(load_receipts(path).values()))
    path.write_text(text.replace(f'checked = "{claim.checked}"', f'checked = "{claim.checked} indeed"', 1),
                    encoding="utf-8")
    assert _problems(edition) == [("sources/receipts.toml", claim.line, "receipt-checked-words")]


def test_a_receipt_for_a_source_the_note_does_not_cite_is_an_orphan(edition: Path) -> None:
    label = next(iter(load_receipts(edition / "sources" / "receipts.toml")))
    line = _append(edition, f'''
[[{label}.receipts]]
key = "ap2025court-not-cited"
excerpt = "Words."
language = "en"
''')
    # A table's array reopened for one more receipt: TOML allows it, the rule sees it.
    assert _problems(edition) == [("sources/receipts.toml", line, "receipt-orphan")]


def test_a_malformed_receipts_file_is_reported_with_its_line(edition: Path) -> None:
    line = _append(edition, '\n[broken-table]\nexcerpt = "no checked words"\n')
    assert _problems(edition) == [("sources/receipts.toml", line, "receipt-file")]

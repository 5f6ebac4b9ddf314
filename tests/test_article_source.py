"""The pinned source: its hash, its paragraphs and its metadata."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from edition_tools.core.article import (
    SOURCES,
    SourceError,
    body_paragraphs,
    load_metadata,
)


def test_source_has_fourteen_body_paragraphs_in_order() -> None:
    paragraphs = body_paragraphs()
    assert [p.number for p in paragraphs] == list(range(1, 15))
    assert paragraphs[0].text.startswith("On March 31, 2025, the Prosecutor General's Office")
    assert paragraphs[-1].text.startswith("Aigerim Turgunbaeva, journalist and researcher")
    assert paragraphs[-1].text.endswith("news outlets and journals.")


def test_run_in_labels_are_taken_off_their_paragraphs() -> None:
    labels = {p.number: p.run_in_label for p in body_paragraphs() if p.run_in_label}
    assert labels == {2: "BACKGROUND:", 7: "IMPLICATIONS:", 13: "CONCLUSIONS:", 14: "AUTHORS’ BIOS:"}


def test_no_furniture_is_taken_for_body_text() -> None:
    text = " ".join(p.text for p in body_paragraphs())
    for furniture in ("Read 1006 times", "Visit also", "Newsletter", "DALL·E", "biweekly publication"):
        assert furniture not in text


def test_metadata_names_the_article_and_its_attribution() -> None:
    article = load_metadata()["article"]
    assert article["authors"] == ["Aigerim Turgunbaeva", "Fayazuddin Ghiasi"]
    assert article["date"] == "2025-06-11"
    assert article["publication"] == "Central Asia-Caucasus Analyst"
    assert "reproduced here, unaltered" in article["attribution"]


def test_a_changed_source_file_fails_on_its_pinned_sha256(tmp_path: Path) -> None:
    copy = tmp_path / "sources"
    shutil.copytree(SOURCES, copy)
    article = copy / "article.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("1998", "1999"), encoding="utf-8")
    with pytest.raises(SourceError, match=r"sha256 is .* but sources/article\.toml pins"):
        body_paragraphs(copy)


def test_the_source_is_byte_identical_to_the_capture_as_received() -> None:
    # The sha256 pinned in article.toml is the one of the capture as received.
    assert load_metadata()["article"]["sha256"] == (
        "4e017697a784070aaff83a0dc40abe29c40b9014c3cf6c00dabe75025b79def6"
    )
    assert len(body_paragraphs()) == 14

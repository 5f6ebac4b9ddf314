"""The "Cite" dialog's citations, composed at build time from article.toml and conf.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

from edition_tools.core.article import load_metadata
from edition_tools.ext.passage_citations import (
    edition_year,
    fill,
    note_passage,
    paragraph_passage,
    templates,
)

ARTICLE = load_metadata()["article"]
EDITION = "From Foe to Partner? An annotated edition"
EDITORS = "the editors of the annotated edition"
ADDRESS = "https://edition.example.org/docs/background.html#p6"


def test_a_paragraph_is_cited_in_three_forms() -> None:
    forms = templates(ARTICLE, EDITION, EDITORS, "2026")["paragraph"]
    passage = paragraph_passage(6, ARTICLE)
    assert fill(forms["text"], passage, ADDRESS) == (
        "Aigerim Turgunbaeva and Fayazuddin Ghiasi, “From Foe to Partner? Russia's Rapprochement with the "
        "Taliban and its Regional Implications,” Central Asia-Caucasus Analyst, 11 June 2025, ¶6. In "
        f"{EDITION}. {ADDRESS}."
    )
    bibtex = fill(forms["bibtex"], passage, ADDRESS)
    assert bibtex.startswith("@incollection{turgunbaeva2025p6,\n")
    assert "  author    = {Turgunbaeva, Aigerim and Ghiasi, Fayazuddin},\n" in bibtex
    assert "  publisher = {Central Asia-Caucasus Institute \\& Silk Road Studies Program},\n" in bibtex
    assert f"  url       = {{{ADDRESS}}}\n}}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")
    ris = fill(forms["ris"], passage, ADDRESS).split("\n")
    assert ris[:3] == ["TY  - CHAP", "AU  - Turgunbaeva, Aigerim", "AU  - Ghiasi, Fayazuddin"]
    assert f"UR  - {ADDRESS}" in ris and ris[-1] == "ER  - "
    assert (
        "DA  - 2025/06/11" in ris
        and "N1  - ¶6; first published in Central Asia-Caucasus Analyst, 11 June 2025" in ris
    )


def test_a_note_is_cited_as_the_editors_work() -> None:
    forms = templates(ARTICLE, EDITION, EDITORS, "2026")["note"]
    passage = note_passage("note-kabul-september-1996", "1", 2, "Context", "2026")
    address = "docs/background.html#note-kabul-september-1996"
    text = fill(forms["text"], passage, address)
    assert text.startswith(
        f"The editors of the annotated edition, note 1 on ¶2 (Context), in {EDITION} (2026), on Aigerim"
    )
    assert text.endswith(f"{address}.")
    bibtex = fill(forms["bibtex"], passage, address)
    assert bibtex.startswith("@misc{editors2026kabulseptember1996,\n")
    assert "  author       = {{The editors of the annotated edition}},\n" in bibtex
    assert "  title        = {Context: note 1 on ¶2},\n" in bibtex
    assert bibtex.count("{") == bibtex.count("}")
    assert "TI  - Context: note 1 on ¶2" in fill(forms["ris"], passage, address).split("\n")


def test_the_edition_year_is_the_last_year_today_names() -> None:
    assert edition_year("11 June 2025 (article); annotated edition 2026", "2025") == "2026"
    assert edition_year("", "2025") == "2025"


def test_every_cite_button_of_a_page_has_its_passage(html_dir: Path) -> None:
    page = BeautifulSoup((html_dir / "docs/background.html").read_text(encoding="utf-8"), "html.parser")
    data = json.loads(page.find("script", id="cite-data").string)
    buttons = [button["data-cite"] for button in page.select("button.cite-button")]
    notes = [note["id"] for note in page.select("aside.footnote")]
    paragraphs = [p["id"] for p in page.select("p.article-paragraph")]
    assert sorted(buttons) == sorted(notes + paragraphs) == sorted(data["passages"])
    assert set(data["forms"]) == {"paragraph", "note"}
    # No html_baseurl in conf.py: the script fills in the page's own address.
    assert {passage["address"] for passage in data["passages"].values()} == {""}
    for form in data["forms"]["note"].values():
        assert set(re.findall(r"\{([a-z]+)\}", form)) <= {"name", "title", "key", "address"}

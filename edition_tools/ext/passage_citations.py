"""Ready citations of a paragraph or an annotation: plain text, BibTeX and RIS.

Each paragraph number of the article and each annotation offers a "Cite"
button (``static/reading.js`` opens the dialog). The citations are composed
here, at build time, from ``sources/article.toml`` (the article: authors,
title, publication, date) and the edition's configuration (``project``,
``author``, ``today`` and ``html_baseurl``). The page carries, as JSON, one
template per form and kind of passage, with ``{name}``, ``{title}``,
``{key}`` and ``{address}`` left open, and the values of each passage; the
script only fills them in, so the words are the build's and no service is
asked.

The address: with ``html_baseurl`` set, the build writes the passage's
permanent address (``<baseurl>/docs/background.html#p6``). Without it the
edition does not know where it will be served, and the script puts in the
address the reader sees the page at, with the passage's ``#`` anchor.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

from edition_tools.ext import extension

#: The placeholders a template may hold; ``fill`` replaces exactly these.
PLACEHOLDER = re.compile(r"\{(name|title|key|address)\}")
#: Characters that BibTeX reads as commands in a field other than ``url``.
_BIBTEX_SPECIAL = re.compile(r"([&%#_$])")


class cite_button(nodes.Inline, nodes.Element):
    """A "Cite" button for the passage whose anchor is ``anchor``."""


def visit_cite_button(translator: Any, node: cite_button) -> None:
    """Write the button: its label for screen readers, its visible text if any."""
    label = node["label"]
    classes = " ".join(["cite-button", *node.get("classes", [])])
    translator.body.append(
        f'<button type="button" class="{classes}" data-cite="{node["anchor"]}" '
        f'aria-label="{translator.attval(label)}" title="{translator.attval(label)}" aria-haspopup="dialog">'
        f"{translator.encode(node.get('text', ''))}</button>"
    )
    raise nodes.SkipNode


@dataclass(frozen=True)
class Passage:
    """What a citation names: a paragraph (``p6``) or an annotation (``note-…``)."""

    anchor: str
    #: How the passage is named in the plain citation: "¶6", "note 3 on ¶2 (Context)".
    name: str
    #: The title the BibTeX and RIS forms give it.
    title: str
    #: The BibTeX key.
    key: str


def _family(author: str) -> str:
    """The family name: the last word of a name as ``article.toml`` gives it ("Aigerim Turgunbaeva")."""
    return author.split()[-1]


def _inverted(author: str) -> str:
    """"Aigerim Turgunbaeva" → "Turgunbaeva, Aigerim" (BibTeX and RIS want the family name first)."""
    given, _, family = author.rpartition(" ")
    return f"{family}, {given}" if given else family


def _bibtex(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def _human_date(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    return f"{day} {months[month - 1]} {year}"


def edition_year(today: str, fallback: str) -> str:
    """The edition's year: the last year ``today`` names ("11 June 2025 (article); annotated edition 2026")."""
    years = re.findall(r"\b(?:19|20)\d\d\b", today or "")
    return years[-1] if years else fallback


def templates(article: dict, edition: str, editors: str, year: str) -> dict[str, dict[str, str]]:
    """The three forms for each kind of passage, with the passage's values left open."""
    authors = article["authors"]
    by = " and ".join(authors)
    date = _human_date(article["date"])
    article_year = article["date"][:4]
    work = f"{by}, “{article['title']},” {article['publication']}, {date}"
    ris_authors = "".join(f"AU  - {_inverted(author)}\n" for author in authors)
    bib_authors = " and ".join(_inverted(author) for author in authors)
    ris_date = article["date"].replace("-", "/")
    paragraph = {
        "text": f"{work}, {{name}}. In {edition}. {{address}}.",
        "bibtex": (
            "@incollection{{key},\n"
            f"  author    = {{{_bibtex(bib_authors)}}},\n"
            f"  title     = {{{_bibtex(article['title'])}}},\n"
            f"  booktitle = {{{_bibtex(edition)}}},\n"
            f"  publisher = {{{_bibtex(article['publisher'])}}},\n"
            f"  year      = {{{article_year}}},\n"
            f"  note      = {{{{name}}; first published in {_bibtex(article['publication'])}, {date}}},\n"
            "  url       = {{address}}\n"
            "}"
        ),
        "ris": (
            f"TY  - CHAP\n{ris_authors}"
            f"TI  - {article['title']}\n"
            f"T2  - {edition}\n"
            f"PB  - {article['publisher']}\n"
            f"PY  - {article_year}\n"
            f"DA  - {ris_date}\n"
            f"N1  - {{name}}; first published in {article['publication']}, {date}\n"
            "UR  - {address}\n"
            "ER  - "
        ),
    }
    note = {
        "text": f"{editors[:1].upper()}{editors[1:]}, {{name}}, in {edition} ({year}), on {work}. {{address}}.",
        "bibtex": (
            "@misc{{key},\n"
            f"  author       = {{{{{_bibtex(editors[:1].upper() + editors[1:])}}}}},\n"
            "  title        = {{title}},\n"
            f"  howpublished = {{In {_bibtex(edition)}}},\n"
            f"  year         = {{{year}}},\n"
            f"  note         = {{On {_bibtex(by)}, {_bibtex(article['title'])}, "
            f"{_bibtex(article['publication'])}, {date}}},\n"
            "  url          = {{address}}\n"
            "}"
        ),
        "ris": (
            "TY  - ELEC\n"
            f"AU  - {editors[:1].upper()}{editors[1:]}\n"
            "TI  - {title}\n"
            f"T2  - {edition}\n"
            f"PY  - {year}\n"
            f"N1  - On {by}, “{article['title']}”, {article['publication']}, {date}\n"
            "UR  - {address}\n"
            "ER  - "
        ),
    }
    return {"paragraph": paragraph, "note": note}


def paragraph_passage(number: int, article: dict) -> Passage:
    """The passage ¶``number`` of the article."""
    key = f"{_family(article['authors'][0]).lower()}{article['date'][:4]}p{number}"
    return Passage(f"p{number}", f"¶{number}", f"{article['title']}, ¶{number}", key)


def note_passage(anchor: str, number: str, paragraph: int | None, kind: str, year: str) -> Passage:
    """The annotation ``anchor`` (``note-…``), numbered ``number`` on its page, of ``kind``."""
    on = f" on ¶{paragraph}" if paragraph else ""
    name = f"note {number}{on} ({kind})"
    key = f"editors{year}{anchor.removeprefix('note-').replace('-', '')}"
    return Passage(anchor, name, f"{kind}: note {number}{on}", key)


def fill(template: str, passage: Passage, address: str) -> str:
    """The citation ``template`` with ``passage``'s values: what the script does in the browser."""
    values = {**asdict(passage), "address": address}
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def address_of(config: Config, pagename: str, anchor: str) -> str:
    """The passage's permanent address, or ``""`` when ``html_baseurl`` is not set (see module doc)."""
    base = (config.html_baseurl or "").rstrip("/")
    return f"{base}/{pagename}.html#{anchor}" if base else ""


def page_data(config: Config, pagename: str, passages: list[tuple[str, Passage]], article: dict) -> str:
    """The JSON the page carries for the dialog: templates, and each passage by anchor.

    ``article`` is the ``[article]`` table of ``sources/article.toml``.
    """
    year = edition_year(config.today, article["date"][:4])
    data = {
        "forms": templates(article, config.project, config.author, year),
        "passages": {
            passage.anchor: {**asdict(passage), "kind": kind, "address": address_of(config, pagename, passage.anchor)}
            for kind, passage in passages
        },
    }
    # Inside <script>: "</" must not close the element early.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


@extension
def setup(app: Sphinx) -> None:
    """Register the button node (written by ``reading_modes.py``'s transform)."""
    app.add_node(cite_button, html=(visit_cite_button, None))

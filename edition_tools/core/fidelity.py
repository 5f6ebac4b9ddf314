"""Prove that the edition reproduces the article's body paragraphs exactly.

The text of each article paragraph is taken from the MyST pages (markdown-it
tokens, with annotation markers dropped and roles reduced to their text) or
from the built HTML (with paragraph numbers and annotation markers removed),
and compared with the pinned source. Only runs of white space are normalised;
a changed quote mark is a changed word. Each difference is reported at the
line where it occurs, with the ¶ and the words on both sides.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from edition_tools.core.article import ROOT, BodyParagraph, body_paragraphs, normalise_space
from edition_tools.core.conventions import PARAGRAPH_LABEL, role_text
from edition_tools.core.pages import Located, ParsedPage, parse_page
from edition_tools.core.problems import Problem, display_path

#: The page that holds the article's table of contents.
COVER_PAGE = ROOT / "docs" / "index.md"


@dataclass
class EditionParagraph:
    """An article paragraph as the edition has it, with where each word stands."""

    number: int
    path: str
    line: int
    words: list[str] = field(default_factory=list)
    #: 1-based source line of each word, parallel to ``words``.
    word_lines: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def inline_words(children: list[Located]) -> tuple[list[str], list[int]]:
    """Return the words of located inline tokens and the line of each word.

    Annotation markers (``[^label]``) are dropped; a role keeps its visible
    text (``{term}`Sher Khan Port <sher-khan-port>``` reads "Sher Khan Port").
    """
    pieces: list[tuple[str, int]] = []
    for item in children:
        token, line = item.token, item.line
        if token.type in ("softbreak", "hardbreak"):
            pieces.append((" ", line))
        elif token.type == "footnote_ref":
            continue
        elif token.type == "myst_role":
            pieces.append((role_text(token.content), line))
        elif token.type in ("text", "code_inline", "html_inline", "math_inline"):
            pieces.append((token.content, line))
    # Split into words while keeping the line on which each word starts.
    words: list[str] = []
    lines: list[int] = []
    joined_previous = False
    for text, text_line in pieces:
        for index, chunk in enumerate(re.split(r"(\s+)", text)):
            if not chunk:
                continue
            if chunk.isspace():
                joined_previous = False
                continue
            if words and joined_previous and index == 0:
                words[-1] += chunk
            else:
                words.append(chunk)
                lines.append(text_line)
            joined_previous = True
        if text and text[-1].isspace():
            joined_previous = False
    return words, lines


def paragraphs_from_myst(path: Path, text: str | None = None, page: ParsedPage | None = None) -> list[EditionParagraph]:
    """Return the article paragraphs (those after a ``(pN)=`` target) of a MyST page.

    ``page`` is the page as :func:`~edition_tools.core.pages.parse_page` read
    it, when the caller has it already.
    """
    if page is None:
        page = parse_page(path.read_text(encoding="utf-8") if text is None else text)
    shown = display_path(path, ROOT)
    found: list[EditionParagraph] = []
    for paragraph in page.paragraphs:
        if not paragraph.children:
            found.append(EditionParagraph(paragraph.number, shown, paragraph.line))
            continue
        words, lines = inline_words(paragraph.children)
        found.append(EditionParagraph(paragraph.number, shown, paragraph.line, words, lines))
    return found


def article_pages(cover: Path = COVER_PAGE, page: ParsedPage | None = None) -> list[Path]:
    """Return the article's pages in reading order.

    They are the entries of the cover page's toctree named ``article-parts``.
    ``page`` is the cover as :func:`~edition_tools.core.pages.parse_page`
    read it, when the caller has it already.
    """
    if page is None:
        page = parse_page(cover.read_text(encoding="utf-8"))
    pages: list[Path] = []
    for directive in page.directives:
        if directive.name != "toctree" or directive.options.get("name") != "article-parts":
            continue
        for entry in directive.body:
            entry = entry.strip()
            if entry:
                candidate = cover.parent / f"{entry}.md"
                if candidate.exists():
                    pages.append(candidate)
    return pages


def edition_paragraphs_from_myst(pages: list[Path] | None = None) -> list[EditionParagraph]:
    """Return every article paragraph of the MyST pages, in reading order."""
    paragraphs: list[EditionParagraph] = []
    for page in article_pages() if pages is None else pages:
        paragraphs.extend(paragraphs_from_myst(page))
    return paragraphs


def edition_paragraphs_from_html(html_dir: Path, pages: list[Path] | None = None) -> list[EditionParagraph]:
    """Return every article paragraph of the built HTML, in reading order.

    Paragraph numbers (``a.para-num``) and annotation markers
    (``a.footnote-reference``) are removed; annotations stand outside the
    paragraph and are not part of its text.
    """
    from bs4 import BeautifulSoup  # only the HTML side needs it

    paragraphs: list[EditionParagraph] = []
    for page in article_pages() if pages is None else pages:
        docname = page.relative_to(ROOT).with_suffix("")
        html_path = html_dir / f"{docname}.html"
        soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article") or soup
        for element in article.find_all("p", id=PARAGRAPH_LABEL):
            number = int(PARAGRAPH_LABEL.match(element["id"]).group(1))
            line = element.sourceline or 1
            for removable in element.select("a.para-num, a.footnote-reference"):
                removable.decompose()
            words = normalise_space(element.get_text()).split(" ")
            shown = display_path(html_path, ROOT)
            paragraphs.append(EditionParagraph(number, shown, line, words, [line] * len(words)))
    return paragraphs


def _describe(words: list[str]) -> str:
    """Quote a run of words, shortened in the middle when it is long."""
    if len(words) > 14:
        words = [*words[:8], "…", *words[-4:]]
    return "“" + " ".join(words) + "”" if words else "nothing"


def _best_match(words: list[str], source: tuple[BodyParagraph, ...]) -> BodyParagraph:
    """Return the source paragraph that ``words`` resemble most."""
    def ratio(paragraph: BodyParagraph) -> float:
        other = normalise_space(paragraph.text).split(" ")
        return difflib.SequenceMatcher(a=other, b=words, autojunk=False).ratio()
    return max(source, key=ratio)


def _invisible_change(old: list[str], new: list[str]) -> str:
    """Name the characters that differ when two word runs look alike."""
    old_text, new_text = " ".join(old), " ".join(new)
    if len(old_text) != len(new_text):
        return ""
    changes = {
        (a, b) for a, b in zip(old_text, new_text, strict=True) if a != b
    }
    names = [
        f"U+{ord(a):04X} {unicodedata.name(a, '?')} became U+{ord(b):04X} {unicodedata.name(b, '?')}"
        for a, b in sorted(changes)
    ]
    return "; " + ", ".join(names) if names else ""


def compare_paragraph(source: BodyParagraph, edition: EditionParagraph) -> list[Problem]:
    """Return one problem per run of words where ``edition`` departs from ``source``."""
    source_words = normalise_space(source.text).split(" ")
    matcher = difflib.SequenceMatcher(a=source_words, b=edition.words, autojunk=False)
    if matcher.ratio() < 0.5:
        # Not an edit of this paragraph: most likely another one under its label.
        likely = _best_match(edition.words, body_paragraphs())
        hint = (
            f"its text is that of ¶{likely.number}; are two labels swapped?"
            if likely.number != source.number
            else "most of its words differ"
        )
        return [
            Problem(
                edition.path,
                edition.line,
                f"the paragraph marked (p{source.number})= is not ¶{source.number} of the "
                f"article ({_describe(source_words[:6])}…): {hint}",
                "article-text",
            )
        ]
    problems: list[Problem] = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, new = source_words[a1:a2], edition.words[b1:b2]
        if b1 < len(edition.word_lines):
            line = edition.word_lines[b1]
        else:
            line = edition.word_lines[-1] if edition.word_lines else edition.line
        if tag == "delete":
            what = (
                f"the article's words {_describe(old)} are missing after "
                f"“{' '.join(source_words[max(0, a1 - 3):a1])}”"
            )
        elif tag == "insert":
            what = f"{_describe(new)} is not in the article"
        else:
            what = f"{_describe(old)} was changed to {_describe(new)}{_invisible_change(old, new)}"
        problems.append(
            Problem(
                edition.path,
                line,
                f"¶{source.number} differs from the article: {what}; "
                "restore the text of sources/article.txt and put corrections in an annotation",
                "article-text",
            )
        )
    return problems


def check_fidelity(
    edition: list[EditionParagraph],
    source: tuple[BodyParagraph, ...] | None = None,
    *,
    require_all: bool = True,
) -> list[Problem]:
    """Compare the edition's paragraphs, in reading order, with the source's.

    With ``require_all`` false, paragraphs absent from ``edition`` are not
    reported (for checking a single page).
    """
    source = body_paragraphs() if source is None else source
    by_number = {paragraph.number: paragraph for paragraph in source}
    problems: list[Problem] = []
    seen: dict[int, EditionParagraph] = {}
    previous = 0
    for paragraph in edition:
        if paragraph.number not in by_number:
            problems.append(
                Problem(
                    paragraph.path,
                    paragraph.line,
                    f"(p{paragraph.number})= names no paragraph of the article, "
                    f"which has ¶1–¶{len(source)}",
                    "paragraph-number",
                )
            )
            continue
        if paragraph.number in seen:
            first = seen[paragraph.number]
            problems.append(
                Problem(
                    paragraph.path,
                    paragraph.line,
                    f"¶{paragraph.number} appears twice (first at {first.path}:{first.line}); "
                    "each paragraph of the article appears once",
                    "paragraph-number",
                )
            )
            continue
        seen[paragraph.number] = paragraph
        if paragraph.number < previous:
            problems.append(
                Problem(
                    paragraph.path,
                    paragraph.line,
                    f"¶{paragraph.number} comes after ¶{previous}; "
                    "the article's paragraphs must stay in their order",
                    "paragraph-order",
                )
            )
        previous = max(previous, paragraph.number)
        if not paragraph.words:
            problems.append(
                Problem(
                    paragraph.path,
                    paragraph.line,
                    f"(p{paragraph.number})= must stand directly before the paragraph "
                    f"¶{paragraph.number} of the article",
                    "paragraph-number",
                )
            )
            continue
        problems.extend(compare_paragraph(by_number[paragraph.number], paragraph))
    where = edition[-1] if edition else None
    for number in sorted(set(by_number) - set(seen)) if require_all else []:
        problems.append(
            Problem(
                where.path if where else display_path(COVER_PAGE, ROOT),
                where.line if where else 1,
                f"¶{number} of the article is missing: no paragraph is marked (p{number})=",
                "paragraph-missing",
            )
        )
    return problems

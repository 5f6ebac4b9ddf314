"""The printed edition: the PDF of ``make pdf`` holds the whole edition, legibly.

One PDF is built per test session, as ``make pdf`` builds it (Sphinx's LaTeX
builder, then latexmk with XeLaTeX), into a temporary folder. pypdf reads its
text run by run, with each run's font and size, which tells the article's
text, the footnote marks in it and the footnotes at the page foot apart.
Text is compared after normalising white space, line breaks and hyphenation
only. Without TeX the tests are skipped with the line that installs it; on CI
(``CI`` set) they fail instead, since CI installs TeX.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT, Build, shared, sphinx_build
from pybtex.database import parse_file
from pybtex.richtext import Text
from pypdf import PdfReader

from edition_tools.core.article import body_paragraphs, load_metadata
from edition_tools.core.conventions import KINDS, role_text
from edition_tools.core.fidelity import article_pages
from edition_tools.core.pages import markdown_parser, parse_page
from edition_tools.ext import tex_installation
from edition_tools.ext.latex_edition import PDF_NAME

#: Font sizes (bp) in the 11pt class: body text, footnote mark in the text,
#: footnote text, and the footnote's own number at the page foot.
BODY, MARK, NOTE, NOTE_NUMBER = 10.95, 7.97, 8.97, 5.98

#: How a citation prints in a footnote: its label in square brackets.
CITATION = r"\[[^\[\]]+\]"


@dataclass
class Run:
    """A run of text as the PDF sets it: where, in which font and size."""

    page: int
    text: str
    font: str
    size: float
    y: float

    def is_serif(self, size: float) -> bool:
        """True for text in the serif text face at ``size`` (±0.25 bp)."""
        return "Serif" in self.font and abs(self.size - size) < 0.25


@dataclass
class Pdf:
    """The built PDF, its LaTeX log and what the tests read from it."""

    path: Path
    log: str
    index_entries: int
    reader: PdfReader
    runs: list[Run] = field(default_factory=list)


def _read_runs(reader: PdfReader) -> list[Run]:
    """Every run of text of the PDF, page by page, in pypdf's reading order."""
    runs: list[Run] = []
    for number, page in enumerate(reader.pages, start=1):
        def visit(text, cm, tm, font, size, number=number):
            if not text:
                return
            name = str((font or {}).get("/BaseFont", ""))
            name = re.sub(r"^/([A-Z]{6}\+)?|-Identity-H$", "", name)
            scale = abs(tm[3] * cm[3]) or 1.0
            y = cm[2] * tm[4] + cm[3] * tm[5] + cm[5]
            runs.append(Run(number, text, name, round(size * scale, 2), y))
        page.extract_text(visitor_text=visit)
    return runs


def make_pdf(outdir: Path) -> Build:
    """Build the PDF into ``outdir`` as ``make pdf`` does: Sphinx's LaTeX, then latexmk."""
    build = sphinx_build(outdir, builder="latex")
    if build.returncode != 0:
        return build
    latexmk = subprocess.run(
        ["make", "-C", str(outdir), "all-pdf", "LATEXMKOPTS=-silent", "LATEXOPTS=-halt-on-error"],
        capture_output=True, text=True,
    )
    return Build(outdir, latexmk.returncode, latexmk.stdout[-3000:] + latexmk.stderr[-3000:])


@pytest.fixture(scope="session")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Pdf:
    """The PDF of the edition, built once, as ``make pdf`` builds it."""
    absent = tex_installation.missing()
    if absent:
        message = (
            f"the PDF needs TeX; missing: {', '.join(absent)}. "
            f"Install it with: {tex_installation.install_command()}"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    build = shared(tmp_path_factory, "pdf", make_pdf)
    assert build.returncode == 0, build.stderr
    outdir = build.outdir
    log = (outdir / f"{PDF_NAME}.log").read_text(encoding="utf-8", errors="replace")
    idx = outdir / f"{PDF_NAME}.idx"
    entries = len(idx.read_text(encoding="utf-8", errors="replace").splitlines()) if idx.exists() else 0
    reader = PdfReader(outdir / f"{PDF_NAME}.pdf")
    return Pdf(outdir / f"{PDF_NAME}.pdf", log, entries, reader, _read_runs(reader))


# -- Text as set in lines ----------------------------------------------------

def join_runs(runs: list[Run]) -> str:
    """Join runs into text: a new line wherever the runs move to another line."""
    parts: list[str] = []
    previous: Run | None = None
    for run in runs:
        moved = previous is not None and (run.page != previous.page or abs(run.y - previous.y) > 1)
        if moved and parts and not parts[-1].endswith((" ", "\n")):
            parts.append("\n")
        parts.append(run.text)
        previous = run
    text = re.sub(r"[ \t\u00a0]*\n\s*", "\n", "".join(parts))
    return re.sub(r"[ \t\u00a0]+", " ", text)


def flexible(text: str, spaces: str = "[ \n]") -> str:
    """Return a regex for ``text`` as it may be set in lines.

    A space may be a line break, and a line may break after any character,
    with a hyphen added (TeX's hyphenation) or not (after a dash or a slash).
    """
    pattern = []
    for char in re.sub(r"\s+", " ", text):
        pattern.append(spaces if char == " " else re.escape(char) + "(?:-?\n)?")
    return "".join(pattern)


def body_text(pdf: Pdf) -> str:
    """The text set in the body's size and face: no headings, marks or notes."""
    return join_runs([run for run in pdf.runs if run.is_serif(BODY)])


def footnotes(pdf: Pdf) -> list[tuple[int, int, str]]:
    """Return each footnote at a page foot as (number, page, text), in order."""
    notes: list[tuple[int, int, list[Run]]] = []
    for run in pdf.runs:
        if run.is_serif(NOTE_NUMBER) and run.text.strip().isdigit():
            notes.append((int(run.text), run.page, []))
        elif run.is_serif(NOTE) and notes:
            notes[-1][2].append(run)
    return [(number, page, join_runs(runs).strip()) for number, page, runs in notes]


def footnote_marks(pdf: Pdf) -> list[tuple[int, int]]:
    """Return each footnote mark in the text as (number, page), in order."""
    return [
        (int(run.text), run.page)
        for run in pdf.runs
        if run.is_serif(MARK) and run.text.strip().isdigit()
    ]


# -- The annotations, from the MyST pages ------------------------------------

@dataclass
class Annotation:
    """An annotation of the article and the regex of its text as printed."""

    label: str
    page: Path
    pattern: str


def _note_pattern(inlines: list) -> str:
    """Regex of a footnote's text: its words, with each citation as a label."""
    pieces: list[str] = []
    text = ""
    for inline in inlines:
        for token in inline.children or []:
            if token.type == "text" or token.type == "code_inline":
                text += token.content
            elif token.type in ("softbreak", "hardbreak"):
                text += " "
            elif token.type == "myst_role" and token.meta.get("name", "").startswith("cite"):
                pieces += [flexible(text), CITATION]
                text = ""
            elif token.type == "myst_role":
                text += role_text(token.content)
        text += " "
    pieces.append(flexible(text.strip()))
    return "".join(pieces)


def annotations(pages: list[Path]) -> list[Annotation]:
    """Return the annotations of ``pages`` in the order of their references."""
    found: list[Annotation] = []
    for page in pages:
        tokens = markdown_parser().parse(page.read_text(encoding="utf-8"))
        definitions: dict[str, list] = {}
        order: list[str] = []
        current = None
        for token in tokens:
            if token.type == "footnote_reference_open":
                current = definitions.setdefault(token.meta["label"], [])
            elif token.type == "footnote_reference_close":
                current = None
            elif token.type == "inline" and current is not None:
                current.append(token)
            elif token.type == "inline":
                order += [
                    child.meta["label"] for child in token.children or []
                    if child.type == "footnote_ref" and child.meta["label"] not in order
                ]
        found += [Annotation(label, page, _note_pattern(definitions[label])) for label in order]
    return found


def all_footnote_definitions() -> int:
    """Count the footnote definitions on every page of the edition."""
    pages = [*ROOT.glob("docs/**/*.md"), *ROOT.glob("glossary/**/*.md")]
    return sum(len(re.findall(r"^\[\^[^\]]+\]:", p.read_text(encoding="utf-8"), re.M)) for p in pages)


def chapters_in_print_order() -> list[str]:
    """The first heading of each page the cover's toctrees list, in order."""
    cover = ROOT / "docs" / "index.md"
    titles: list[str] = []
    for token in markdown_parser().parse(cover.read_text(encoding="utf-8")):
        if token.type != "fence" or token.info.strip() != "{toctree}":
            continue
        for entry in token.content.splitlines():
            entry = entry.strip()
            if not entry or entry.startswith(":"):
                continue
            # "Title <target>" names its target; a target starting with "/"
            # is a docname from the source folder, others are relative.
            titled = re.fullmatch(r".*<(.+)>", entry)
            target = titled.group(1) if titled else entry
            if target.lstrip("/") in ("genindex", "search"):
                continue
            base = ROOT if target.startswith("/") else cover.parent
            page = (base / f"{target.lstrip('/')}.md").resolve()
            heading = re.search(r"^# (.+)$", page.read_text(encoding="utf-8"), re.M)
            titles.append(heading.group(1).strip())
    return titles


def cited_keys() -> list[str]:
    """Every bibliography key cited on a page of the edition."""
    keys: list[str] = []
    for page in sorted(ROOT.glob("docs/**/*.md")) + sorted(ROOT.glob("glossary/**/*.md")):
        # Read as the validator reads it: a citation shown as code is no citation.
        for citation in parse_page(page.read_text(encoding="utf-8")).citations:
            keys += [k for k in citation.keys if k not in keys]
    return keys


def outline(pdf: Pdf) -> list[tuple[str, int]]:
    """The PDF's top-level bookmarks: (title, 0-based page)."""
    return [
        (item.title, pdf.reader.get_destination_page_number(item))
        for item in pdf.reader.outline
        if not isinstance(item, list)
    ]


# -- Tests -------------------------------------------------------------------

def test_readme_gives_the_install_line_of_the_ci_package_list() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert tex_installation.install_command() in readme
    assert {"latexmk", "texlive-xetex", "fonts-freefont-otf"} <= set(tex_installation.debian_packages())


def test_every_body_paragraph_of_the_article_is_in_the_pdf(pdf: Pdf) -> None:
    text = body_text(pdf)
    missing = [p.number for p in body_paragraphs() if not re.search(flexible(p.text), text)]
    assert missing == [], f"paragraphs not found in the PDF: {missing}"


def test_paragraph_numbers_are_printed_in_order(pdf: Pdf) -> None:
    numbers = [
        int(m) for run in pdf.runs if "Sans" in run.font
        for m in re.findall(r"¶(\d+)", run.text)
    ]
    assert numbers == list(range(1, len(body_paragraphs()) + 1))


def test_footnote_marks_and_notes_are_numbered_through_the_whole_book(pdf: Pdf) -> None:
    total = all_footnote_definitions()
    assert total > 0
    marks = footnote_marks(pdf)
    notes = footnotes(pdf)
    assert [number for number, _ in marks] == list(range(1, total + 1))
    assert [number for number, _, _ in notes] == list(range(1, total + 1))
    # Each note starts at the foot of the page that carries its mark.
    assert [page for _, page in marks] == [page for _, page, _ in notes]
    # The check means something only if notes come from several source pages,
    # each of which numbers its own notes from 1.
    assert len({annotation.page for annotation in annotations(article_pages())}) > 1


def test_every_annotation_is_its_footnote_with_kind_and_citations(pdf: Pdf) -> None:
    expected = annotations(article_pages())
    notes = footnotes(pdf)
    assert len(notes) >= len(expected)
    wrong = [
        f"{a.page.name} [^{a.label}] is not footnote {number}: {text[:120]!r}"
        # Not strict: there may be more footnotes than annotations (checked >= above); the extra ones are not compared.
        for a, (number, _, text) in zip(expected, notes, strict=False)
        if not re.fullmatch(a.pattern, text)
    ]
    assert wrong == []
    # The kind line as written: "Context.", "Fact check — imprecise." ...
    assert all(text.startswith(tuple(KINDS)) for _, _, text in notes)


def test_nothing_is_left_unresolved_in_the_text(pdf: Pdf) -> None:
    text = "\n".join(page.extract_text() for page in pdf.reader.pages)
    assert "??" not in text
    assert "[?]" not in text
    assert "undefined" not in text.lower()


def test_latex_log_has_no_missing_characters_or_references(pdf: Pdf) -> None:
    problems = re.findall(
        r"^(?:Missing character|Invalid UTF-8|LaTeX Warning: (?:Reference|Citation|Hyper reference)"
        r"|LaTeX Warning: There were undefined).*$",
        pdf.log,
        re.M,
    )
    hint = (
        "makeindex garbles an index entry that starts outside ASCII: "
        "install xindy and set latex_use_xindy = True in conf.py"
        if any("UTF-8" in problem for problem in problems) else ""
    )
    assert problems == [], hint


def test_no_line_runs_into_the_margin(pdf: Pdf) -> None:
    overfull = [
        line for line in re.findall(r"^Overfull \\hbox \(([\d.]+)pt too wide\).*$", pdf.log, re.M)
        if float(line) > 1.0
    ]
    assert overfull == [], f"lines too wide by (pt): {overfull}"


def test_pdf_metadata_names_the_article_and_its_authors(pdf: Pdf) -> None:
    article = load_metadata()["article"]
    meta = pdf.reader.metadata
    assert meta.title.startswith(article["title"])
    assert "annotated edition" in meta.title
    assert all(author in meta.author for author in article["authors"])
    assert article["publication"] in meta.subject


def test_title_page_names_the_article_the_edition_and_the_rights(pdf: Pdf) -> None:
    article = load_metadata()["article"]
    text = join_runs([run for run in pdf.runs if run.page == 1])
    expected = [
        "From Foe to Partner?",
        "Aigerim Turgunbaeva and Fayazuddin Ghiasi",
        article["publication"],
        "11 June 2025",
        "An annotated edition",
        " ".join(article["attribution"].split()),
    ]
    # pypdf reads the sans-serif title without its word spaces: spaces are optional.
    assert [e for e in expected if not re.search(flexible(e, spaces="[ \n]?"), text)] == []
    # The article's date is the only date: no build date.
    assert set(re.findall(r"\b(?:19|20)\d\d\b", text)) == {article["date"][:4]}


def test_every_page_of_the_edition_is_a_chapter_with_the_index_last(pdf: Pdf) -> None:
    expected = chapters_in_print_order() + (["Index"] if pdf.index_entries else [])
    assert [title for title, _ in outline(pdf)] == expected


def test_bibliography_is_one_chapter_holding_every_cited_source(pdf: Pdf) -> None:
    chapters = outline(pdf)
    titles = [title for title, _ in chapters]
    assert titles.count("Bibliography") == 1 and "References" not in titles
    start = dict(chapters)["Bibliography"]
    after = [page for _, page in chapters if page > start]
    end = min(after) if after else len(pdf.reader.pages) - 1
    entries = parse_file(ROOT / "sources" / "references.bib").entries
    text = body_text(pdf)
    for key in cited_keys():
        destination = pdf.reader.named_destinations[f"cite.docs/bibliography:cite-{key}"]
        # In the bibliography chapter, not gathered at the end of the book.
        assert start <= pdf.reader.get_destination_page_number(destination) <= end, key
        # The title as the bibliography prints it: its LaTeX read as pybtex
        # reads it ("--" is an en dash, braces vanish).
        title = Text.from_latex(entries[key].fields["title"]).render_as("text")
        assert re.search(flexible(title), text), key


def test_internal_links_lead_somewhere(pdf: Pdf) -> None:
    targets: list[str] = []
    for page in pdf.reader.pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get_object().get("/S") == "/GoTo":
                targets.append(str(action.get_object()["/D"]))
    assert targets
    assert [t for t in targets if t not in pdf.reader.named_destinations] == []
    for key in cited_keys():
        assert f"cite.docs/bibliography:cite-{key}" in targets, key
    notes = all_footnote_definitions()
    assert {f"Hfootnote.{n}" for n in range(1, notes + 1)} <= set(targets)


def test_no_link_reaches_into_the_running_head(pdf: Pdf) -> None:
    # xdvipdfmx carries a link that breaks at a page end over the top of the
    # next page; the preamble keeps notes, bibliography entries and citation
    # index entries whole so that none does.
    tops: dict[int, float] = {}
    for run in pdf.runs:
        if run.text.strip():
            tops[run.page] = max(tops.get(run.page, run.y), run.y)
    head, pages_with_head = Counter(round(y, 1) for y in tops.values()).most_common(1)[0]
    assert pages_with_head > len(pdf.reader.pages) / 2  # the line at the top of most pages
    links = reaching = 0
    offenders = []
    for number, page in enumerate(pdf.reader.pages, start=1):
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            links += 1
            bottom, top = sorted(float(annotation["/Rect"][i]) for i in (1, 3))
            if top > head - 4:
                target = annotation.get("/A", {}).get("/URI") or annotation.get("/A", {}).get("/D")
                offenders.append(f"page {number}: link to {target} at {bottom:.0f}–{top:.0f} bp")
            reaching += top > head - 60
    assert links > 100 and reaching > 0  # links near the top of a page exist and are looked at
    assert offenders == []

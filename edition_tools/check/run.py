"""``make check``: validate the edition's content without a Sphinx build.

Run as ``python -m edition_tools.check.run [PATH ...]``. With no paths it checks
the whole edition: every file in docs/ and glossary/ and the bibliography.
With paths (files or folders) it checks just those, still resolving citations
against sources/references.bib and terms against the glossary. Every problem
is printed as ``path:line: message (rule)``, sorted, followed by a count; the
exit status is 0 when clean, 1 when problems were found and 2 for a usage
error. It runs the rules registered in :mod:`edition_tools.check.registry`,
scope by scope; nothing here writes to any file.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

# Importing a rule module registers its rules.
from edition_tools.check import (  # noqa: F401
    annotations,
    bibliography,
    cover,
    events,
    glossary,
    links,
    receipts,
    unsafe_content,
)
from edition_tools.check.bibliography import BibliographyContext, cited_keys, read_bibliography
from edition_tools.check.context import EditionContext, PageContext, TermDefinition
from edition_tools.check.files import MAX_BYTES, read_text
from edition_tools.check.registry import functions, rule, run
from edition_tools.core.article import ROOT, SourceError
from edition_tools.core.conventions import CONTENT_FOLDERS, GLOSSARY_FOLDER
from edition_tools.core.fidelity import EditionParagraph, article_pages, check_fidelity, paragraphs_from_myst
from edition_tools.core.pages import ParsedPage, parse_page
from edition_tools.core.problems import Problem

BIBLIOGRAPHY = Path("sources") / "references.bib"
COVER = Path("docs") / "index.md"


@dataclass
class _File:
    """A file read once: its text (``None`` if unreadable) and the problems reading it."""

    path: Path
    shown: str
    text: str | None
    problems: list[Problem]
    _page: ParsedPage | None = None

    @property
    def page(self) -> ParsedPage:
        if self._page is None:
            self._page = parse_page(self.text or "")
        return self._page


class Edition:
    """The files of an edition rooted at ``root``, each read at most once."""

    def __init__(self, root: Path = ROOT) -> None:
        # Absolute, not resolved: a symbolic link must stay visible as one.
        self.root = Path(os.path.abspath(root))
        self._files: dict[Path, _File] = {}

    def shown(self, path: Path) -> str:
        """The path as problems print it: relative to the root when inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def in_content(self, path: Path) -> bool:
        return any(path.is_relative_to(self.root / folder) for folder in CONTENT_FOLDERS)

    def file(self, path: Path) -> _File:
        if path not in self._files:
            limit = MAX_BYTES if self.in_content(path) else None
            text, problems = read_text(path, self.shown(path), max_bytes=limit)
            self._files[path] = _File(path, self.shown(path), text, problems)
        return self._files[path]

    def content_files(self) -> list[Path]:
        """Every file in docs/ and glossary/."""
        return expand([self.root / folder for folder in CONTENT_FOLDERS if (self.root / folder).exists()])

    def pages(self) -> list[_File]:
        """Every readable Markdown page in docs/ and glossary/."""
        files = (self.file(path) for path in self.content_files() if path.suffix == ".md")
        return [f for f in files if f.text is not None]

    def is_term_file(self, path: Path) -> bool:
        return path.parent == self.root / GLOSSARY_FOLDER and path.name != "index.md"


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files named by ``paths``, folders walked (symbolic links are not followed)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            for folder, subfolders, files in os.walk(path):
                base = Path(folder)
                # A linked folder is reported as a file, not entered.
                found += [base / name for name in subfolders if (base / name).is_symlink()]
                subfolders[:] = sorted(name for name in subfolders if not (base / name).is_symlink())
                found += [base / name for name in files]
        else:
            found.append(path)
    return sorted(dict.fromkeys(found))


def _paragraphs(file: _File) -> list[EditionParagraph]:
    """The article's paragraphs on a page, located as problems show them."""
    paragraphs = paragraphs_from_myst(file.path, file.text, file.page)
    for paragraph in paragraphs:
        paragraph.path = file.shown
    return paragraphs


@rule("article-text", "a paragraph of the article that differs from `sources/article.txt`; the message names "
      "the ¶ and the changed words", "restore the text; put the correction in a Fact check note", scope="edition")
@rule("paragraph-number", "a `(pN)=` line that names no paragraph, is repeated, or does not stand right before "
      "its paragraph", "keep the `(pN)=` lines as they are", scope="edition")
@rule("paragraph-order", "the article's paragraphs out of their order", "restore the order", scope="edition")
@rule("paragraph-missing", "a paragraph of the article missing from the pages", "restore it", scope="edition")
@rule("source-pinned", "`sources/article.txt` no longer matches its pinned checksum",
      "restore the file: the article as received never changes", scope="edition")
def check_article(context: EditionContext) -> list[Problem]:
    """The article's paragraphs, compared with the pinned source."""
    edition: Edition = context.edition
    files = [edition.file(path) for path, _, _ in context.checked]
    try:
        if not context.whole:
            return [p for f in files for p in check_fidelity(_paragraphs(f), require_all=False)]
        cover = edition.file(edition.root / COVER)
        if cover.text is None:
            return []  # reported as a file problem
        ordered = [edition.file(path) for path in article_pages(cover.path, cover.page)]
        # Pages outside the table of contents count too: a paragraph may not appear twice.
        in_order = {f.path for f in ordered}
        others = [f for f in files if f.path not in in_order]
        paragraphs = [p for f in ordered + others if f.text is not None for p in _paragraphs(f)]
        return check_fidelity(paragraphs)
    except SourceError as error:
        return [Problem(BIBLIOGRAPHY.parent.joinpath("article.txt").as_posix(), 1, str(error), "source-pinned")]


@rule("footnote-label-reused", "a note label used on another page of the article too (the export names each "
      "note by its label)", "give one of the notes another label", scope="edition")
def check_labels_across_pages(context: EditionContext) -> Iterator[Problem]:
    """A label names one annotation of the article in the whole edition, not one a page.

    Only pages holding the article's paragraphs count: their notes are the
    ones the export names.
    """
    places: dict[str, list[tuple[str, int]]] = {}
    for _, shown, page in context.every:
        for note in page.footnotes if page.paragraphs else ():
            places.setdefault(note.label.lower(), []).append((shown, note.line))
    for _, shown, page in context.checked:
        for note in page.footnotes if page.paragraphs else ():
            others = [f"{path}:{line}" for path, line in places[note.label.lower()] if path != shown]
            if others:
                yield Problem(
                    shown, note.line,
                    f"the label [^{note.label}] is also used at {', '.join(others)}; a label names one "
                    "annotation in the whole edition: choose another",
                    "footnote-label-reused",
                )


def check_paths(
    paths: Sequence[Path] | None = None, root: Path = ROOT, today: _dt.date | None = None
) -> list[Problem]:
    """Return every problem of the files under ``paths`` (the whole edition if ``None``).

    ``today`` is the day the check stands on (default: today); a *Since
    publication* month may not be later.
    """
    edition = Edition(root)
    whole = paths is None
    bibliography_path = edition.root / BIBLIOGRAPHY
    if whole:
        checked = [*edition.content_files(), bibliography_path]
    else:
        checked = expand([Path(os.path.abspath(path)) for path in paths])
    problems: list[Problem] = []
    for path in checked:
        problems += edition.file(path).problems

    # What every check resolves against: the bibliography and the glossary.
    context = edition.pages()
    the_bibliography = None
    bib_file = edition.file(bibliography_path)
    if bib_file.text is not None:
        the_bibliography = read_bibliography(bib_file.text)
    checked_pages = [
        f for f in (edition.file(p) for p in checked if p.suffix == ".md") if f.text is not None
    ]
    all_pages = list({f.path: f for f in context + checked_pages}.values())
    term_definitions = [t for f in all_pages for t in glossary.definitions(f.page, f.shown)]
    terms: dict[str, TermDefinition] = {}
    for term in term_definitions:
        terms.setdefault(term.key, term)

    today = today or _dt.date.today()
    # The set of keys once, not once a page: it is as long as the bibliography.
    keys = the_bibliography.keys if the_bibliography else None
    for file in checked_pages:
        page_context = PageContext(
            file.page, file.shown, file.path, edition.root, keys, terms, BIBLIOGRAPHY.as_posix(), today,
        )
        for function in functions("page"):
            problems += run(function, page_context)
        if edition.is_term_file(file.path):
            for function in functions("glossary-file"):
                problems += run(function, page_context)

    edition_context = EditionContext(
        checked=[(f.path, f.shown, f.page) for f in checked_pages],
        every=[(f.path, f.shown, f.page) for f in all_pages],
        whole=whole, root=edition.root, terms=term_definitions, edition=edition, today=today, named=checked,
    )
    for function in functions("edition"):
        problems += run(function, edition_context)

    cited = cited_keys(f.page for f in context)
    for path in checked:
        file = edition.file(path)
        if path.suffix == ".bib" and file.text is not None:
            parsed = the_bibliography if path == bibliography_path else read_bibliography(file.text)
            for function in functions("bibliography"):
                problems += run(function, BibliographyContext(parsed, file.shown, path, cited))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.rule, p.message))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the problems of the edition (or of the given paths) and return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m edition_tools.check.run",
        description=__doc__.split("\n\n")[1].replace("\n", " "),
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="files or folders to check (default: the whole edition)")
    arguments = parser.parse_args(argv)
    missing = [str(path) for path in arguments.paths if not os.path.lexists(path)]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    problems = check_paths(arguments.paths or None)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
        return 1
    print("No problems found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

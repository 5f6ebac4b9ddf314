"""``make check``: validate the edition's content without a Sphinx build.

Run as ``python -m edition_tools.check.run [PATH ...]``. With no paths it checks
the whole edition: every file in docs/ and glossary/ and the bibliography.
With paths (files or folders) it checks just those, still resolving citations
against sources/references.bib and terms against the glossary. Every problem
is printed as ``path:line: message (rule)``, sorted, followed by a count; the
exit status is 0 when clean, 1 when problems were found and 2 for a usage
error. The rules are listed in :mod:`edition_tools.check.registry`; nothing here
writes to any file.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from datetime import date

from edition_tools.check import annotations as annotation_rules, bibliography as bibliography_rules, glossary as glossary_rules
from edition_tools.check.events import check_events
from edition_tools.core.event_dates import ARTICLE_DATES
from edition_tools.core.article import ROOT, SourceError, body_paragraphs
from edition_tools.check.files import MAX_BYTES, read_text
from edition_tools.core.pages import ParsedPage, parse_page
from edition_tools.core.problems import Problem
from edition_tools.core.fidelity import EditionParagraph, article_pages, check_fidelity, paragraphs_from_myst
from edition_tools.check.unsafe_content import check_untrusted

#: The folders of contributed content, relative to the root.
CONTENT_FOLDERS = ("docs", "glossary")
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
        return path.parent == self.root / "glossary" and path.name != "index.md"


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


def _check_page(
    edition: Edition, file: _File, keys: set[str] | None, terms: dict[str, glossary_rules.TermDefinition]
) -> list[Problem]:
    """The rules of one page; ``keys`` is ``None`` when the bibliography is unreadable."""
    page, shown = file.page, file.shown
    problems = [
        *annotation_rules.check_references(page, shown),
        *annotation_rules.check_bodies(page, shown),
        *check_untrusted(page, shown, file.path, edition.root),
        *glossary_rules.check_term_references(page, shown, terms),
    ]
    if keys is not None:
        problems += bibliography_rules.check_citations(page, shown, keys, BIBLIOGRAPHY.as_posix())
    if edition.is_term_file(file.path):
        problems += glossary_rules.check_term_file(page, shown)
    return problems


def _paragraphs(file: _File) -> list[EditionParagraph]:
    """The article's paragraphs on a page, located as problems show them."""
    paragraphs = paragraphs_from_myst(file.path, file.text)
    for paragraph in paragraphs:
        paragraph.path = file.shown
    return paragraphs


def _check_article(edition: Edition, files: list[_File], whole: bool) -> list[Problem]:
    """The article's paragraphs, compared with the pinned source."""
    try:
        if not whole:
            return [p for f in files for p in check_fidelity(_paragraphs(f), require_all=False)]
        cover = edition.file(edition.root / COVER)
        if cover.text is None:
            return []  # reported as a file problem
        ordered = [edition.file(path) for path in article_pages(edition.root / COVER)]
        # Pages outside the table of contents count too: a paragraph may not appear twice.
        in_order = {f.path for f in ordered}
        others = [f for f in files if f.path not in in_order]
        paragraphs = [p for f in ordered + others if f.text is not None for p in _paragraphs(f)]
        return check_fidelity(paragraphs)
    except SourceError as error:
        return [Problem(BIBLIOGRAPHY.parent.joinpath("article.txt").as_posix(), 1, str(error), "source-pinned")]


def _check_events(
    edition: Edition, checked: list[Path], checked_pages: list[_File], all_pages: list[_File], whole: bool
) -> list[Problem]:
    """The Timeline's events: roles on the checked pages, and the article-dates file.

    The file is checked with the whole edition, or when it is named; not when
    the pinned article cannot be read, which ``source-pinned`` reports.
    """
    dates_file = edition.root / ARTICLE_DATES
    article = ()
    if (whole or dates_file in checked) and dates_file.is_file():
        try:
            article = body_paragraphs(edition.root / "sources")
        except (OSError, KeyError, SourceError):
            dates_file = None
    else:
        dates_file = None
    return check_events(
        [(f.shown, f.page) for f in checked_pages],
        today=date.today(),
        article_dates=dates_file,
        article_dates_shown=ARTICLE_DATES.as_posix(),
        article=article,
        all_pages=[(f.shown, f.page) for f in all_pages],
    )


def check_paths(paths: Sequence[Path] | None = None, root: Path = ROOT) -> list[Problem]:
    """Return every problem of the files under ``paths`` (the whole edition if ``None``)."""
    edition = Edition(root)
    whole = paths is None
    bibliography_path = edition.root / BIBLIOGRAPHY
    if whole:
        checked = edition.content_files() + [bibliography_path]
    else:
        checked = expand([Path(os.path.abspath(path)) for path in paths])
    problems: list[Problem] = []
    for path in checked:
        problems += edition.file(path).problems

    # What every check resolves against: the bibliography and the glossary.
    context = edition.pages()
    bibliography = None
    bib_file = edition.file(bibliography_path)
    if bib_file.text is not None:
        bibliography = bibliography_rules.read_bibliography(bib_file.text)
    checked_pages = [
        f for f in (edition.file(p) for p in checked if p.suffix == ".md") if f.text is not None
    ]
    all_pages = list({f.path: f for f in context + checked_pages}.values())
    term_definitions = [t for f in all_pages for t in glossary_rules.definitions(f.page, f.shown)]
    terms: dict[str, glossary_rules.TermDefinition] = {}
    for term in term_definitions:
        terms.setdefault(term.key, term)

    for file in checked_pages:
        problems += _check_page(edition, file, bibliography.keys if bibliography else None, terms)
    problems += glossary_rules.check_duplicates(term_definitions, {f.shown for f in checked_pages})
    problems += _check_article(edition, checked_pages, whole)
    problems += _check_events(edition, checked, checked_pages, all_pages, whole)

    cited = bibliography_rules.cited_keys(f.page for f in context)
    for path in checked:
        file = edition.file(path)
        if path.suffix == ".bib" and file.text is not None:
            parsed = bibliography if path == bibliography_path else bibliography_rules.read_bibliography(file.text)
            problems += bibliography_rules.check_bibliography(parsed, file.shown, cited)
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.rule, p.message))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the problems of the edition (or of the given paths) and return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m edition_tools.check.run",
        description=__doc__.split("\n\n")[1].replace("\n", " "),
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders to check (default: the whole edition)")
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

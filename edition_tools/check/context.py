"""What the rules are given: one page, one bibliography, or the pages checked together."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from edition_tools.core.conventions import term_key
from edition_tools.core.pages import ParsedPage


@dataclass(frozen=True)
class TermDefinition:
    """A term as a glossary page defines it."""

    term: str
    path: str
    line: int

    @property
    def key(self) -> str:
        return term_key(self.term)


@dataclass
class PageContext:
    """One readable page and what its rules resolve against."""

    page: ParsedPage
    #: The path as problems print it.
    shown: str
    path: Path
    root: Path
    #: The keys of the bibliography; ``None`` when it cannot be read.
    keys: set[str] | None
    #: Every term of the glossary, by key.
    terms: dict[str, TermDefinition]
    #: The bibliography's path as problems print it.
    bibliography: str
    #: The day of the check (a *Since publication* month may not be later).
    today: _dt.date


@dataclass
class EditionContext:
    """The pages checked together, with every page of the edition as context."""

    #: ``(path, shown, page)`` of the pages being checked.
    checked: list[tuple[Path, str, ParsedPage]]
    #: ``(path, shown, page)`` of every readable page, checked or not.
    every: list[tuple[Path, str, ParsedPage]]
    #: True when the whole edition is checked (not just some paths).
    whole: bool
    root: Path
    terms: list[TermDefinition] = field(default_factory=list)
    #: Set by the runner: the edition's article check reads files it may not have read.
    edition: object = None
    #: The day of the check (the cover's months and the events may not be later).
    today: _dt.date = field(default_factory=_dt.date.today)
    #: Every file being checked, pages or not (a data file may be named).
    named: list[Path] = field(default_factory=list)
    #: What a data file gave the first rule that read it, by file: several rules read one file.
    data_files: dict[Path, object] = field(default_factory=dict)

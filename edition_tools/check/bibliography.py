"""Rules for the bibliography (``sources/references.bib``) and the citations of the pages.

The file is read with pybtex's own BibTeX scanner, the one sphinxcontrib-bibtex
uses, extended only to remember the line of each entry and field. Every entry
is a page that was read: it needs a ``title``, an ``organization`` (the outlet
or site), a ``date`` and ``urldate`` in ISO form, and a ``url`` that is an
absolute ``https://`` (or ``http://``) address. Keys follow the scheme
source-year-word (``asiaplus2025delisted``). Every citation names an entry,
and every entry is cited somewhere.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pybtex import textutils
from pybtex.database.input.bibtex import LowLevelParser
from pybtex.scanner import PybtexSyntaxError

from edition_tools.check.context import PageContext
from edition_tools.check.registry import rule
from edition_tools.check.unsafe_content import web_address_problem
from edition_tools.core.pages import ParsedPage
from edition_tools.core.problems import Problem

#: The key scheme: source (letters or digits), year, then a word: ``24kg2024proposal``.
KEY_SCHEME = re.compile(r"^[a-z0-9]*[a-z][a-z0-9]*?[0-9]{4}[a-z][a-z0-9]*$")
ISO_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
#: Required fields and what to write in each.
REQUIRED_FIELDS = {
    "title": "title = {...} (the headline; a descriptive title in [square brackets])",
    "organization": "organization = {...} (the outlet or site that published it)",
    "date": "date = {YYYY-MM-DD} (the date of publication, as printed)",
    "url": "url = {https://...} (the address of the page as read)",
    "urldate": "urldate = {YYYY-MM-DD} (the day the page was read)",
}
DATE_FIELDS = ("date", "urldate")


@dataclass
class Entry:
    """One bibliography entry and where its parts stand."""

    key: str
    type: str
    line: int
    #: Field name (lower case) to value and line.
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    duplicate_fields: list[tuple[str, int]] = field(default_factory=list)
    #: True when a syntax error cut the entry short.
    broken: bool = False


@dataclass
class Bibliography:
    """The entries of a .bib file and its syntax errors as ``(line, message)``."""

    entries: list[Entry]
    errors: list[tuple[int, str]]

    @property
    def keys(self) -> set[str]:
        return {entry.key for entry in self.entries}


class _LocatingScanner(LowLevelParser):
    """pybtex's scanner, remembering the line of each entry and field."""

    def __init__(self, text: str) -> None:
        super().__init__(text, handle_error=self._record_error)
        self.errors: list[tuple[int, str, int]] = []
        self.field_lines: list[tuple[str, int]] = []
        self.entry_line = 1
        # Where the last entry started, so that its line is counted on from there, not from the top.
        self._counted = 0

    def _record_error(self, error: PybtexSyntaxError) -> None:
        start = error.error_context_info[0] or 0
        self.errors.append((error.lineno or 1, str(error), start))

    def parse_command(self):
        self.entry_line += self.text.count("\n", self._counted, self.command_start)
        self._counted = self.command_start
        self.field_lines = []
        return super().parse_command()

    def parse_field(self):
        # pybtex's parse_field, plus the line on which the field's name stands.
        name = self.optional([self.NAME])
        if not name:
            return
        self.field_lines.append((name.value.lower(), self.lineno))
        self.current_field_name = name.value
        self.required([self.EQUALS])
        self.parse_value()


def read_bibliography(text: str) -> Bibliography:
    """Parse BibTeX ``text`` into located entries and syntax errors."""
    scanner = _LocatingScanner(text)
    entries: list[Entry] = []
    for command, body in scanner:
        if command.lower() in ("string", "preamble"):
            continue
        key, fields = body
        entry = Entry(key or "", command.lower(), scanner.entry_line)
        lines = iter(scanner.field_lines)
        for name, value_parts in fields:
            name = name.lower()
            line = next((ln for fn, ln in lines if fn == name), entry.line)
            if name in entry.fields:
                entry.duplicate_fields.append((name, line))
                continue
            entry.fields[name] = (textutils.normalize_whitespace("".join(value_parts)), line)
        entries.append(entry)
    errors: list[tuple[int, str]] = []
    for line, message, start in scanner.errors:
        entry_line = text.count("\n", 0, start) + 1
        for entry in entries:
            if entry.line == entry_line:
                entry.broken = True
        errors.append((line, re.sub(r" in line [0-9]+", "", message)))
    return Bibliography(entries, errors)


def iso_date_problem(value: str) -> str | None:
    """Say why ``value`` is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), or ``None``."""
    match = ISO_DATE.match(value)
    if not match:
        return "is not an ISO date; write YYYY-MM-DD (or YYYY-MM, or YYYY), e.g. 2025-04-17"
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        _dt.date(year, month or 1, day or 1)
    except ValueError:
        return "is not a day of the calendar; check the month and the day (YYYY-MM-DD)"
    return None


def _suggest_key(key: str) -> str:
    candidate = re.sub(r"[^a-z0-9]", "", key.lower())
    return f"; write {candidate}" if KEY_SCHEME.match(candidate) else ", e.g. asiaplus2025delisted"


@dataclass
class BibliographyContext:
    """A .bib file read, and the keys cited on the edition's pages."""

    bibliography: Bibliography
    shown: str
    path: Path
    cited: set[str]


@rule("bib-syntax", "text in `sources/references.bib` that is not valid BibTeX",
      "check the braces, quotes and commas at the line given", scope="bibliography")
@rule("bib-missing-field", "an entry without `title`, `organization`, `date`, `url` or `urldate`",
      "add the field (see the table of fields above)", scope="bibliography")
@rule("bib-url", "a `url` that is not an absolute `https://` or `http://` address (`mailto:`, `javascript:`, "
      "`data:`, `file:`, relative or without a scheme)", "copy the full address from the browser", scope="bibliography")
@rule("bib-date", "a `date` or `urldate` that is not an ISO date, or not a day of the calendar",
      "write `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`)", scope="bibliography")
@rule("bib-key", "a key that does not follow the scheme source, year, word",
      "rename it, e.g. `asiaplus2025delisted`, and its citations", scope="bibliography")
@rule("bib-duplicate-key", "two entries with the same key", "give each source its own key, or merge the entries",
      scope="bibliography")
@rule("bib-duplicate-field", "an entry with the same field twice", "keep one", scope="bibliography")
@rule("bib-uncited", "an entry cited nowhere in `docs/` or `glossary/`",
      "cite it where it supports a note, or remove it", scope="bibliography")
def check_bibliography(context: BibliographyContext) -> Iterator[Problem]:
    """Report syntax errors, incomplete or malformed entries, duplicates and uncited entries."""
    bibliography, shown, cited = context.bibliography, context.shown, context.cited
    for line, message in bibliography.errors:
        yield Problem(
            shown, line,
            f"BibTeX {message}; check the braces, quotes and commas of the entry",
            "bib-syntax",
        )
    first_line: dict[str, int] = {}
    for entry in bibliography.entries:
        key = entry.key
        if key.lower() in first_line:
            yield Problem(
                shown, entry.line,
                f"the key {key} is used again (first on line {first_line[key.lower()]}); "
                "give each source its own key, or merge the two entries",
                "bib-duplicate-key",
            )
        else:
            first_line[key.lower()] = entry.line
        if not KEY_SCHEME.match(key):
            yield Problem(
                shown, entry.line,
                f"the key {key} does not follow the scheme sourceYYYYword (lower-case source, "
                f"year, one word; no capitals, hyphens or underscores){_suggest_key(key)}",
                "bib-key",
            )
        if key not in cited:
            yield Problem(
                shown, entry.line,
                f"the entry {key} is cited nowhere in docs/ or glossary/; cite it with "
                f"{{cite:p}}`{key}` where it supports an annotation, or remove it",
                "bib-uncited",
            )
        if entry.broken:
            continue  # the syntax error is reported; its fields are incomplete
        for name, line in entry.duplicate_fields:
            yield Problem(
                shown, line,
                f"the entry {key} has a second {name} field; keep one",
                "bib-duplicate-field",
            )
        for name, hint in REQUIRED_FIELDS.items():
            if not entry.fields.get(name, ("", 0))[0].strip():
                yield Problem(
                    shown, entry.line,
                    f"the entry {key} has no {name}; add {hint}",
                    "bib-missing-field",
                )
        if "url" in entry.fields and entry.fields["url"][0].strip():
            url, line = entry.fields["url"]
            problem = web_address_problem(url)
            if problem:
                yield Problem(shown, line, f"the url of {key} ({url[:60]}) {problem}", "bib-url")
        for name in DATE_FIELDS:
            if name in entry.fields and entry.fields[name][0].strip():
                value, line = entry.fields[name]
                problem = iso_date_problem(value)
                if problem:
                    yield Problem(shown, line, f"the {name} of {key} ({value}) {problem}", "bib-date")


def cited_keys(pages: Iterable[ParsedPage]) -> set[str]:
    """Every key cited on ``pages``."""
    return {key for page in pages for citation in page.citations for key in citation.keys}


@rule("citation-unknown-key", "a citation whose key is not in `sources/references.bib`",
      "fix the key, or add the entry")
def check_citations(context: PageContext) -> Iterator[Problem]:
    """Every citation names an entry of the bibliography."""
    keys = context.keys
    if keys is None:
        return  # the bibliography cannot be read: that is reported
    for citation in context.page.citations:
        for key in citation.keys:
            if key in keys:
                continue
            close = difflib.get_close_matches(key, sorted(keys), n=1)
            hint = f"did you mean {close[0]}? If not, add" if close else "add"
            yield Problem(
                context.shown, citation.line,
                f"the citation key {key or '(empty)'} is not in {context.bibliography}; {hint} an @online "
                "entry with this key (title, organization, date, url, urldate)",
                "citation-unknown-key",
            )

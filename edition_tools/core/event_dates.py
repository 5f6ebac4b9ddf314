"""Dates of events: the ``{event}`` role's content and ``sources/article-dates.toml``.

An annotation or a glossary entry marks the words that state a date with
``{event}`Friday 14 February 2003 <2003-02-14>```: the words as written, and
the date in ISO form, to the day, the month (``2003-02``) or the year
(``2003``), as far as the words say. The article's own words are never
edited, so its dated statements are listed in ``sources/article-dates.toml``
instead. The build (``ext/timeline.py``) and the validator
(``check/events.py``) both read the role and the file here, so that they
cannot disagree about what a valid event is.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from edition_tools.core.conventions import written_date
from edition_tools.core.data_files import read_toml_and_text

#: Where the article's dated statements are listed, relative to the root.
ARTICLE_DATES = Path("sources") / "article-dates.toml"
#: ``words <iso>``: the content of an ``{event}`` role.
EVENT_CONTENT = re.compile(r"^(?P<words>.*\S)\s+<(?P<iso>[^<>]*)>$", re.DOTALL)
#: A year, a year and month, or a full date; the calendar is checked apart.
ISO_SHAPE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
EXAMPLE = "{event}`Friday 14 February 2003 <2003-02-14>` (or <2003-02>, <2003>)"


@dataclass(frozen=True, order=True)
class EventDate:
    """A date known to the day, the month or the year; sorts by its ISO form."""

    iso: str

    @property
    def year(self) -> int:
        return int(self.iso[:4])

    @property
    def first_day(self) -> date:
        """The first day the date can mean: the future test uses it."""
        parts = [int(part) for part in self.iso.split("-")]
        return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)

    @property
    def display(self) -> str:
        """``14 February 2003``, ``February 2003`` or ``2003``: no more than is known."""
        return written_date(self.iso)


def parse_event_date(iso: str, today: date | None = None) -> EventDate:
    """Return the date ``iso`` names; raise ``ValueError`` saying what is wrong.

    With ``today`` given, a date that begins after it is refused too: the
    edition records what has happened.
    """
    match = ISO_SHAPE.match(iso)
    if not match:
        raise ValueError(f"<{iso}> is not an ISO date; write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.group("year", "month", "day")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"<{iso}> has no month {month}; months run from 01 to 12")
    if day is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= last:
            name = calendar.month_name[int(month)]
            raise ValueError(f"<{iso}> is not a day of the calendar: {name} {year} has {last} days")
    result = EventDate(iso)
    if today is not None and result.first_day > today:
        raise ValueError(f"<{iso}> is in the future (today is {today.isoformat()}); an event must have happened")
    return result


def split_event(content: str) -> tuple[str, str]:
    """Split the role's content into its words and its ISO date.

    Raises ``ValueError`` when the ``<date>`` part is missing.
    """
    match = EVENT_CONTENT.match(content)
    if not match:
        raise ValueError(f"{{event}}`{content}` gives no date; write {EXAMPLE}")
    return " ".join(match.group("words").split()), match.group("iso").strip()


@dataclass(frozen=True)
class ArticleStatement:
    """A dated statement of the article, as ``sources/article-dates.toml`` lists it."""

    #: The ¶ that holds the words, and the words exactly as the article has them.
    paragraph: int
    words: str
    #: The date the words state, in ISO form.
    date: str
    #: 1-based line of the entry's ``[[statement]]`` header in the file.
    line: int
    #: A Fact check that corrects the date: its label, and the date it gives.
    corrected_by: str = ""
    corrected_date: str = ""


#: The keys an entry may have; each is described in the file's header.
STATEMENT_KEYS = frozenset({"paragraph", "words", "date", "corrected_by", "corrected_date"})


def read_article_dates(path: Path) -> tuple[list[ArticleStatement], list[tuple[int, str]]]:
    """Return the statements of ``path`` and the ``(line, message)`` of malformed entries.

    Raises ``ValueError`` naming the file when it is not TOML at all.
    """
    data, content = read_toml_and_text(path)
    headers = [
        number for number, text in enumerate(content.splitlines(), start=1)
        if text.strip() == "[[statement]]"
    ]
    statements: list[ArticleStatement] = []
    malformed: list[tuple[int, str]] = []
    for index, raw in enumerate(data.get("statement", [])):
        line = headers[index] if index < len(headers) else 1
        unknown = sorted(set(raw) - STATEMENT_KEYS)
        if unknown:
            known = ", ".join(sorted(STATEMENT_KEYS))
            malformed.append((line, f"unknown key {', '.join(unknown)}; an entry has {known}"))
            continue
        missing = [key for key in ("paragraph", "words", "date") if key not in raw]
        if missing:
            malformed.append((
                line, f"the entry lacks {', '.join(missing)}; give the ¶, the article's exact words and the ISO date"
            ))
            continue
        if not isinstance(raw["paragraph"], int) or not all(
            isinstance(raw.get(key, ""), str) for key in ("words", "date", "corrected_by", "corrected_date")
        ):
            malformed.append((line, "paragraph must be a number, the other values strings"))
            continue
        if bool(raw.get("corrected_by")) != bool(raw.get("corrected_date")):
            malformed.append((
                line, "corrected_by and corrected_date go together: the Fact check's label and the date it gives"
            ))
            continue
        statements.append(
            ArticleStatement(
                raw["paragraph"], raw["words"], raw["date"], line,
                raw.get("corrected_by", ""), raw.get("corrected_date", ""),
            )
        )
    return statements, malformed

"""The cover's statement of how current the edition is, held to the notes.

A reader needs to know how far the record was followed. The cover says it in
one line, ``Brought up to date in December 2026: the latest “Since
publication” note is as of March 2026.``, and this rule keeps the two months
true: the first no later than the day of the check, the second the latest
*as of* month of the edition's Since publication notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from edition_tools.check.context import EditionContext
from edition_tools.check.registry import rule
from edition_tools.core.conventions import MONTHS, KindLineError, read_kind_line
from edition_tools.core.problems import Problem

#: The cover's line, as a contributor updates it.
UP_TO_DATE = re.compile(
    r"Brought up to date in (?P<month>[A-Z][a-z]+) (?P<year>[0-9]{4}): the latest “Since publication” note "
    r"is as of (?P<latest_month>[A-Z][a-z]+) (?P<latest_year>[0-9]{4})\."
)
FORM = ("Brought up to date in <Month> <YYYY>: the latest “Since publication” note is as of <Month> <YYYY>.")


def _month(name: str, year: str) -> str | None:
    return f"{year}-{MONTHS.index(name) + 1:02d}" if name in MONTHS else None


@rule("cover-up-to-date", "a cover without the line saying when the edition was brought up to date, or whose "
      "months disagree with the notes or the calendar",
      f"write or correct the line on the cover: `{FORM}`", scope="edition")
def check_cover_is_current(context: EditionContext) -> Iterator[Problem]:
    """The cover's two months: not in the future, and the notes' latest *as of* month."""
    if not context.whole:
        return
    cover = next(((shown, page) for path, shown, page in context.every if shown == "docs/index.md"), None)
    if cover is None:
        return
    shown, page = cover
    latest = None
    for _, _, other in context.every:
        for note in other.footnotes:
            try:
                kind = read_kind_line(note.kind_text, context.today) if note.kind_text else None
            except KindLineError:
                continue
            if kind is not None and kind.as_of and (latest is None or kind.as_of > latest):
                latest = kind.as_of
    found = None
    for block in page.blocks:
        if block.token.type == "inline" and (match := UP_TO_DATE.search(" ".join(block.token.content.split()))):
            line = block.line + next((n for n, text in enumerate(block.token.content.split("\n"))
                                      if text.startswith("Brought up to date")), 0)
            found = (line, match)
            break
    if found is None:
        yield Problem(shown, 1, f"the cover does not say when the edition was brought up to date: add “{FORM}”",
                      "cover-up-to-date")
        return
    line, match = found
    written = _month(match["month"], match["year"])
    stated = _month(match["latest_month"], match["latest_year"])
    if written is None or written > f"{context.today:%Y-%m}":
        yield Problem(shown, line, f"“{match['month']} {match['year']}” is not a month up to {context.today:%B %Y}; "
                      "write the month the notes were last brought up to date", "cover-up-to-date")
    if latest is not None and stated != latest:
        name = f"{MONTHS[int(latest[5:]) - 1]} {latest[:4]}"
        yield Problem(shown, line, f"the cover says the latest “Since publication” note is as of "
                      f"{match['latest_month']} {match['latest_year']}, but the notes' latest month is {name}",
                      "cover-up-to-date")

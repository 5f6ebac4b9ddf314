"""Rules for the Timeline's events: ``{event}`` roles and ``sources/article-dates.toml``.

The Timeline page (``ext/timeline.py``) lists every date the edition marks.
It may list only what the edition can back, so:

* an ``{event}`` gives a real calendar date, in ISO form, that has happened
  (``event-date``);
* it stands in an annotation that cites at least one source, or in a
  glossary entry (``event-uncited``);
* each statement of ``sources/article-dates.toml`` quotes words that stand,
  once, in its ¶ of the article, and a correction names a Fact check marked
  in that ¶ which states the corrected date with an ``{event}``
  (``article-dates``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from edition_tools.check.annotations import is_citation
from edition_tools.core.article import BodyParagraph
from edition_tools.core.event_dates import ArticleStatement, parse_event_date, read_article_dates, split_event
from edition_tools.core.pages import ParsedPage
from edition_tools.core.problems import Problem

#: ``(p7)=``: the target that opens the article's ¶7 on a page.
PARAGRAPH_TARGET = re.compile(r"^p([1-9][0-9]*)$")


@dataclass(frozen=True)
class _Note:
    """An annotation as the article-dates rule needs it."""

    shown: str
    kind_line: str
    #: The ¶ its marker stands in, if any.
    paragraph: int | None
    #: The ISO dates of its ``{event}`` roles.
    dates: frozenset[str]


def _in_glossary_entry(page: ParsedPage, line: int) -> bool:
    return any(
        entry.definition_line <= line < entry.definition_line + len(entry.definition)
        for entry in page.glossary
    )


def _role_problems(page: ParsedPage, shown: str, today: date) -> list[Problem]:
    problems = []
    cited_notes = {role.footnote for role in page.roles() if role.footnote and is_citation(role)}
    for role in page.roles("event"):
        try:
            _, iso = split_event(role.token.content)
            parse_event_date(iso, today)
        except ValueError as error:
            problems.append(Problem(shown, role.line, str(error), "event-date"))
        if role.footnote is not None:
            if role.footnote not in cited_notes:
                problems.append(Problem(
                    shown, role.line,
                    f"{{event}} in annotation [^{role.footnote}], which cites no source; "
                    "mark a date only where a cited source states it",
                    "event-uncited",
                ))
        elif not _in_glossary_entry(page, role.line):
            problems.append(Problem(
                shown, role.line,
                "{event} outside an annotation or a glossary entry; the article's own dates "
                "go in sources/article-dates.toml",
                "event-uncited",
            ))
    return problems


def _notes(pages: Iterable[tuple[str, ParsedPage]]) -> dict[str, _Note]:
    """Every annotation of ``pages`` by label: its kind line, ¶ and event dates."""
    notes: dict[str, _Note] = {}
    for shown, page in pages:
        targets = [
            (item.line, int(match.group(1)))
            for item in page.blocks
            if item.token.type == "myst_target" and (match := PARAGRAPH_TARGET.match(item.token.content))
        ]
        markers = {
            item.token.meta["label"]: item.line
            for item in page.inlines if item.token.type == "footnote_ref"
        }
        first_lines: dict[str, str] = {}
        dates: dict[str, set[str]] = {}
        for item in page.blocks:
            if item.footnote is not None and item.token.type == "inline":
                first_lines.setdefault(item.footnote, item.token.content)
        for role in page.roles("event"):
            if role.footnote is not None:
                try:
                    dates.setdefault(role.footnote, set()).add(split_event(role.token.content)[1])
                except ValueError:
                    pass  # reported by the role rule
        for label, _ in page.footnote_definitions:
            marker = markers.get(label)
            before = [number for line, number in targets if marker is not None and line <= marker]
            notes.setdefault(label, _Note(
                shown, first_lines.get(label, ""), before[-1] if before else None, frozenset(dates.get(label, ())),
            ))
    return notes


def _statement_problems(
    statement: ArticleStatement, shown: str, article: Sequence[BodyParagraph], notes: dict[str, _Note], today: date
) -> list[Problem]:
    def problem(message: str, rule: str = "article-dates") -> Problem:
        return Problem(shown, statement.line, message, rule)

    found = []
    for iso in filter(None, (statement.date, statement.corrected_date)):
        try:
            parse_event_date(iso, today)
        except ValueError as error:
            found.append(problem(str(error), "event-date"))
    if not 1 <= statement.paragraph <= len(article):
        return [*found, problem(f"¶{statement.paragraph} is not a paragraph of the article (¶1 to ¶{len(article)})")]
    count = article[statement.paragraph - 1].text.count(statement.words)
    if count == 0:
        found.append(problem(
            f"“{statement.words}” is not in ¶{statement.paragraph} of the article; "
            "copy the words exactly from sources/article.txt"
        ))
    elif count > 1:
        found.append(problem(
            f"“{statement.words}” stands {count} times in ¶{statement.paragraph}; "
            "quote enough words to name one place"
        ))
    if statement.corrected_by:
        note = notes.get(statement.corrected_by)
        if note is None or not note.kind_line.startswith("**Fact check"):
            found.append(problem(
                f"corrected_by names [^{statement.corrected_by}], which is no Fact check of the edition"
            ))
        elif note.paragraph != statement.paragraph:
            found.append(problem(
                f"the Fact check [^{statement.corrected_by}] is marked in ¶{note.paragraph}, "
                f"not in ¶{statement.paragraph}"
            ))
        elif statement.corrected_date not in note.dates:
            found.append(problem(
                f"the Fact check [^{statement.corrected_by}] marks no {{event}} with <{statement.corrected_date}>; "
                "mark the words that state the corrected date there"
            ))
    return found


def check_events(
    pages: Sequence[tuple[str, ParsedPage]],
    *,
    today: date,
    article_dates: Path | None = None,
    article_dates_shown: str = "sources/article-dates.toml",
    article: Sequence[BodyParagraph] = (),
    all_pages: Sequence[tuple[str, ParsedPage]] | None = None,
) -> list[Problem]:
    """Return the problems of the ``{event}`` roles of ``pages`` and of the article-dates file.

    ``pages`` are the pages to check; ``all_pages`` (default ``pages``) are
    where a correction's Fact check is looked up. The file is checked only
    when ``article_dates`` is given, against the body paragraphs ``article``.
    """
    problems = [problem for shown, page in pages for problem in _role_problems(page, shown, today)]
    if article_dates is None:
        return problems
    try:
        statements, malformed = read_article_dates(article_dates)
    except ValueError as error:
        return [*problems, Problem(article_dates_shown, 1, str(error).split(": ", 1)[-1], "article-dates")]
    problems += [Problem(article_dates_shown, line, message, "article-dates") for line, message in malformed]
    notes = _notes(all_pages if all_pages is not None else pages)
    for statement in statements:
        problems += _statement_problems(statement, article_dates_shown, article, notes, today)
    return problems

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from edition_tools.check.context import EditionContext
from edition_tools.check.registry import rule
from edition_tools.core.article import BodyParagraph, SourceError, body_paragraphs
from edition_tools.core.event_dates import (
    ARTICLE_DATES,
    ArticleStatement,
    parse_event_date,
    read_article_dates,
    split_event,
)
from edition_tools.core.pages import ParsedPage
from edition_tools.core.problems import Problem


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
    cited_notes = {citation.role.footnote for citation in page.citations if citation.role.footnote}
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
        paragraph_of = {
            marker.token.meta["label"]: paragraph.number
            for paragraph in page.paragraphs for marker in paragraph.markers
        }
        dates: dict[str, set[str]] = {}
        for role in page.roles("event"):
            if role.footnote is not None:
                try:
                    dates.setdefault(role.footnote, set()).add(split_event(role.token.content)[1])
                except ValueError:
                    pass  # reported by the role rule
        for note in page.footnotes:
            notes.setdefault(note.label, _Note(
                shown, note.kind_text or "", paragraph_of.get(note.label), frozenset(dates.get(note.label, ())),
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
        if note is None or not note.kind_line.startswith("Fact check"):
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


@rule("event-date", "an `{event}`, or a date in `sources/article-dates.toml`, that is not an ISO date of the "
      "calendar or lies in the future",
      "write `` {event}`14 February 2003 <2003-02-14>` `` (or `<2003-02>`, `<2003>`: no more than the words say)",
      scope="edition")
@rule("event-uncited", "an `{event}` outside a note that cites a source and outside a glossary entry",
      "mark dates only where a cited source states them; the article's own go in `sources/article-dates.toml`",
      scope="edition")
@rule("article-dates", "an entry of `sources/article-dates.toml` whose words do not stand exactly once in its ¶, "
      "or whose `corrected_by` names no Fact check of that ¶ marking `corrected_date` with an `{event}`",
      "copy the words from `sources/article.txt`; mark the corrected date in the check", scope="edition")
def check_timeline(context: EditionContext) -> list[Problem]:
    """The Timeline's dates: roles on the checked pages, and the article-dates file.

    The file is checked with the whole edition, or when it is named; not when
    the pinned article cannot be read, which ``source-pinned`` reports.
    """
    dates_file: Path | None = context.root / ARTICLE_DATES
    article: Sequence[BodyParagraph] = ()
    named = any(path == dates_file for path in context.named)
    if (context.whole or named) and dates_file.is_file():
        try:
            article = body_paragraphs(context.root / "sources")
        except (OSError, KeyError, SourceError):
            dates_file = None
    else:
        dates_file = None
    return check_events(
        [(shown, page) for _, shown, page in context.checked],
        today=context.today,
        article_dates=dates_file,
        article_dates_shown=ARTICLE_DATES.as_posix(),
        article=article,
        all_pages=[(shown, page) for _, shown, page in context.every],
    )

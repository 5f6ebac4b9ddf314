"""The Timeline: every marked date, in order, each traceable to the note or ¶ that states it.

The expected events are read from the sources (the ``{event}`` roles of the
pages and ``sources/article-dates.toml``), never written into the test: a
date marked tomorrow is checked by the same tests.
"""

from __future__ import annotations

import copy
import re
import shutil
from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import ROOT, Build, sphinx_build
from test_pdf import Pdf, outline

# The PDF of the run, built once and shared with test_pdf.py (re-exported as a fixture).
from test_pdf import pdf as pdf

from edition_tools.check.events import check_events
from edition_tools.core.article import BodyParagraph, body_paragraphs
from edition_tools.core.event_dates import ARTICLE_DATES, EventDate, parse_event_date, read_article_dates
from edition_tools.core.pages import parse_page

FIXTURES = Path(__file__).parent / "fixtures" / "timeline"
EVENT_ROLE = re.compile(r"\{event\}`[^`<]*<([^>]*)>`")
#: The article's pages, each of which must lead to the Timeline.
ARTICLE_PAGES = ("introduction", "background", "implications", "conclusions", "authors")
#: The day the validator's fixtures are checked on: their messages name it.
TODAY = date(2026, 12, 1)
#: Folders of the working tree that are not the edition's sources.
NOT_SOURCES = {".venv", "_build", ".git", ".pytest_cache", "__pycache__"}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def marked_dates() -> list[str]:
    """The ISO date of every ``{event}`` of the edition's pages."""
    pages = sorted(ROOT.glob("docs/*.md")) + sorted(ROOT.glob("glossary/*.md"))
    return [iso for page in pages for iso in EVENT_ROLE.findall(page.read_text(encoding="utf-8"))]


def statements():
    found, malformed = read_article_dates(ROOT / ARTICLE_DATES)
    assert malformed == []
    return found


def readable_text(element) -> str:
    """An element's text without citations and note markers, spaces collapsed (the element is left as it is)."""
    element = copy.copy(element)
    for extra in element.select("span.bibtex-citation, a.footnote-reference"):
        extra.decompose()
    return re.sub(r" ([.,;:])", r"\1", " ".join(element.get_text().split()))


def timeline_items(html_dir: Path) -> list:
    return soup(html_dir / "docs" / "timeline.html").select("li.timeline-event")


def test_the_page_lists_every_event_at_least_40_in_date_order(html_dir: Path) -> None:
    shown = [item.select_one("time.timeline-date")["datetime"] for item in timeline_items(html_dir)]
    expected = marked_dates() + [s.corrected_date or s.date for s in statements()]
    assert len(marked_dates()) >= 40
    assert sorted(shown) == sorted(expected)
    assert shown == sorted(shown)


def test_events_are_grouped_by_year(html_dir: Path) -> None:
    for section in soup(html_dir / "docs" / "timeline.html").select("section.timeline-year"):
        year = section.find("h2").get_text().rstrip("#")
        assert section["id"] == f"year-{year}"
        assert {t["datetime"][:4] for t in section.select("time.timeline-date")} == {year}


def test_each_date_is_a_valid_iso_date_shown_as_precisely_as_known(html_dir: Path) -> None:
    for time in soup(html_dir / "docs" / "timeline.html").select("time"):
        when = parse_event_date(time["datetime"], date.today())
        if "timeline-date" in time.get("class", []):
            assert time.get_text() == when.display


def test_each_event_links_to_the_note_or_paragraph_that_states_it(html_dir: Path) -> None:
    timeline = html_dir / "docs" / "timeline.html"
    # Each page is parsed once, not once per event that links into it.
    pages: dict[Path, BeautifulSoup] = {}
    for item in timeline_items(html_dir):
        iso = item.select_one("time.timeline-date")["datetime"]
        sentence = item.select_one("span.timeline-sentence").get_text()
        # The first link names the place that states the date (a second one,
        # on a corrected statement of the article, its Fact check).
        target, anchor = item.select_one("a.timeline-link")["href"].split("#")
        path = (timeline.parent / target).resolve()
        if path not in pages:
            pages[path] = soup(path)
        place = pages[path].find(id=anchor)
        assert place is not None, (target, anchor)
        if anchor.startswith("note-"):  # an annotation, beside its paragraph
            assert place.name == "aside"
            assert place.select_one(f'time[datetime="{iso}"]'), (iso, anchor)
            kind = place.find("strong").get_text().rstrip(".")
            assert item.get_text().endswith(f", {kind}.)")
        elif anchor.startswith("term-"):  # a glossary entry
            assert place.find_next_sibling("dd").select_one(f'time[datetime="{iso}"]'), (iso, anchor)
        else:  # the article's ¶
            assert re.fullmatch(r"p\d+", anchor) and "article-paragraph" in place["class"]
        # The sentence is a whole line of the note or of the article, as read
        # without citations and note markers.
        assert sentence in readable_text(place.find_next_sibling("dd") if anchor.startswith("term-") else place)


def test_the_articles_own_statements_are_marked_and_corrections_link_their_check(html_dir: Path) -> None:
    items = soup(html_dir / "docs" / "timeline.html").select("li.timeline-article")
    assert len(items) == len(statements())
    for statement in statements():
        matching = [i for i in items if f"#p{statement.paragraph}" in i.a["href"] and statement.words in i.get_text()]
        assert len(matching) == 1, statement
        item = matching[0]
        assert item.a.get_text() == f"the article, ¶{statement.paragraph}"
        shown = item.select_one("time.timeline-date")["datetime"]
        if statement.corrected_by:
            assert shown == statement.corrected_date
            assert f"which gives {EventDate(statement.date).display}; corrected by the Fact check" in item.get_text()
            target, anchor = item.select("a.timeline-link")[1]["href"].split("#")
            assert anchor == f"note-{statement.corrected_by}"
            check = soup((html_dir / "docs" / target).resolve()).find(id=anchor)
            assert check.find("strong").get_text().startswith("Fact check")
            assert check.select_one(f'time[datetime="{statement.corrected_date}"]')
        else:
            assert shown == statement.date
    assert any(s.corrected_by for s in statements())


def test_the_role_renders_as_a_time_element_in_html(html_dir: Path) -> None:
    note = soup(html_dir / "docs" / "introduction.html").find(id="note-ban-2003-designation")
    time = note.find("time")
    assert (time["datetime"], time.get_text()) == ("2003-02-14", "Friday 14 February 2003")
    assert "{event}" not in note.get_text()


def test_every_article_page_leads_to_the_timeline(html_dir: Path) -> None:
    for name in ARTICLE_PAGES:
        navigation = soup(html_dir / "docs" / f"{name}.html").select("nav a[href]")
        assert any(a["href"] == "timeline.html" for a in navigation), name
    cover = soup(html_dir / "docs" / "index.html").select("nav a[href]")
    assert any(a["href"] == "timeline.html" for a in cover)


# -- The validator ------------------------------------------------------------


def test_the_validator_rejects_bad_dates_and_misplaced_events() -> None:
    """The fixture pages of make check, with the messages read in full."""
    pages = []
    for name in ("event-date.md", "event-uncited.md"):
        path = ROOT / "tests" / "fixtures" / "check" / "docs" / name
        pages.append((f"docs/{name}", parse_page(path.read_text(encoding="utf-8"))))
    assert [str(p) for p in sorted(check_events(pages, today=TODAY))] == [
        "docs/event-date.md:12: <2003-02-30> is not a day of the calendar: February 2003 has 28 days (event-date)",
        "docs/event-date.md:13: <2003-13> has no month 13; months run from 01 to 12 (event-date)",
        "docs/event-date.md:14: <14.02.2003> is not an ISO date; write YYYY-MM-DD, YYYY-MM or YYYY (event-date)",
        "docs/event-date.md:15: {event}`14 February 2003` gives no date; write "
        "{event}`Friday 14 February 2003 <2003-02-14>` (or <2003-02>, <2003>) (event-date)",
        "docs/event-date.md:16: <2999-01-01> is in the future (today is 2026-12-01); "
        "an event must have happened (event-date)",
        "docs/event-uncited.md:8: {event} in annotation [^uncited-date], which cites no source; "
        "mark a date only where a cited source states it (event-uncited)",
        "docs/event-uncited.md:13: {event} outside an annotation or a glossary entry; "
        "the article's own dates go in sources/article-dates.toml (event-uncited)",
    ]


def test_the_validator_holds_the_article_dates_file_to_the_article_and_its_checks() -> None:
    article = [
        BodyParagraph(1, "On March 31, 2025, the court met. It met in May 2024, and in May 2024 again.", "", 1),
        BodyParagraph(2, "In November 2016, reports emerged.", "", 3),
    ]
    page = parse_page((FIXTURES / "checks.md").read_text(encoding="utf-8"))
    problems = check_events(
        [], today=TODAY, article_dates=FIXTURES / "article-dates.toml", article=article,
        all_pages=[("docs/checks.md", page)],
    )
    shown = "sources/article-dates.toml"
    assert [str(p) for p in problems] == [
        f"{shown}:19: unknown key date_iso; an entry has corrected_by, corrected_date, date, paragraph, words"
        " (article-dates)",
        f"{shown}:24: the entry lacks date; give the ¶, the article's exact words and the ISO date (article-dates)",
        f"{shown}:28: corrected_by and corrected_date go together: the Fact check's label and the date it gives"
        " (article-dates)",
        f"{shown}:9: “On March 31 2025” is not in ¶1 of the article; copy the words exactly from sources/article.txt"
        " (article-dates)",
        f"{shown}:14: <2024-02-30> is not a day of the calendar: February 2024 has 29 days (event-date)",
        f"{shown}:14: “in May 2024” stands 2 times in ¶1; quote enough words to name one place (article-dates)",
        f"{shown}:34: ¶15 is not a paragraph of the article (¶1 to ¶2) (article-dates)",
        f"{shown}:39: corrected_by names [^context-note], which is no Fact check of the edition (article-dates)",
        f"{shown}:46: the Fact check [^check-elsewhere] is marked in ¶1, not in ¶2 (article-dates)",
        f"{shown}:53: the Fact check [^check-here] marks no {{event}} with <2015-11>; "
        "mark the words that state the corrected date there (article-dates)",
    ]


def test_the_editions_article_dates_file_quotes_the_pinned_article() -> None:
    paragraphs = body_paragraphs()
    for statement in statements():
        assert paragraphs[statement.paragraph - 1].text.count(statement.words) == 1, statement


# -- Print ----------------------------------------------------------------------


def test_the_timeline_is_a_chapter_of_the_printed_edition(pdf: Pdf) -> None:
    """The PDF has the chapter; its LaTeX has the years, internal links that resolve, no markup left."""
    assert "Timeline" in [title for title, _ in outline(pdf)]
    tex = pdf.path.with_suffix(".tex").read_text(encoding="utf-8")
    chapter = tex.split(r"\chapter{Timeline}", 1)[1].split(r"\chapter{", 1)[0]
    years = sorted({iso[:4] for iso in marked_dates()} | {(s.corrected_date or s.date)[:4] for s in statements()})
    assert re.findall(r"\\section{(\d{4})}", chapter) == years
    assert "{event}" not in tex and "<time" not in tex
    assert r"\sphinxhref" not in chapter  # every link is internal
    targets = set(re.findall(r"\\hyperref\[\\detokenize\{([^}]+)\}\]", chapter))
    labels = set(re.findall(r"\\label\{\\detokenize\{([^}]+)\}\}", tex))
    assert targets and targets <= labels


# -- Parallel and incremental builds ----------------------------------------------------


def timeline_article(html_dir: Path) -> str:
    return str(soup(html_dir / "docs" / "timeline.html").find("article"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def strict(build: Build) -> Build:
    assert build.returncode == 0, build.stderr
    return build


def test_a_parallel_build_gives_the_serial_builds_timeline(html_dir: Path, parallel_build: Build) -> None:
    page = Path("docs") / "timeline.html"
    assert (parallel_build.outdir / page).read_bytes() == (html_dir / page).read_bytes()


def test_an_incremental_build_gives_the_clean_builds_timeline(tmp_path: Path) -> None:
    copy = tmp_path / "edition"
    shutil.copytree(ROOT, copy, ignore=lambda folder, names: [n for n in names if n in NOT_SOURCES])
    incremental = tmp_path / "incremental"
    strict(sphinx_build(incremental, srcdir=copy))
    # A glossary entry gains an event; an article page loses one.
    edit(
        copy / "glossary" / "termez.md",
        "which opened there on 20 May 2025", "which opened there on {event}`20 May 2025 <2025-05-20>`",
    )
    edit(copy / "docs" / "introduction.md", "{event}`Monday 31 March 2025 <2025-03-31>`", "Monday 31 March 2025")
    rebuilt = strict(sphinx_build(incremental, srcdir=copy))
    assert "0 added, 2 changed, 0 removed" in rebuilt.stderr
    clean = strict(sphinx_build(tmp_path / "clean", srcdir=copy)).outdir
    assert timeline_article(incremental) == timeline_article(clean)
    entries = soup(incremental / "docs" / "timeline.html").select("li.timeline-event")
    assert any("glossary, Termez" in e.get_text() and "2025-05-20" in str(e) for e in entries)
    assert not any("Russian news agencies reported it" in e.get_text() for e in entries)

"""The edition reproduces the article's body paragraphs exactly, in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import sphinx_build

from edition_tools.core.fidelity import (
    article_pages,
    check_fidelity,
    edition_paragraphs_from_html,
    edition_paragraphs_from_myst,
    paragraphs_from_myst,
)

FIXTURES = Path(__file__).parent / "fixtures" / "fidelity"
EXPECT = re.compile(r"^% expect: (?P<line>\d+) (?P<rule>[a-z-]+) (?P<message>.+)$")


def expected_problems(path: Path) -> list[tuple[int, str, str]]:
    """The ``% expect: LINE RULE MESSAGE-START`` lines written in a fixture."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            found.append((int(match["line"]), match["rule"], match["message"]))
    return found


def test_the_article_pages_are_the_five_parts_in_order() -> None:
    assert [page.stem for page in article_pages()] == [
        "introduction", "background", "implications", "conclusions", "authors",
    ]


def test_myst_pages_reproduce_the_article_exactly() -> None:
    paragraphs = edition_paragraphs_from_myst()
    assert [p.number for p in paragraphs] == list(range(1, 15))
    assert check_fidelity(paragraphs) == []


def test_built_html_reproduces_the_article_exactly(html_dir: Path) -> None:
    paragraphs = edition_paragraphs_from_html(html_dir)
    assert [p.number for p in paragraphs] == list(range(1, 15))
    assert check_fidelity(paragraphs) == []


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.md")), ids=lambda p: p.stem)
def test_each_fixture_reports_exactly_its_expected_problems(fixture: Path) -> None:
    expected = expected_problems(fixture)
    problems = check_fidelity(paragraphs_from_myst(fixture), require_all=False)
    assert [(p.line, p.rule) for p in problems] == [(line, rule) for line, rule, _ in expected]
    for problem, (_, _, message) in zip(problems, expected, strict=True):
        assert problem.message.startswith(message)
        assert problem.path.endswith(fixture.name)


def test_a_missing_paragraph_is_named() -> None:
    paragraphs = [p for p in edition_paragraphs_from_myst() if p.number != 9]
    problems = check_fidelity(paragraphs)
    assert [(p.rule, p.message.split(":")[0]) for p in problems] == [
        ("paragraph-missing", "¶9 of the article is missing")
    ]


def test_smart_quotes_in_the_html_are_caught(tmp_path: Path) -> None:
    """Sphinx's smart quotes would curl the article's straight apostrophes."""
    build = sphinx_build(tmp_path, "-D", "smartquotes=1")
    assert build.returncode == 0, build.stderr
    problems = check_fidelity(edition_paragraphs_from_html(tmp_path))
    assert problems, "curled apostrophes went unnoticed"
    assert all(p.rule == "article-text" for p in problems)
    assert any("¶1 differs" in p.message and "U+0027 APOSTROPHE became U+2019" in p.message for p in problems)

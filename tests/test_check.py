"""``make check``: the validator, run over fixtures that each break one rule.

The fixtures in ``tests/fixtures/check/`` form a miniature edition (see its
README). Each file writes the problems it must produce as
``% expect: LINE RULE [start of the message]`` lines; the test asserts the
exact ``(path, line, rule)`` list. Files that cannot be stored (invalid UTF-8,
binary, oversized, links) are made in a temporary folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from edition_tools.check import registry
from edition_tools.check import run as check
from edition_tools.check.files import MAX_BYTES
from edition_tools.check.registry import RULES, rule_table
from edition_tools.check.run import check_paths
from edition_tools.core import fidelity as source_fidelity
from edition_tools.core.article import SourceError
from edition_tools.core.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "check"
EXPECT = re.compile(r"^% expect: (?P<line>\d+) (?P<rule>[a-z-]+)(?: (?P<message>.+))?$")
#: Rules whose bad input is made by the tests below rather than stored as a fixture.
RULES_TESTED_WITHOUT_FIXTURE = {
    "file-unreadable", "file-symlink", "file-too-large", "file-binary", "file-encoding",
    "paragraph-missing", "source-pinned", "term-unlinked",
    # The receipts file is checked whole, with the edition: tests/test_receipts.py.
    "receipt-file", "receipt-too-long", "receipt-english", "receipt-orphan", "receipt-checked-words",
    # The cover is held to every note of the edition: a test below.
    "cover-up-to-date",
    "article-dates",  # a data file, not a page: tests/test_timeline.py holds its fixture
}
#: The rules make check runs (the others are checks of the built site, run by the tests).
CHECK_RULES = {name for name, registered in RULES.items() if registered.scope != "built"}


def fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".md", ".bib") and p.name != "README.md")


def expected_problems(path: Path) -> list[tuple[int, str, str | None]]:
    """The ``% expect:`` lines of a fixture: line, rule and the start of the message."""
    return [
        (int(m["line"]), m["rule"], m["message"])
        for m in map(EXPECT.match, path.read_text(encoding="utf-8").splitlines())
        if m
    ]


def run_check(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edition_tools.check.run", *arguments],
        capture_output=True, text=True, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_each_fixture_reports_exactly_its_expected_problems(fixture: Path) -> None:
    shown = fixture.relative_to(FIXTURES).as_posix()
    expected = expected_problems(fixture)
    problems = check_paths([fixture], root=FIXTURES)
    assert [(p.path, p.line, p.rule) for p in problems] == sorted((shown, line, rule) for line, rule, _ in expected)
    for line, rule, message in expected:
        if message:
            found = [p.message for p in problems if (p.line, p.rule) == (line, rule)]
            assert any(text.startswith(message) for text in found), (message, found)


def test_the_edition_has_no_problems() -> None:
    assert [str(p) for p in check_paths()] == []


def test_make_check_passes_on_the_edition() -> None:
    result = run_check()
    assert (result.returncode, result.stdout, result.stderr) == (0, "No problems found.\n", "")


def test_problems_are_printed_sorted_with_a_count_and_exit_1() -> None:
    # A fixture that needs neither the fixtures' bibliography nor their glossary.
    fixture = FIXTURES / "docs" / "unsafe-directive.md"
    result = run_check(str(fixture.relative_to(ROOT)))
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert lines[-1] == f"{len(expected_problems(fixture))} problems"
    assert lines[:-1] == sorted(lines[:-1], key=lambda line: int(line.split(":")[1]))
    assert lines[0].startswith("tests/fixtures/check/docs/unsafe-directive.md:15: the directive {raw} puts")
    assert all(re.fullmatch(r"[^:]+:\d+: .+ \([a-z-]+\)", line) for line in lines[:-1])


def test_one_problem_is_counted_in_the_singular() -> None:
    result = run_check(str((FIXTURES / "docs" / "unsafe-role.md").relative_to(ROOT)))
    assert (result.returncode, result.stdout.splitlines()[-1]) == (1, "1 problem")


@pytest.mark.parametrize(
    "arguments, complaint",
    [(["--no-such-option"], "unrecognized arguments"), (["docs/no-such-page.md"], "no such file or folder")],
)
def test_usage_errors_exit_2(arguments: list[str], complaint: str) -> None:
    result = run_check(*arguments)
    assert result.returncode == 2
    assert complaint in result.stderr and "Traceback" not in result.stderr


def test_a_folder_is_checked_file_by_file() -> None:
    folder = FIXTURES / "glossary"
    expected = sorted(
        (path.relative_to(FIXTURES).as_posix(), line, rule)
        for path in folder.glob("*.md") for line, rule, _ in expected_problems(path)
    )
    assert [(p.path, p.line, p.rule) for p in check_paths([folder], root=FIXTURES)] == expected


def test_every_rule_has_a_fixture_or_a_test_of_its_own() -> None:
    used = {rule for path in fixtures() for _, rule, _ in expected_problems(path)}
    assert used <= CHECK_RULES
    assert CHECK_RULES - used == RULES_TESTED_WITHOUT_FIXTURE


def test_the_contributors_guide_shows_the_rule_table_the_registry_generates() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = guide.split("## The rules of `make check`", 1)[1]
    assert rule_table() in section
    documented = re.findall(r"^\| `([a-z-]+)` \|", section, re.MULTILINE)
    assert sorted(documented) == sorted(CHECK_RULES)


def test_a_rule_function_may_report_only_the_rules_it_declares() -> None:
    def reports_another(context: object):
        yield Problem("docs/x.md", 1, "message", "annotation-kind")

    declared = registry.rule("test-only-rule", "a rule made by this test", "nothing", scope="built")
    try:
        with pytest.raises(AssertionError, match="reported 'annotation-kind'"):
            registry.run(declared(reports_another), None)
    finally:
        del RULES["test-only-rule"]
        registry._FUNCTIONS["built"].pop(reports_another, None)


def test_the_built_site_checks_report_only_registered_rules() -> None:
    source = (ROOT / "tests" / "support" / "built_references.py").read_text(encoding="utf-8")
    reported = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"\)', source))
    assert reported and reported <= {name for name, r in RULES.items() if r.scope == "built"}


def test_a_since_publication_month_may_not_come_after_the_day_of_the_check(tmp_path: Path) -> None:
    page = tmp_path / "docs" / "later.md"
    page.parent.mkdir()
    shutil.copytree(FIXTURES / "sources", tmp_path / "sources")
    page.write_text(
        "# Later\n\nRecognised.[^recognition-later]\n\n[^recognition-later]: **Since publication — as of July 2025.**\n"
        "    Recognition followed {cite:p}`example2025one`.\n",
        encoding="utf-8",
    )
    def rules(today: date) -> list[tuple[int, str]]:
        return [(p.line, p.rule) for p in check_paths([page], root=tmp_path, today=today)]

    assert rules(date(2025, 7, 1)) == []
    assert rules(date(2025, 6, 30)) == [(5, "since-publication-month")]


def test_a_term_no_paragraph_of_the_article_links_is_reported(tmp_path: Path) -> None:
    for folder in ("docs", "glossary", "sources"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    term = tmp_path / "glossary" / "casa-1000.md"
    for page in (tmp_path / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"\{term\}`(CASA-1000)`", r"\1", text), encoding="utf-8")
    problems = [p for p in check_paths(root=tmp_path) if p.rule == "term-unlinked"]
    assert [(p.path, p.rule) for p in problems] == [("glossary/casa-1000.md", "term-unlinked")]
    assert problems[0].message.startswith("no paragraph of the article links the term CASA-1000")
    assert term.exists()


def test_checking_changes_no_file() -> None:
    def digest() -> dict[str, str]:
        return {
            str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(FIXTURES.rglob("*")) if p.is_file()
        }
    before = digest()
    assert run_check(str(FIXTURES.relative_to(ROOT))).returncode == 1
    assert digest() == before


def test_the_validator_does_not_load_sphinx() -> None:
    """Importing Sphinx would double the time `make check` takes."""
    probe = "import sys, edition_tools.check.run; print(sorted(m for m in sys.modules if m.startswith('sphinx')))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "[]", result.stderr


# -- Files that cannot be stored as fixtures ---------------------------------------


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    """An empty edition: docs/, glossary/ and the fixtures' bibliography."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "glossary").mkdir()
    shutil.copytree(FIXTURES / "sources", tmp_path / "sources")
    return tmp_path


def problems_of(path: Path, root: Path) -> list[tuple[str, int, str]]:
    return [(p.path, p.line, p.rule) for p in check_paths([path], root=root)]


def test_invalid_utf8_is_named_with_its_place(edition: Path) -> None:
    page = edition / "docs" / "latin1.md"
    page.write_bytes("# Page\n\nThe caf\u00e9 on the corner.\n".encode("latin-1"))
    problems = check_paths([page], root=edition)
    assert [(p.path, p.line, p.rule) for p in problems] == [("docs/latin1.md", 3, "file-encoding")]
    assert problems[0].message.startswith("is not valid UTF-8 at byte offset 15 (column 8): 0xE9")


def test_a_binary_file_is_refused(edition: Path) -> None:
    image = edition / "docs" / "picture.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    assert problems_of(image, edition) == [("docs/picture.png", 3, "file-binary")]


def test_an_oversized_page_is_refused_before_it_is_read(edition: Path) -> None:
    page = edition / "glossary" / "huge.md"
    page.write_text("x" * (MAX_BYTES + 1), encoding="utf-8")
    assert problems_of(page, edition) == [("glossary/huge.md", 1, "file-too-large")]


def test_a_symbolic_link_is_refused(edition: Path) -> None:
    link = edition / "docs" / "secrets.md"
    link.symlink_to("/etc/hostname")
    assert problems_of(edition / "docs", edition) == [("docs/secrets.md", 1, "file-symlink")]


def test_a_fifo_is_reported_not_read(edition: Path) -> None:
    fifo = edition / "docs" / "pipe.md"
    os.mkfifo(fifo)
    assert problems_of(fifo, edition) == [("docs/pipe.md", 1, "file-unreadable")]


def test_an_unreadable_file_is_reported(edition: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = edition / "docs" / "locked.md"
    page.write_text("# Locked\n", encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # The tests may run as root, for whom chmod 000 changes nothing.
    monkeypatch.setattr(Path, "read_bytes", refuse)
    problems = check_paths([page], root=edition)
    assert [(p.path, p.line, p.rule) for p in problems] == [("docs/locked.md", 1, "file-unreadable")]
    assert "Permission denied" in problems[0].message


def test_a_missing_paragraph_is_reported_for_the_whole_edition(tmp_path: Path) -> None:
    for folder in ("docs", "glossary", "sources"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, tmp_path / folder)
    page = tmp_path / "docs" / "implications.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"\(p9\)=\n.*?\n\n", "", text, flags=re.DOTALL), encoding="utf-8")
    problems = check_paths(root=tmp_path)
    # ¶9's annotations lose their markers with it, and a term may lose its only link: those are reported too.
    assert {p.rule for p in problems} <= {"paragraph-missing", "footnote-unreferenced", "term-unlinked"}
    assert [(p.rule, p.message.split(":")[0]) for p in problems if p.rule == "paragraph-missing"] == [
        ("paragraph-missing", "¶9 of the article is missing")
    ]


def test_a_changed_source_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def changed() -> None:
        raise SourceError("sources/article.txt: sha256 is 0000, but sources/article.toml pins 1111")

    monkeypatch.setattr(source_fidelity, "body_paragraphs", changed)
    assert [(p.path, p.rule) for p in check.check_paths()] == [("sources/article.txt", "source-pinned")]


@pytest.mark.parametrize(("line", "problem"), [
    ("Brought up to date in December 2026: the latest “Since publication” note is as of January 2025.",
     "the cover says the latest “Since publication” note is as of January 2025, but the notes' latest month is"),
    ("Brought up to date in January 2099: the latest “Since publication” note is as of March 2026.",
     "“January 2099” is not a month up to"),
    ("Brought up to date recently.", "the cover does not say when the edition was brought up to date"),
])
def test_the_cover_says_how_current_the_notes_are(tmp_path: Path, line: str, problem: str) -> None:
    for folder in ("docs", "glossary", "sources"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    cover = tmp_path / "docs" / "index.md"
    text = cover.read_text(encoding="utf-8")
    cover.write_text(re.sub(r"^Brought up to date.*$", line, text, flags=re.M), encoding="utf-8")
    problems = check_paths(root=tmp_path, today=date(2026, 12, 1))
    assert [(p.path, p.rule) for p in problems] == [("docs/index.md", "cover-up-to-date")]
    assert problems[0].message.startswith(problem)

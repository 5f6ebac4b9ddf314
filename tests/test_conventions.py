"""The edition's conventions, defined once in edition_tools/core/conventions.py, as data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edition_tools.core.conventions import (
    KINDS,
    LINK_SCHEMES,
    SOURCE_SCHEMES,
    KindLineError,
    citation_keys,
    citation_parts,
    read_kind_line,
    role_target,
    role_text,
    term_key,
    written_date,
)

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("text", "kind", "verdict", "as_of"),
    [
        ("Context.", "Context", None, None),
        ("Term.", "Term", None, None),
        ("Fact check — imprecise.", "Fact check", "imprecise", None),
        ("Fact check — overtaken.", "Fact check", "overtaken", None),
        ("Since publication — as of June 2025.", "Since publication", None, "2025-06"),
        ("Since publication — as of March 2026.", "Since publication", None, "2026-03"),
    ],
)
def test_kind_lines_that_are_read(text: str, kind: str, verdict: str | None, as_of: str | None) -> None:
    line = read_kind_line(text, TODAY)
    assert (line.kind.name, line.verdict, line.as_of) == (kind, verdict, as_of)


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("Fact check.", "Fact check", "state the verdict"),
        ("Fact check — wrong.", "Fact check", "“wrong” is not a verdict"),
        ("Fact check – imprecise.", "Fact check", "separate the kind from its qualifier with an em dash"),
        ("Since publication.", "Since publication", "say when it was last true"),
        ("Since publication — as of Juin 2025.", "Since publication", "“as of Juin 2025” is not"),
        ("Since publication — as of April 2026.", "Since publication", "April 2026 is after the month of the build"),
        ("Context — accurate.", "Context", "the kind Context takes no qualifier"),
        ("Term — a name.", "Term", "the kind Term takes no qualifier"),
    ],
)
def test_kind_lines_that_name_a_kind_but_are_malformed(text: str, kind: str, message: str) -> None:
    with pytest.raises(KindLineError) as error:
        read_kind_line(text, TODAY)
    assert (error.value.kind.name, error.value.message.startswith(message)) == (kind, True)


@pytest.mark.parametrize("text", ["Background.", "Context:", "Note.", "context."])
def test_text_that_names_no_kind(text: str) -> None:
    assert read_kind_line(text, TODAY) is None


def test_which_kinds_must_cite() -> None:
    assert {name: kind.must_cite for name, kind in KINDS.items()} == {
        "Context": True, "Fact check": True, "Since publication": True, "Term": False,
    }


@pytest.mark.parametrize(
    ("content", "keys", "parts"),
    [
        ("kabulov2024", ["kabulov2024"], [("", "kabulov2024", "")]),
        ("{see}kabulov2024{p. 3}", ["kabulov2024"], [("see", "kabulov2024", "p. 3")]),
        ("a2025x, {cf.}b2024y{pp. 3, 4}", ["a2025x", "b2024y"], [("", "a2025x", ""), ("cf.", "b2024y", "pp. 3, 4")]),
    ],
)
def test_citation_keys_lose_their_notes(content: str, keys: list[str], parts: list[tuple[str, str, str]]) -> None:
    assert (citation_keys(content), citation_parts(content)) == (keys, parts)


def test_roles_and_term_keys() -> None:
    assert (role_text("the talks <Moscow  Format>"), role_target("the talks <Moscow  Format>")) == (
        "the talks", "Moscow  Format",
    )
    assert term_key(role_target("the talks <Moscow  Format>")) == term_key("moscow format") == "moscow format"


def test_one_link_policy_for_the_build_and_the_validator() -> None:
    from edition_tools.check.unsafe_content import link_problem
    from edition_tools.ext.untrusted_content import ALLOWED_SCHEMES

    assert ALLOWED_SCHEMES == LINK_SCHEMES == {"http", "https", "mailto"}
    assert SOURCE_SCHEMES == {"http", "https"}
    page = Path(__file__)
    assert link_problem("mailto:editors@example.org", page, page.parent) is None
    assert link_problem("javascript:alert(1)", page, page.parent).startswith("uses the javascript: scheme")


@pytest.mark.parametrize(
    ("iso", "written"),
    [("2025-06-11", "11 June 2025"), ("2025-04", "April 2025"), ("2025", "2025"), ("2025-13", "2025-13")],
)
def test_dates_are_written_one_way(iso: str, written: str) -> None:
    from edition_tools.ext.latex_edition import written_date as latex_date

    assert written_date(iso) == latex_date(iso) == written

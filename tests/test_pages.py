"""The page reader's directives: options and body split exactly as MyST splits them.

``core.pages.directive_parts`` reads a directive's options and body without
MyST's directive module (which loads docutils' reStructuredText parser), so
these tests hold it to that module, for a directive taking one argument and
any option, on every directive of the edition and on awkward cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docutils.parsers.rst.directives import misc
from myst_parser.parsers.directives import parse_directive_text

from edition_tools.core.fidelity import article_pages
from edition_tools.core.pages import _parser, directive_parts, parse_page

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([*(ROOT / "docs").rglob("*.md"), *(ROOT / "glossary").glob("*.md")])


class AnyDirective(misc.TestDirective):
    """What the page reader reads every directive as: one argument, any option, content."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True


def myst_parts(content: str) -> tuple[dict[str, str], list[str], int]:
    result = parse_directive_text(AnyDirective, "", content)
    return result.options, result.body, result.body_offset


def fence_contents(text: str) -> list[str]:
    """The content of every fence of a page, directive bodies included."""
    contents = []
    for token in _parser().parse(text):
        if token.type in ("fence", "colon_fence") and token.info.strip().startswith("{"):
            content = token.content
            if token.type == "colon_fence" and content.startswith(":::"):
                content = "\n" + content
            contents.append(content)
            contents.extend(fence_contents(token.content))
    return contents


EDITION_DIRECTIVES = [content for page in PAGES for content in fence_contents(page.read_text(encoding="utf-8"))]

AWKWARD = {
    "no options": "Body\n",
    "colon options then blank": ":name: x\n:class: a b\n\nBody line\n\n",
    "option without a value": ":glob:\nintro\n",
    "indented option lines": "  :name: x\nBody\n",
    "blank line before options": "\n:name: x\nBody\n",
    "nested colon fence is not an option": "\n:::{note}\ninner\n:::\n",
    "yaml block": "---\nname: x\nclass: |\n  two\n  lines\n---\nBody\n",
    "yaml block with text after the closing line": "---\nname: x\n--- First body line\nsecond\n",
    "yaml block never closed": "---\nname: x\nclass: y\n",
    "indented yaml block": "---\n  name: x\n  class: y\n---\n\nBody\n",
    "unreadable options": ":name: \"unclosed\nBody\n",
    "option without its colon": ":glob\n\nBody\n",
    "repeated option": ":name: a\n:name: b\n",
    "blank lines at the end after options": ":name: x\n\nBody\n\n\n",
    "blank lines at the end without options": "Body\n\n\n",
    "only blank lines": "\n\n",
    "empty": "",
    "options only": ":name: x\n",
}


@pytest.mark.parametrize("content", EDITION_DIRECTIVES)
def test_every_directive_of_the_edition_reads_as_myst_reads_it(content: str) -> None:
    assert directive_parts(content) == myst_parts(content)


@pytest.mark.parametrize("content", AWKWARD.values(), ids=AWKWARD.keys())
def test_awkward_directives_read_as_myst_reads_them(content: str) -> None:
    assert directive_parts(content) == myst_parts(content)


def test_the_edition_has_directives_with_options_to_compare() -> None:
    assert len(EDITION_DIRECTIVES) > 20
    assert sum(1 for content in EDITION_DIRECTIVES if directive_parts(content)[0]) >= 3


@pytest.mark.parametrize("argument", ["", "Note", "A title with  two spaces", "x <y>"])
def test_the_argument_is_the_rest_of_the_opening_line_as_myst_keeps_it(argument: str) -> None:
    text = f"```{{note}} {argument}\nBody\n```\n"
    [directive] = parse_page(text).directives
    assert directive.argument == " ".join(parse_directive_text(AnyDirective, argument, "Body\n").arguments)


def test_directive_lines_count_the_option_block() -> None:
    text = "# Title\n\n```{toctree}\n:name: parts\n:maxdepth: 1\n\nintro\n```\n"
    [toctree] = parse_page(text).directives
    assert (toctree.name, toctree.options, toctree.body) == ("toctree", {"name": "parts", "maxdepth": "1"}, ["intro"])
    assert (toctree.line, toctree.body_line) == (3, 7)


def test_article_pages_read_from_the_cover_page_as_parsed() -> None:
    cover = ROOT / "docs" / "index.md"
    parsed = parse_page(cover.read_text(encoding="utf-8"))
    assert article_pages(cover, parsed) == article_pages(cover)
    assert [page.stem for page in article_pages(cover, parsed)][:2] == ["introduction", "background"]

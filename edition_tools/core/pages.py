"""The one reading of a MyST page: tokens that know their line and context.

The validator's rules, the fidelity comparison, the W3C export and the tests
look at a page through this module, never at its raw text. It parses a page
with the markdown-it parser MyST uses (:func:`markdown_parser`) and records,
for every block and inline token, its 1-based line and the annotation
(footnote) it stands in, if any. From those tokens it reads what the edition
is made of: the article's paragraphs (after their ``(pN)=`` targets), the
annotations with their markers and the text in bold that opens them, the
citations with their keys (notes removed) and the term references. What
those are is defined in :mod:`edition_tools.core.conventions`.

Directives hide Markdown from a single parse: the body of ``:::{note}`` is
only parsed when MyST renders it. So the body of every directive whose content
is Markdown is parsed again here, with its lines offset to the page's, and
its tokens carry the depth of nesting. Glossary entries are split into terms and
definitions the way Sphinx's ``glossary`` directive splits them, and each
definition is parsed the same way.

Unlike MyST, this parser accepts links with any scheme: MyST leaves
``[x](javascript:...)`` as plain text, but the validator must see the attempt
to report it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.options import TokenizeError, options_to_items

from edition_tools.core.conventions import (
    PARAGRAPH_LABEL,
    citation_keys,
    is_citation_role,
    role_target,
    role_text,
    term_key,
)

#: Directives whose body is not Markdown (code, raw output, file names, rST).
LITERAL_BODY = frozenset(
    {
        "bibliography", "code", "code-block", "code-cell", "csv-table", "eval-rst",
        "graphviz", "highlight", "include", "literalinclude", "math", "mermaid",
        "parsed-literal", "raw", "sourcecode", "toctree",
    }
)
#: How deep directives may nest before the page is refused as pathological.
MAX_DEPTH = 16
#: ``{name} arguments``: the info string of a fence that is a directive.
DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[^{}\s]+)\}(?:\s+(?P<argument>.*))?$", re.DOTALL)
#: Sphinx splits ``term : classifier`` on a colon with spaces around it.
TERM_CLASSIFIER = re.compile(r" +: +")


@dataclass(frozen=True)
class Located:
    """A markdown-it token, where it stands and what it stands in."""

    token: Token
    #: 1-based line in the page.
    line: int
    #: Label of the annotation (footnote definition) the token is part of.
    footnote: str | None
    #: 0 on the page itself, 1 in the body of a directive, 2 in a directive in that ...
    depth: int

    @property
    def nested(self) -> bool:
        """True when the token comes from the body of a directive."""
        return self.depth > 0


@dataclass(frozen=True)
class Directive:
    """A directive (backtick or colon fence) as MyST reads it."""

    name: str
    argument: str
    options: dict
    body: list[str]
    #: Line of the opening fence and line of the first body line.
    line: int
    body_line: int
    footnote: str | None
    depth: int


@dataclass(frozen=True)
class GlossaryEntry:
    """One entry of a ``{glossary}`` directive: its term lines and definition."""

    #: Each term with the line it is on (several terms are synonyms).
    terms: list[tuple[str, int]]
    definition: list[str]
    definition_line: int


@dataclass(frozen=True)
class ArticleParagraph:
    """A paragraph of the article on a page: the one after a ``(pN)=`` target."""

    number: int
    #: Line of the ``(pN)=`` target.
    line: int
    #: The paragraph's inline tokens (``[]`` when no paragraph follows the target).
    children: list[Located]

    @cached_property
    def markers(self) -> list[Located]:
        """The annotation markers standing in the paragraph."""
        return [item for item in self.children if item.token.type == "footnote_ref"]


@dataclass(frozen=True)
class Footnote:
    """An annotation: a footnote definition, its place and its blocks."""

    label: str
    line: int
    #: Line after the definition's last line.
    end_line: int
    depth: int
    #: The definition's blocks, as markdown-it gives them (for rendering).
    tokens: list[Token]
    #: The blocks directly inside it (the inline of a paragraph inside counts).
    inside: list[Located]

    @property
    def _opens_with_paragraph(self) -> bool:
        inside = self.inside
        return len(inside) >= 2 and inside[0].token.type == "paragraph_open" and inside[1].token.type == "inline"

    @property
    def kind_text(self) -> str | None:
        """The text in bold that opens the note (its kind line), or ``None``."""
        if not self._opens_with_paragraph:
            return None
        # markdown-it opens an inline run with an empty text token.
        children = [c for c in self.inside[1].token.children or [] if not (c.type == "text" and not c.content)]
        if len(children) >= 3 and children[0].type == "strong_open" and children[2].type == "strong_close":
            if children[1].type == "text":
                return children[1].content
        return None

    @property
    def opening(self) -> str:
        """How the note begins, shortened, for messages."""
        if not self._opens_with_paragraph:
            return "something other than a paragraph"
        first_line = self.inside[1].token.content.split("\n", 1)[0]
        opening = first_line if len(first_line) <= 40 else first_line[:40].rsplit(" ", 1)[0] + " …"
        return f"“{opening}”" if opening else "nothing"


@dataclass(frozen=True)
class Citation:
    """A ``{cite}`` role and the keys it names (pre- and post-notes removed)."""

    role: Located
    keys: list[str]

    @property
    def line(self) -> int:
        return self.role.line


@dataclass(frozen=True)
class TermReference:
    """A ``{term}`` role: the text it shows and the term it points at."""

    role: Located
    text: str
    target: str

    @property
    def key(self) -> str:
        return term_key(self.target)

    @property
    def line(self) -> int:
        return self.role.line


@dataclass
class ParsedPage:
    """Everything the rules need from one page."""

    blocks: list[Located] = field(default_factory=list)
    inlines: list[Located] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    #: Each annotation's label and the line of its definition, in page order.
    footnote_definitions: list[tuple[str, int]] = field(default_factory=list)
    #: The glossary entries of every ``{glossary}`` directive on the page.
    glossary: list[GlossaryEntry] = field(default_factory=list)
    #: Set when directives nest deeper than :data:`MAX_DEPTH`.
    too_deep: int | None = None

    #: The article's paragraphs on the page, in page order.
    paragraphs: list[ArticleParagraph] = field(default_factory=list)
    #: The annotations, in page order.
    footnotes: list[Footnote] = field(default_factory=list)

    @cached_property
    def citations(self) -> list[Citation]:
        """Every citation on the page, directive bodies included."""
        return [
            Citation(role, citation_keys(role.token.content))
            for role in self.roles() if is_citation_role(role.token.meta.get("name", ""))
        ]

    @cached_property
    def term_references(self) -> list[TermReference]:
        """Every ``{term}`` role on the page, directive bodies included."""
        return [
            TermReference(role, role_text(role.token.content), role_target(role.token.content))
            for role in self.roles("term")
        ]

    @cached_property
    def markers(self) -> list[Located]:
        """Every annotation marker ``[^label]`` on the page."""
        return [item for item in self.inlines if item.token.type == "footnote_ref"]

    def roles(self, *names: str) -> list[Located]:
        """Return the role tokens whose name is one of ``names`` (all when empty)."""
        return [
            item for item in self.inlines
            if item.token.type == "myst_role" and (not names or item.token.meta.get("name") in names)
        ]


@cache
def markdown_parser() -> MarkdownIt:
    """The markdown-it parser MyST uses, with the edition's extensions (cached: do not modify)."""
    config = MdParserConfig(enable_extensions={"colon_fence", "deflist"})
    return create_md_parser(config, RendererHTML)


def new_markdown_parser() -> MarkdownIt:
    """A fresh parser as :func:`markdown_parser`, for callers that add render rules."""
    config = MdParserConfig(enable_extensions={"colon_fence", "deflist"})
    return create_md_parser(config, RendererHTML)


@cache
def _parser() -> MarkdownIt:
    parser = new_markdown_parser()
    # Accept every scheme so that forbidden links become link tokens to report.
    parser.validateLink = lambda url: True
    # MyST counts words and reading time for page metadata; no rule reads them.
    parser.disable("wordcount")
    return parser


def _option_line(text: str) -> bool:
    """Whether ``text`` is a ``:key: value`` line (a ``:::`` line opens a nested fence)."""
    stripped = text.lstrip()
    return stripped.startswith(":") and not stripped.startswith(":::")


def directive_parts(content: str) -> tuple[dict[str, str], list[str], int]:
    """Split the text under a directive's opening line into options and body, as MyST does.

    Return the options, the body's lines and how many lines below the opening
    line the body starts. Options are a ``---`` block or the ``:key: value``
    lines that open the content; every option is kept, unvalidated, and a
    block MyST cannot read gives none. One blank line after them is dropped.

    MyST's own reader (``myst_parser.parsers.directives``) gives the same for
    a directive that takes one argument and any option, but importing it loads
    docutils' reStructuredText parser and PyYAML, a fifth of what ``make
    check`` cost, for checks of options and arguments it skips for such a
    directive. The option block itself is read by MyST's tokenizer;
    ``tests/test_pages.py`` holds this function to MyST's result on every
    directive of the edition and on awkward ones.
    """
    block: str | None = None
    offset = 0
    lines = content.splitlines()
    if content.startswith("---"):
        closing = next((index for index, text in enumerate(lines[1:], 1) if text.startswith("---")), None)
        if closing is None:  # no closing line: everything is options
            block, lines, offset = "\n".join(lines[1:]), [], len(lines)
        else:
            # Text after the closing dashes is the body's first line, on the closing line.
            rest = lines[closing].lstrip("-").removeprefix(" ")
            block = "\n".join(lines[1:closing])
            offset = closing if rest else closing + 1
            lines = [rest, *lines[closing + 1:]] if rest else lines[closing + 1:]
        from textwrap import dedent  # the edition writes no such block: make check need not import it

        block = dedent(block)
    elif content.lstrip().startswith(":"):
        count = next((index for index, text in enumerate(lines) if not _option_line(text)), len(lines))
        block = "\n".join(text.lstrip()[1:] for text in lines[:count])
        offset, lines = count, lines[count:]
    options: dict[str, str] = {}
    if block is not None:
        # MyST joins the body again and splits it: blank lines at its end go.
        lines = "\n".join(lines).splitlines()
        try:
            options = dict(options_to_items(block)[0])
        except TokenizeError:
            pass  # MyST warns and keeps no option; the build reports it
    if lines and not lines[0].strip():
        lines, offset = lines[1:], offset + 1
    return options, lines, offset


def read_directive(token: Token, line: int, footnote: str | None, depth: int) -> Directive | None:
    """Return the directive of a ``fence`` or ``colon_fence`` token, if it is one."""
    match = DIRECTIVE_INFO.match(token.info.strip())
    if not match:
        return None
    content = token.content
    if token.type == "colon_fence" and content.startswith(":::"):
        content = "\n" + content  # as MyST does: a nested fence is not an option
    options, body, offset = directive_parts(content)
    return Directive(
        name=match.group("name"),
        # One argument that may hold spaces: MyST keeps the rest of the line as it stands.
        argument=match.group("argument") or "",
        options=options,
        body=body,
        line=line,
        body_line=line + 1 + offset,
        footnote=footnote,
        depth=depth,
    )


def glossary_entries(body: list[str], first_line: int) -> list[GlossaryEntry]:
    """Split the body of a ``{glossary}`` directive into entries, as Sphinx does.

    A line that starts at the margin is a term (consecutive ones are synonyms);
    the indented lines after it are its definition; ``.. `` starts a comment.
    """
    entries: list[GlossaryEntry] = []
    terms: list[tuple[str, int]] = []
    definition: list[str] = []
    definition_line = 0
    indent = 0
    in_comment = False

    def close() -> None:
        if terms:
            while definition and not definition[-1].strip():
                definition.pop()
            entries.append(GlossaryEntry(list(terms), list(definition), definition_line))

    for number, text in enumerate(body, start=first_line):
        if not text.strip():
            in_comment = False
            if definition:
                definition.append("")
            continue
        if not text[0].isspace():
            if text.startswith(".."):
                in_comment = True
                continue
            in_comment = False
            if definition:
                close()
                terms, definition = [], []
            terms.append((TERM_CLASSIFIER.split(text.strip())[0], number))
        elif in_comment or not terms:
            continue
        else:
            if not definition:
                indent = len(text) - len(text.lstrip())
                definition_line = number
            stripped = len(text) - len(text.lstrip())
            definition.append(text[min(indent, stripped):])
    close()
    return entries


def _inline_lines(inline: Token, first_line: int) -> list[tuple[Token, int]]:
    """Return the children of an inline token, each with the line it starts on."""
    located = []
    line = first_line
    for child in inline.children or []:
        located.append((child, line))
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        else:
            line += child.content.count("\n")
    return located


def inline_children(inline: Located) -> list[Located]:
    """The children of a located inline token, each located on its own line."""
    return [
        Located(child, line, inline.footnote, inline.depth) for child, line in _inline_lines(inline.token, inline.line)
    ]


def _walk(page: ParsedPage, text: str, offset: int, footnote: str | None, depth: int) -> None:
    if depth > MAX_DEPTH:
        page.too_deep = offset + 1
        return
    current = footnote
    line = offset + 1
    for token in _parser().parse(text):
        if token.map:
            line = offset + token.map[0] + 1
        if token.type == "footnote_reference_open":
            page.blocks.append(Located(token, line, footnote, depth))
            current = token.meta["label"]
            page.footnote_definitions.append((current, line))
            continue
        if token.type == "footnote_reference_close":
            current = footnote
        page.blocks.append(Located(token, line, current, depth))
        if token.type == "inline":
            page.inlines.extend(
                Located(child, child_line, current, depth)
                for child, child_line in _inline_lines(token, line)
            )
        elif token.type in ("fence", "colon_fence"):
            directive = read_directive(token, line, current, depth)
            if directive is None:
                if token.type == "colon_fence":  # a plain ::: div holds Markdown
                    _walk(page, token.content, line, current, depth + 1)
                continue
            page.directives.append(directive)
            if directive.name == "glossary":
                for entry in glossary_entries(directive.body, directive.body_line):
                    page.glossary.append(entry)
                    _walk(page, "\n".join(entry.definition), entry.definition_line - 1, current, depth + 1)
            elif directive.name not in LITERAL_BODY:
                _walk(page, "\n".join(directive.body), directive.body_line - 1, current, depth + 1)


def _footnotes(page: ParsedPage) -> list[Footnote]:
    """Each annotation with its blocks, read from the located blocks."""
    found = []
    blocks = page.blocks
    for index, opening in enumerate(blocks):
        if opening.token.type != "footnote_reference_open":
            continue
        tokens: list[Token] = []
        inside: list[Located] = []
        level, nesting = opening.token.level + 1, 0
        for item in blocks[index + 1:]:
            if item.depth != opening.depth:
                continue
            token = item.token
            if token.type == "footnote_reference_open":
                nesting += 1
            elif token.type == "footnote_reference_close":
                if nesting == 0:
                    break
                nesting -= 1
            tokens.append(token)
            if token.level == level or (
                token.type == "inline" and inside and inside[-1].token.type == "paragraph_open"
            ):
                inside.append(item)
        end = opening.token.map[1] if opening.token.map else opening.line
        found.append(Footnote(opening.token.meta["label"], opening.line, end, opening.depth, tokens, inside))
    return found


def _article_paragraphs(page: ParsedPage) -> list[ArticleParagraph]:
    """The paragraphs after a ``(pN)=`` target on the page itself (not in directives)."""
    top = [item for item in page.blocks if item.depth == 0]
    found = []
    for index, item in enumerate(top):
        match = PARAGRAPH_LABEL.match(item.token.content.strip()) if item.token.type == "myst_target" else None
        if not match:
            continue
        children: list[Located] = []
        following = [item.token.type for item in top[index + 1:index + 3]]
        if following == ["paragraph_open", "inline"]:
            inline = top[index + 2]
            children = [
                Located(child, line, inline.footnote, 0) for child, line in _inline_lines(inline.token, inline.line)
            ]
        found.append(ArticleParagraph(int(match.group(1)), item.line, children))
    return found


def parse_page(text: str) -> ParsedPage:
    """Parse the MyST ``text`` of a page, directive bodies included."""
    page = ParsedPage()
    _walk(page, text, 0, None, 0)
    page.paragraphs = _article_paragraphs(page)
    page.footnotes = _footnotes(page)
    return page

"""Rules for links between the edition's pages: the page and the anchor must exist.

A strict build (``-W -n``) fails on a link to a page or an anchor that MyST
cannot resolve, so ``make check`` reports it first: a relative link to a
Markdown page (``background.md#p3``, ``/docs/index.md``) must name a page of
the edition, and its fragment a ``(label)=`` target or a heading anchor of
that page (MyST makes anchors for headings of levels 1 and 2, GitHub-style);
a bare fragment (``#p3``, ``project:#p3``) must name one on the same page or
a target anywhere in the edition.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from myst_parser.slugs import github_slugify

from edition_tools.check.context import EditionContext
from edition_tools.check.registry import rule
from edition_tools.core.conventions import SCHEME
from edition_tools.core.pages import ParsedPage
from edition_tools.core.problems import Problem

#: The heading levels MyST gives anchors (``myst_heading_anchors`` in conf.py).
HEADING_ANCHOR_LEVELS = ("h1", "h2")


def anchors(page: ParsedPage) -> set[str]:
    """The anchors a link can name on ``page``: its targets and its heading slugs."""
    found = {item.token.content.strip() for item in page.blocks if item.token.type == "myst_target"}
    slugs: set[str] = set()
    for index, item in enumerate(page.blocks[:-1]):
        if item.token.type == "heading_open" and item.token.tag in HEADING_ANCHOR_LEVELS and item.depth == 0:
            inline = page.blocks[index + 1].token
            title = "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
            slug, number = github_slugify(title), 1
            while slug in slugs:  # as MyST makes repeated slugs unique
                slug, number = f"{github_slugify(title)}-{number}", number + 1
            slugs.add(slug)
    return found | slugs


@rule("link-target", "a link to a page of the edition, or to an anchor, that does not exist",
      "fix the file name or the anchor (`background.md#p3`, `#p3`)", scope="edition")
def check_link_targets(context: EditionContext) -> Iterator[Problem]:
    """Every link to a page of the edition lands on a page, and on an anchor of it."""
    pages = {path: page for path, _, page in context.every}
    on_page = {path: anchors(page) for path, page in pages.items()}
    everywhere = {anchor for found in on_page.values() for anchor in found}
    for path, shown, page in context.checked:
        for item in page.inlines:
            if item.token.type != "link_open":
                continue
            href = str(item.token.attrs.get("href", ""))
            scheme = SCHEME.match(href)
            if scheme and scheme.group(1).lower() == "project":
                href = href[len("project:"):]
            elif scheme:
                continue  # a web address: unsafe-link judges it
            try:
                parts = urlsplit(href)
            except ValueError:
                continue  # unsafe-link reports it
            target_path, fragment = unquote(parts.path), unquote(parts.fragment)
            if not target_path:
                if fragment and fragment not in on_page.get(path, set()) | everywhere:
                    yield Problem(shown, item.line, f"the link to #{fragment} names no anchor of the page or the "
                                  "edition; link to a (label)= target such as #p3, or to a heading", "link-target")
                continue
            if not target_path.endswith(".md"):
                continue
            base = context.root if target_path.startswith("/") else path.parent
            target = Path(os.path.normpath(base / target_path.lstrip("/")))
            if target not in pages:
                yield Problem(shown, item.line, f"the link to {href} names no page of the edition; link to an "
                              "existing page of docs/ or glossary/", "link-target")
            elif fragment and fragment not in on_page[target]:
                yield Problem(shown, item.line, f"the link to {href} names no anchor of that page; link to one "
                              "of its (label)= targets or headings", "link-target")

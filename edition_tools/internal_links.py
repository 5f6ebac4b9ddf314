"""Check that every internal link of a built HTML site resolves.

A link resolves when the file it names exists and, if it has a ``#fragment``,
that file has an element with that id (or an ``<a name>``). External
addresses are left to Sphinx's linkcheck builder.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from .problems import Problem

#: Attributes that load or link to another resource.
LINK_ATTRIBUTES = ("href", "src")


@cache
def _anchors(path: Path) -> frozenset[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    names = {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return frozenset(ids | names)


def site_pages(html_dir: Path) -> list[Path]:
    """Return the HTML pages of a built site.

    Themes copy Jinja macro files ending in ``.html`` into ``_static``; they
    are templates, not pages, and no page links to them.
    """
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.relative_to(html_dir).parts)


def link_problems(html_dir: Path) -> list[Problem]:
    """Return a problem for every internal ``href``/``src`` that does not resolve."""
    _anchors.cache_clear()
    problems: list[Problem] = []
    for page in site_pages(html_dir):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        shown = str(page.relative_to(html_dir))
        for tag in soup.find_all(True):
            for attribute in LINK_ATTRIBUTES:
                value = tag.get(attribute)
                if value is None:
                    continue
                parts = urlsplit(value)
                if parts.scheme in ("http", "https", "mailto"):
                    continue
                line = tag.sourceline or 1
                if parts.scheme or parts.netloc:
                    problems.append(
                        Problem(shown, line, f"{attribute}={value!r} uses a scheme the site does not allow", "link-scheme")
                    )
                    continue
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
                if target.is_dir():
                    target = target / "index.html"
                if not target.exists():
                    problems.append(Problem(shown, line, f"{attribute}={value!r}: no file {parts.path}", "link-file"))
                    continue
                fragment = unquote(parts.fragment)
                if fragment and target.suffix == ".html" and fragment not in _anchors(target):
                    problems.append(
                        Problem(shown, line, f"{attribute}={value!r}: {target.name} has no id {fragment!r}", "link-fragment")
                    )
    return problems

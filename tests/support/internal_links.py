"""Check that every internal link of a built HTML site resolves.

A link resolves when the file it names exists and, if it has a ``#fragment``,
that file has an element with that id (or an ``<a name>``). External
addresses are left to Sphinx's linkcheck builder.

What is read, page by page and file by file:

* every ``href``, ``src`` and ``srcset`` of every page (the general index and
  the search page included), and the address of a ``<meta http-equiv=refresh>``
  (the site's root page sends the reader to the cover with one);
* every ``url(...)`` and ``@import`` of the site's stylesheets (fonts, images);
* the search index: each page it names exists, and each section it offers
  (``alltitles``) or index entry (``indexentries``) is an id on that page. The
  search page builds its result links from these at run time.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from edition_tools.core.conventions import LINK_SCHEMES
from edition_tools.core.problems import Problem

#: Attributes that load or link to another resource.
LINK_ATTRIBUTES = ("href", "src")
#: Schemes of addresses that leave the site; linkcheck checks those.
EXTERNAL_SCHEMES = tuple(sorted(LINK_SCHEMES))
#: ``url(...)`` and ``@import "..."`` in a stylesheet.
CSS_REFERENCE = re.compile(
    r"""url\(\s*(?P<quote>['"]?)(?P<url>[^'")]*)(?P=quote)\s*\)"""
    r"""|@import\s+(?P<q2>['"])(?P<import>[^'"]+)(?P=q2)"""
)
#: The address in ``<meta http-equiv="refresh" content="0; url=...">``.
REFRESH_URL = re.compile(r"url\s*=\s*['\"]?(?P<url>[^'\"\s]+)", re.IGNORECASE)


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


def site_stylesheets(html_dir: Path) -> list[Path]:
    """Return the stylesheets of a built site."""
    return sorted(html_dir.rglob("*.css"))


def check_address(value: str, source: Path, shown: str, line: int, what: str) -> Problem | None:
    """Return a problem if the address ``value``, found in ``source``, does not resolve.

    ``what`` names where the address stands (``href``, ``src``, ``url()``) in
    the message.
    """
    parts = urlsplit(value)
    if parts.scheme in EXTERNAL_SCHEMES:
        return None
    if parts.scheme or parts.netloc:
        return Problem(shown, line, f"{what}={value!r} uses a scheme the site does not allow", "link-scheme")
    target = (source.parent / unquote(parts.path)).resolve() if parts.path else source
    if target.is_dir():
        target = target / "index.html"
    if not target.exists():
        return Problem(shown, line, f"{what}={value!r}: no file {parts.path}", "link-file")
    fragment = unquote(parts.fragment)
    if fragment and target.suffix == ".html" and fragment not in _anchors(target):
        return Problem(shown, line, f"{what}={value!r}: {target.name} has no id {fragment!r}", "link-fragment")
    return None


def _page_addresses(soup: BeautifulSoup) -> list[tuple[str, str, int]]:
    """Every address of a page as ``(attribute, value, line)``."""
    found: list[tuple[str, str, int]] = []
    for tag in soup.find_all(True):
        line = tag.sourceline or 1
        for attribute in LINK_ATTRIBUTES:
            value = tag.get(attribute)
            if value is not None:
                found.append((attribute, value, line))
        for candidate in (tag.get("srcset") or "").split(","):
            if candidate.strip():
                found.append(("srcset", candidate.split()[0], line))
        if tag.name == "meta" and (tag.get("http-equiv") or "").lower() == "refresh":
            match = REFRESH_URL.search(tag.get("content", ""))
            if match:
                found.append(("refresh", match.group("url"), line))
    return found


def page_link_problems(html_dir: Path) -> list[Problem]:
    """Return a problem for every address of a page that does not resolve."""
    problems: list[Problem] = []
    for page in site_pages(html_dir):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        shown = page.relative_to(html_dir).as_posix()
        for attribute, value, line in _page_addresses(soup):
            problem = check_address(value, page, shown, line, attribute)
            if problem:
                problems.append(problem)
    return problems


def stylesheet_link_problems(html_dir: Path) -> list[Problem]:
    """Return a problem for every ``url()`` or ``@import`` of a stylesheet that does not resolve.

    ``data:`` addresses (inline images) and ``url(#id)`` (SVG references
    inside the document using the style) stand for no file and are skipped.
    """
    problems: list[Problem] = []
    for sheet in site_stylesheets(html_dir):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        shown = sheet.relative_to(html_dir).as_posix()
        for match in CSS_REFERENCE.finditer(text):
            what = "url()" if match.group("url") is not None else "@import"
            value = (match.group("url") if what == "url()" else match.group("import")).strip()
            if not value or value.startswith(("data:", "#")):
                continue
            line = text.count("\n", 0, match.start()) + 1
            problem = check_address(value, sheet, shown, line, what)
            if problem:
                problems.append(problem)
    return problems


def load_search_index(html_dir: Path) -> dict:
    """Return the data of ``searchindex.js`` (``Search.setIndex({...})``)."""
    text = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def search_index_problems(html_dir: Path) -> list[Problem]:
    """Return a problem for every page or anchor of the search index that does not exist."""
    shown = "searchindex.js"
    if not (html_dir / shown).exists():
        return [Problem(shown, 1, "the site has no search index", "search-index")]
    index = load_search_index(html_dir)
    docnames = index["docnames"]
    problems: list[Problem] = []
    for docname in docnames:
        if not (html_dir / f"{docname}.html").exists():
            problems.append(Problem(shown, 1, f"names the page {docname!r}, which was not built", "search-index"))
    for kind in ("alltitles", "indexentries"):
        for title, places in sorted(index.get(kind, {}).items()):
            # alltitles: [page, anchor]; indexentries: [page, anchor, is-main-entry]
            for number, anchor, *_ in places:
                page = html_dir / f"{docnames[number]}.html"
                if anchor and page.exists() and anchor not in _anchors(page):
                    problems.append(
                        Problem(shown, 1, f"{kind} {title!r} points to {docnames[number]}.html#{anchor}, "
                                f"which has no id {anchor!r}", "search-index")
                    )
    return problems


def link_problems(html_dir: Path) -> list[Problem]:
    """Return every internal address of the site that does not resolve."""
    _anchors.cache_clear()
    return page_link_problems(html_dir) + stylesheet_link_problems(html_dir) + search_index_problems(html_dir)

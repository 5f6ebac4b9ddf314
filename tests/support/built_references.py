"""Check the references of a built HTML site: notes, sources, terms, anchors.

Where :mod:`internal_links` asks whether a link lands somewhere, this asks
whether it lands on the right kind of thing and whether the way back works:

* every annotation marker (``a.footnote-reference``) points to exactly one
  note (``aside.footnote``) on its page, the note has exactly one back-link
  and it returns to that marker; every note has exactly one marker
  (rules ``note-reference``, ``note-backlink``, ``note-unreferenced``);
* every citation (``span.bibtex-citation a``) points to a bibliography entry
  (``div.citation`` with an id ``cite-...``) (rule ``citation-entry``);
* every glossary term reference (an ``a`` around ``span.std-term``) points to
  a term's definition (``dt`` with an id ``term-...``) (rule ``term-definition``);
* no id is used twice on a page (rule ``duplicate-id``), and each article
  paragraph anchor (``p.article-paragraph``, ``#pN``) exists once in the whole
  site (rule ``paragraph-anchor``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag

from edition_tools.core.problems import Problem
from tests.support.internal_links import site_pages


class _Site:
    """The parsed pages of a site, read once each."""

    def __init__(self, html_dir: Path) -> None:
        self.html_dir = html_dir
        self._soups: dict[Path, BeautifulSoup] = {}

    def soup(self, page: Path) -> BeautifulSoup:
        page = page.resolve()
        if page not in self._soups:
            self._soups[page] = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        return self._soups[page]

    def target(self, page: Path, href: str) -> Tag | None:
        """The element that ``href``, found on ``page``, points to, if any."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.fragment:
            return None
        file = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
        if not file.is_file() or file.suffix != ".html":
            return None
        return self.soup(file).find(id=unquote(parts.fragment))

    def shown(self, page: Path) -> str:
        return page.relative_to(self.html_dir).as_posix()


def _line(tag: Tag) -> int:
    return tag.sourceline or 1


def _note_problems(site: _Site, page: Path) -> list[Problem]:
    soup, shown = site.soup(page), site.shown(page)
    problems: list[Problem] = []
    markers_of: dict[str, list[Tag]] = {}
    for marker in soup.select("a.footnote-reference"):
        href = marker.get("href", "")
        if not href.startswith("#"):
            problems.append(Problem(shown, _line(marker),
                                    f"marker {marker.get_text()!r} points off the page ({href!r})", "note-reference"))
            continue
        note_id = unquote(href[1:])
        found = soup.find_all(id=note_id)
        if len(found) != 1 or found[0].name != "aside" or "footnote" not in found[0].get("class", []):
            problems.append(
                Problem(shown, _line(marker), f"marker {marker.get_text()!r} points to {href!r}, "
                        f"which is not exactly one note (found {len(found)} element(s) with that id)", "note-reference")
            )
            continue
        markers_of.setdefault(note_id, []).append(marker)
    for note in soup.select("aside.footnote"):
        note_id = note.get("id", "")
        markers = markers_of.get(note_id, [])
        if len(markers) != 1:
            problems.append(
                Problem(shown, _line(note), f"note {note_id!r} has {len(markers)} markers; it needs exactly one",
                        "note-unreferenced")
            )
        backlinks = note.select("a[role='doc-backlink']")
        if len(backlinks) != 1:
            problems.append(
                Problem(shown, _line(note), f"note {note_id!r} has {len(backlinks)} back-links; it needs exactly one",
                        "note-backlink")
            )
        elif markers and backlinks[0].get("href") != f"#{markers[0].get('id', '')}":
            problems.append(
                Problem(shown, _line(note), f"the back-link of note {note_id!r} goes to {backlinks[0].get('href')!r}, "
                        f"not to its marker #{markers[0].get('id', '')}", "note-backlink")
            )
    return problems


def _citation_problems(site: _Site, page: Path) -> list[Problem]:
    problems: list[Problem] = []
    for link in site.soup(page).select("span.bibtex-citation a"):
        entry = site.target(page, link.get("href", ""))
        if entry is None or not entry.get("id", "").startswith("cite-") or "citation" not in entry.get("class", []):
            problems.append(
                Problem(site.shown(page), _line(link), f"citation {link.get_text()!r} points to {link.get('href')!r}, "
                        "which is not a bibliography entry", "citation-entry")
            )
    return problems


def _term_problems(site: _Site, page: Path) -> list[Problem]:
    problems: list[Problem] = []
    for term in site.soup(page).select("a span.std-term"):
        link = term.find_parent("a")
        definition = site.target(page, link.get("href", ""))
        if definition is None or definition.name != "dt" or not definition.get("id", "").startswith("term-"):
            problems.append(
                Problem(site.shown(page), _line(link), f"term {term.get_text()!r} points to {link.get('href')!r}, "
                        "which is not the definition of a glossary term", "term-definition")
            )
    return problems


def _duplicate_id_problems(site: _Site, page: Path) -> list[Problem]:
    counts = Counter(tag["id"] for tag in site.soup(page).find_all(id=True))
    return [
        Problem(site.shown(page), _line(site.soup(page).find(id=element_id)),
                f"the id {element_id!r} is used {count} times", "duplicate-id")
        for element_id, count in sorted(counts.items())
        if count > 1
    ]


def reference_problems(html_dir: Path) -> list[Problem]:
    """Return every broken note, citation, term, duplicate id and paragraph anchor of the site."""
    site = _Site(html_dir)
    problems: list[Problem] = []
    paragraph_anchors: dict[str, list[tuple[str, int]]] = {}
    for page in site_pages(html_dir):
        problems += _note_problems(site, page)
        problems += _citation_problems(site, page)
        problems += _term_problems(site, page)
        problems += _duplicate_id_problems(site, page)
        for paragraph in site.soup(page).select("p.article-paragraph[id]"):
            paragraph_anchors.setdefault(paragraph["id"], []).append((site.shown(page), _line(paragraph)))
    for anchor, places in sorted(paragraph_anchors.items()):
        for shown, line in places[1:]:
            first = places[0]
            problems.append(
                Problem(shown, line, f"paragraph anchor #{anchor} is also at {first[0]}:{first[1]}; "
                        "each paragraph of the article has one address", "paragraph-anchor")
            )
    return problems

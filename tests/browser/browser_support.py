"""What the browser tests share: where things are, the screens, the pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from edition_tools.bench.site_server import LOOPBACK  # noqa: F401  (the tests' one host)
from edition_tools.core.fidelity import COVER_PAGE, article_pages

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
#: A browser that talks to nobody but the test server.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "_build" / "screenshots"

#: The two screens every page is tested on: a desktop and a phone.
WIDE = (1400, 1000)
NARROW = (390, 844)
SIZES = {"wide": WIDE, "narrow": NARROW}
#: Inside the theme's 992–1199 px band, where its own sidenotes were cut off.
MEDIUM = (1100, 900)

#: The glossary's index page in the source; the glossary tests hinge on it.
GLOSSARY_SOURCE = ROOT / "glossary" / "index.md"


def missing(reason: str) -> None:
    """Skip (locally) or fail (in CI) because a tool the tests need is absent."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; .ci/run must install it", pytrace=False)
    pytest.skip(reason)


def url_path(source: Path) -> str:
    """The site address, relative to its root, of a MyST page."""
    return source.relative_to(ROOT).with_suffix(".html").as_posix()


def article_paths() -> list[str]:
    """The cover and the article's pages, in reading order."""
    return [url_path(COVER_PAGE)] + [url_path(page) for page in article_pages()]


def annotated_paths() -> list[str]:
    """The article's pages that have annotations (MyST footnotes)."""
    return [url_path(page) for page in article_pages() if "[^" in page.read_text(encoding="utf-8")]


def page_paths() -> list[str]:
    """Every page of the site, read from the source tree (conf.py's
    include_patterns) plus the pages Sphinx writes itself."""
    sources = sorted((ROOT / "docs").rglob("*.md")) + sorted((ROOT / "glossary").rglob("*.md"))
    return [url_path(source) for source in sources] + ["genindex.html", "search.html"]


def glossary_paths() -> list[str]:
    """The glossary's pages, if the edition has a glossary."""
    return [path for path in page_paths() if path.startswith("glossary/")]


#: JavaScript: where the element with the given id stands on the screen.
#: ``uncovered`` is true when the point near its top left corner hits the
#: element itself, not a sticky header or another layer over it.
PLACE_OF = (
    """(id) => {
  const element = document.getElementById(id);
  if (!element) return null;
  const box = element.getBoundingClientRect();
  // checkVisibility: false inside a closed <details>, whose content keeps its boxes.
  const shown = box.width > 0 && box.height > 0 && element.checkVisibility({visibilityProperty: true});
  const viewWidth = document.documentElement.clientWidth;
  const inView = box.top >= -1 && box.top < innerHeight - 8 && box.left >= -1 && box.right <= viewWidth + 1;
  const hit = shown ? document.elementFromPoint(box.left + Math.min(box.width / 2, 24), """
    """box.top + Math.min(box.height / 2, 8)) : null;
  return {shown, inView, uncovered: !!hit && element.contains(hit),
          top: box.top, bottom: box.bottom, left: box.left, right: box.right};
}"""
)


def on_screen(page, element_id: str) -> dict:
    """Return where the element ``element_id`` of ``page`` stands (see PLACE_OF)."""
    return page.evaluate(PLACE_OF, element_id)


def readable(place: dict | None) -> bool:
    """Whether an element is shown, in the viewport and not covered."""
    return bool(place and place["shown"] and place["inView"] and place["uncovered"])


#: JavaScript: follow the link ``#id`` inside a loaded page, as a reader does,
#: starting from the page as it loaded: every disclosure as it was then, no
#: fragment, scrolled to the top. Resolves once the page's ``hashchange``
#: handlers have run and the result has been drawn. The first call records
#: the loaded state, so call it only on a page opened without a fragment.
JUMP_TO = """(id) => new Promise((done) => {
  window.editionLoadedDetails ??= new Map([...document.querySelectorAll("details")].map((d) => [d, d.open]));
  window.editionLoadedDetails.forEach((open, details) => { details.open = open; });
  history.replaceState(null, "", location.pathname + location.search);
  scrollTo(0, 0);
  addEventListener("hashchange", () => requestAnimationFrame(() => requestAnimationFrame(() => done(location.hash))),
                   {once: true});
  location.hash = id;
})"""


def jump_to(page, element_id: str) -> dict:
    """Follow ``#element_id`` inside ``page`` from its loaded state; return where the element stands.

    Checking every anchor of a page this way costs one page load, not one per
    anchor. The site's own code (reading.js) reveals a target the same way on
    load and on ``hashchange``, so a test that jumps to every anchor keeps a
    few real loads of an address with its fragment as a sample of the path
    that runs on load.
    """
    assert page.evaluate(JUMP_TO, element_id) == f"#{element_id}"
    return on_screen(page, element_id)

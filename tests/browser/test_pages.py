"""Every page of the site in Debian's Chromium, on a desktop and a phone screen:
it loads without a console error or a failed request, asks nothing of any host
but the site's, passes axe-core, and is photographed for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.internal_links import site_pages

from .browser_support import NARROW, SCREENSHOTS, WIDE, page_paths

#: Impacts that fail the accessibility test; "moderate" and "minor" are reported by axe too.
BLOCKING_IMPACTS = ("serious", "critical")


def screenshot_path(page_path: str, size: tuple[int, int]) -> Path:
    """``docs/introduction.html`` at 390×844 → ``_build/screenshots/docs-introduction-390x844.png``."""
    stem = page_path.removesuffix(".html").replace("/", "-")
    return SCREENSHOTS / f"{stem}-{size[0]}x{size[1]}.png"


def test_every_built_page_is_among_the_tested_pages(html_dir: Path) -> None:
    built = {page.relative_to(html_dir).as_posix() for page in site_pages(html_dir)}
    assert built - {"index.html"} == set(page_paths())


def test_site_root_opens_the_cover(open_page) -> None:
    visit = open_page("")
    visit.page.wait_for_url("**/docs/index.html")
    assert visit.page.locator("h1").first.inner_text().startswith("From Foe to Partner?")
    assert visit.complaints() == []


def _blocking_violations(page) -> list[str]:
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:5])}"
        for v in results["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


@pytest.mark.parametrize(
    ("size", "color_scheme"),
    [(WIDE, "light"), (NARROW, "light"), (WIDE, "dark"), (NARROW, "dark")],
    ids=["wide-light", "narrow-light", "wide-dark", "narrow-dark"],
)
def test_page_loads_cleanly_passes_axe_core_and_is_photographed(
    open_page, axe_script: Path, page_path: str, size: tuple[int, int], color_scheme: str
) -> None:
    """One load of the page per screen and colour mode serves every check of it.

    The page loads without a complaint, has a title and is in the colour mode
    asked for; axe-core finds nothing serious; in light mode it is
    photographed (full page) after axe has run, which changes nothing drawn.
    """
    visit = open_page(page_path, size, color_scheme=color_scheme)
    page = visit.page
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.title()
    assert page.evaluate("document.documentElement.dataset.theme") == color_scheme
    page.add_script_tag(path=str(axe_script))
    violations = _blocking_violations(page)
    if color_scheme == "light":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=screenshot_path(page_path, size), full_page=True)
    # Both lists in one assertion: a failure shows the complaints and the violations together.
    assert {"complaints": visit.complaints(), "axe-core": violations} == {"complaints": [], "axe-core": []}

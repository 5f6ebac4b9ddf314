"""An article page stays light: what it loads, and how much, is budgeted.

The page's scripts, stylesheets and icon are read from its markup, and the
``url()`` references of the stylesheets it loads from those; their sizes are
summed on disk and, compressed with gzip, as a server would send them. A new
asset, a larger one or one fetched from outside the site fails here and must
be added to the budget below on purpose, with its reason.
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

#: The article page the budget is measured on.
PAGE = "docs/introduction.html"

#: Every file the page loads, besides itself. The theme's scripts and
#: stylesheets (of pydata-sphinx-theme.css, 368 KiB and 62 KiB compressed,
#: only the rules and custom properties the site can use: 52 KiB, 10 KiB
#: compressed),
#: Sphinx's small page scripts, and the edition's own files. Not here on
#: purpose: Font Awesome's script (1.5 MB; edition_tools/icons.py draws the
#: icons), Bootstrap (80 KiB, fetched when a reader reaches for a control
#: that needs it), Sphinx's documentation_options.js (written into the page),
#: Sphinx's search scripts and index, which only search.html needs,
#: pygments.css, which only pages with highlighted code need, and the theme's
#: styles/theme.css, which only imports basic.css (linked directly instead).
EXPECTED_ASSETS = frozenset({
    "_static/doctools.js",
    "_static/sphinx_highlight.js",
    # Fetches the theme's Bootstrap only when a reader reaches for a control that needs it (ext/page_head.py).
    "_static/bootstrap-on-demand.js",
    "_static/scripts/pydata-sphinx-theme.js",
    "_static/scripts/sphinx-book-theme.js",
    "_static/previews.js",
    "_static/reading.js",  # reading modes, filters by kind, notes opened at their marker, Cite
    # Sphinx's and the two themes' stylesheets cut to the rules the pages use, and the edition's
    # icons.css and edition.css, joined into one (ext/theme_styles.py).
    "_static/styles/edition-site.css",
    "_static/favicon.svg",
})

#: Bytes on disk of the page and everything it loads: 574,037 before the
#: theme's stylesheet was cut to what the pages use, 282,578 after, 185,880
#: once Bootstrap waited for a reader to reach for a control (the stock
#: theme's page loads 2.2 MB), with room for the page's text and the
#: edition's files to grow by about a tenth.
MAX_BYTES_ON_DISK = 205_000
#: The same files compressed with gzip (level 9), about what travels: 118,626
#: bytes before the cut, 74,994 after, 47,433 without Bootstrap and with the
#: five stylesheets joined into one, against 681,390 with Font Awesome's
#: script and the search index. The reader target is a tenth of the stock
#: book-theme page (764 KiB transferred), about 78,000 bytes; the heaviest
#: article pages carry twice this page's notes, so the budget leaves room
#: for this page to grow by about a tenth, not more.
MAX_GZIP_BYTES = 52_000

EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""")
ICON_CLASS = re.compile(r"\bfa-(?!solid\b|lg\b|fw\b)[a-z-]+")


class Assets(HTMLParser):
    """The addresses of the scripts, stylesheets and icons a page asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.icons: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        rel = set(attributes.get("rel", "").split())
        if tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])
        elif tag == "link" and rel & {"stylesheet", "preload", "icon", "modulepreload"}:
            self.urls.append(attributes["href"])
        if tag == "i" and "fa-" in attributes.get("class", ""):
            self.icons.append(attributes["class"])


def page_assets(html_dir: Path, page_name: str = PAGE) -> tuple[Assets, dict[str, Path], list[str]]:
    """The page's markup, the files it loads (CSS ``url()``s followed) and what comes from outside."""
    page = html_dir / page_name
    assets = Assets()
    assets.feed(page.read_text(encoding="utf-8"))
    files: dict[str, Path] = {}
    external: list[str] = []
    pending = [(page, url) for url in assets.urls]
    while pending:
        origin, url = pending.pop()
        if url.startswith("data:"):
            continue
        if EXTERNAL.match(url):
            external.append(f"{origin.relative_to(html_dir).as_posix()}: {url}")
            continue
        path = (origin.parent / url.split("?")[0].split("#")[0]).resolve()
        name = path.relative_to(html_dir.resolve()).as_posix()
        if name in files:
            continue
        files[name] = path
        if path.suffix == ".css":
            text = path.read_text(encoding="utf-8")
            # Fonts count only where a rule of the page can use them; the
            # theme's Font Awesome faces are checked by the icon test below.
            text = re.sub(r"@font-face\s*\{[^}]*Font Awesome[^}]*\}", "", text)
            pending += [(path, match.group(2)) for match in CSS_URL.finditer(text)]
    return assets, files, external


@pytest.fixture(scope="module")
def loaded(html_dir: Path) -> tuple[Assets, dict[str, Path], list[str]]:
    return page_assets(html_dir)


def test_the_page_loads_exactly_the_budgeted_files(loaded) -> None:
    _, files, _ = loaded
    assert set(files) == EXPECTED_ASSETS


def test_the_page_and_its_files_stay_within_the_byte_budget(html_dir: Path, loaded) -> None:
    _, files, _ = loaded
    paths = [html_dir / PAGE, *files.values()]
    on_disk = sum(path.stat().st_size for path in paths)
    compressed = sum(len(gzip.compress(path.read_bytes(), 9)) for path in paths)
    assert on_disk <= MAX_BYTES_ON_DISK
    assert compressed <= MAX_GZIP_BYTES


def test_every_icon_of_the_page_is_drawn_without_the_icon_font(html_dir: Path, loaded) -> None:
    assets, _, _ = loaded
    icons_css = (html_dir / "_static/icons.css").read_text(encoding="utf-8")
    drawn = set(re.findall(r"^\.(fa-[a-z-]+) \{ --edition-icon:", icons_css, re.MULTILINE))
    names = {name for classes in assets.icons for name in ICON_CLASS.findall(classes)}
    assert len(names) >= 8  # the theme's navigation, search and mode icons
    # Only the solid style, whose font icons.css switches off.
    assert all({"fa-solid", "fas"} & set(classes.split()) for classes in assets.icons)
    assert names - drawn == set()


def test_nothing_is_loaded_from_outside_the_site(loaded) -> None:
    _, files, external = loaded
    assert external == []
    assert all(path.is_file() for path in files.values())


def test_external_scripts_styles_and_css_urls_are_found(tmp_path: Path) -> None:
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static/site.css").write_text(
        "@import url('https://fonts.example.org/a.css');\n"
        ".a { background: url(data:image/svg+xml,%3Csvg%3E%3C/svg%3E); }\n"
        "@font-face { font-family: X; src: url(//cdn.example.org/x.woff2); }\n"
        ".b { background: url(\"../img.png\"); }\n",
        encoding="utf-8",
    )
    (tmp_path / "img.png").write_bytes(b"")
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="_static/site.css?v=1">'
        '<script src="https://cdn.example.org/lib.js"></script>',
        encoding="utf-8",
    )
    _, files, external = page_assets(tmp_path, "page.html")
    assert set(files) == {"_static/site.css", "img.png"}
    assert sorted(external) == [
        "_static/site.css: //cdn.example.org/x.woff2",
        "_static/site.css: https://fonts.example.org/a.css",
        "page.html: https://cdn.example.org/lib.js",
    ]

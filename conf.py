"""Sphinx configuration for the annotated edition.

The source root is the repository root so that ``docs/`` (the article and the
edition's own pages) and ``glossary/`` (one file per term) sit side by side,
as the layout of the project prescribes. ``include_patterns`` keeps every other
folder (sources, tests, README, the virtual environment) out of the site.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # the local extension package, edition_tools

# -- Project -----------------------------------------------------------------
project = "From Foe to Partner? An annotated edition"
author = "the editors of the annotated edition"
copyright = "2025, the authors and the Central Asia-Caucasus Analyst (article); the editors (annotations)"
# A fixed "today": the title page and footers must not change from build to build.
today = "11 June 2025 (article); annotated edition 2026"

# Sphinx 9 is what the pinned requirements install; keep the two in step.
needs_sphinx = "9.0"

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "edition_tools",
]

root_doc = "docs/index"
source_suffix = {".md": "markdown"}
include_patterns = ["docs/**", "glossary/**"]
exclude_patterns = ["_build", ".venv", "**/.ipynb_checkpoints"]

# The article's apostrophes and quotation marks are kept exactly as received.
smartquotes = False

# Strict reference checking runs with -n; nothing here may be left unresolved.
nitpicky = True

# -- MyST --------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
# Footnotes are laid out beside their paragraph; a rule before them is noise.
myst_footnote_transition = False
myst_heading_anchors = 2

# -- Bibliography ------------------------------------------------------------
bibtex_bibfiles = ["sources/references.bib"]
bibtex_default_style = "edition"
bibtex_reference_style = "label"
# Stable ids: a source can be linked from outside as bibliography.html#cite-KEY.
bibtex_cite_id = "cite-{key}"

# -- HTML --------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "From Foe to Partner? — annotated edition"
html_static_path = ["edition_tools/static"]
html_css_files = ["edition.css"]
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
html_theme_options = {
    # The edition lays out its own annotations beside the text (see
    # edition_tools/margin_notes.py); the theme's sidenotes renumber ids.
    "use_sidenotes": False,
    "show_toc_level": 1,
    # The sources are not copied into the site, so there is nothing to download.
    "use_download_button": False,
    "home_page_in_toc": True,
}

# -- A no-op rebuild rebuilds nothing ------------------------------------------
# Keep this section last: it completes values set above. Sphinx compares this
# file's values with those saved by the previous build, and the themes change
# some of them as they start, so every rebuild reported "The configuration has
# changed". Here they get, before the comparison, the values the themes would
# give them: the themes are loaded as extensions (book theme first, so that
# its templates still override pydata's) so that they add their template
# folders while conf.py is read rather than when the HTML builder starts.
extensions += ["sphinx_book_theme", "pydata_sphinx_theme"]
html_permalinks_icon = "#"  # pydata-sphinx-theme's default
html_sourcelink_suffix = ""  # sphinx-book-theme's default
html_theme_options.setdefault(
    "navbar_persistent", [] if html_theme_options.get("disable_search") else ["search-button-field"]
)
html_theme_options.setdefault("icon_links", [])
html_theme_options.setdefault("logo", {})


def _with_priority(entry: str | tuple[str, dict]) -> tuple[str, dict]:
    """Spell out the priority (800) that Sphinx writes into the edition's assets."""
    name, attributes = (entry, {}) if isinstance(entry, str) else entry
    return name, {"priority": 800, **attributes}


html_css_files = [_with_priority(entry) for entry in html_css_files]
html_js_files = [_with_priority(entry) for entry in globals().get("html_js_files", [])]

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
# A favicon of its own: without one every browser asks the host for /favicon.ico.
html_favicon = "edition_tools/static/favicon.svg"
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

# -- linkcheck ---------------------------------------------------------------
# `make linkcheck` (online) asks every external address of the edition, the
# bibliography's sources above all, whether it still answers. It is patient
# with slow news sites and polite to all of them.
linkcheck_timeout = 30  # seconds for one request
linkcheck_retries = 2  # a second try before an address counts as broken
linkcheck_workers = 4  # few requests at once: a handful of sites, visited gently
linkcheck_rate_limit_timeout = 120.0  # after HTTP 429, wait up to 2 minutes per site
linkcheck_report_timeouts_as_broken = False  # a timeout is reported as one, not as a dead page
# Anchors: a source cited at a #fragment must still have it. Hash-bang routes
# (#!...) are drawn by scripts and cannot be checked: ignored, as by default.
linkcheck_anchors = True
linkcheck_anchors_ignore = ["^!"]
# Redirects are listed in the report, not failed: sources move to https or to
# a new address while their text stays; update the bibliography when one does.
# Addresses never to check, each with its reason and the day it was last seen
# working in a browser. None so far; for example:
linkcheck_ignore: list[str] = [
    # r"^https://www\.example\.org/",  # refuses scripted requests (403); checked by hand on 2026-11-28
]

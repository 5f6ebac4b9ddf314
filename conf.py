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
sys.path.insert(0, str(ROOT))  # the local package, edition_tools (see docs/maintainers/architecture.md)

from edition_tools.core.conventions import CONTENT_FOLDERS  # noqa: E402  (needs sys.path above)

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
    # The edition's own extensions (edition_tools/ext), in the order they register:
    "edition_tools.ext.garbage_collection",  # Python's cycle collector run less often while building
    "edition_tools.ext.paragraph_numbers",  # ¶1…¶14: visible numbers, stable anchors
    "edition_tools.ext.margin_notes",  # footnotes laid out beside their paragraph (HTML)
    "edition_tools.ext.reading_modes",  # notes folded in disclosures; modes, kinds, "Cite" (HTML)
    "edition_tools.ext.passage_citations",  # the citations the "Cite" dialog offers
    "edition_tools.ext.bibliography_style",  # pybtex style for @online sources
    "edition_tools.ext.citation_lookup",  # sphinxcontrib-bibtex's lookups by key made once, not per citation
    "edition_tools.ext.site_root",  # _build/html/index.html opens the cover page
    "edition_tools.ext.untrusted_content",  # no raw HTML, file insertion or unsafe links from content
    "edition_tools.ext.latex_edition",  # PDF: notes numbered 1…N, bibliography in its chapter
    "edition_tools.ext.epub_edition",  # EPUB: the printed edition's pages, notes as EPUB 3 footnotes
    "edition_tools.ext.glossary_backlinks",  # glossary: "Appears in", list of terms, link titles
    "edition_tools.ext.citation_index",  # every source with links back to where it is cited
    "edition_tools.ext.fact_checks",  # verdict badges, the fact-check table, receipts beside citations
    "edition_tools.ext.timeline",  # {event} dates in notes; the Timeline page, by year
    "edition_tools.ext.general_index",  # index entries for the names the article mentions
    "edition_tools.ext.template_cache",  # compiled theme templates kept between builds
    "edition_tools.ext.previews",  # popups for notes, sources and terms (deferred, per page)
    "edition_tools.ext.accessibility",  # markup fixes that axe-core asks for
    "edition_tools.ext.icons",  # the theme's icons as CSS, without Font Awesome's script
    "edition_tools.ext.page_head",  # a description per page; scripts deferred, unused styles left out
    "edition_tools.ext.theme_styles",  # the theme's stylesheet cut to the rules the pages use
    "edition_tools.ext.search_index",  # index entries kept in searchindex.js through rebuilds
    "edition_tools.ext.precompress",  # page.html.gz beside page.html, for hosts that serve it
]

root_doc = "docs/index"
source_suffix = {".md": "markdown"}
include_patterns = [f"{folder}/**" for folder in CONTENT_FOLDERS]  # the content folders, defined once
# Sphinx walks every folder that no exclude pattern names, include_patterns or
# not: so every top-level folder that holds no page is named here, and Sphinx
# walks the two content folders alone rather than the Node.js modules of the
# browser tests and the benchmark (some 14,000 files, a tenth of a second per
# walk, twice a build). tests/test_configuration.py holds the list to the
# repository's folders.
NOT_CONTENT = [".ci", ".git", ".github", ".pytest_cache", ".ruff_cache", ".venv", "_build",
               "edition_tools", "sources", "tests"]
exclude_patterns = [*NOT_CONTENT, "**/node_modules", "**/.ipynb_checkpoints"]

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
html_static_path = ["edition_tools/ext/static"]
html_css_files = ["edition.css"]
# A favicon of its own: without one every browser asks the host for /favicon.ico.
html_favicon = "edition_tools/ext/static/favicon.svg"
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
html_theme_options = {
    # The edition lays out its own annotations beside the text (see
    # edition_tools/ext/margin_notes.py); the theme's sidenotes renumber ids.
    "use_sidenotes": False,
    "show_toc_level": 1,
    # The sources are not copied into the site, so there is nothing to download.
    "use_download_button": False,
    "home_page_in_toc": True,
}

# -- LaTeX / PDF -------------------------------------------------------------
# `make pdf` builds _build/latex/annotated-edition.pdf with latexmk and XeLaTeX:
# pdflatex stops on the Cyrillic titles in the bibliography. The title page
# and the PDF metadata are written from sources/article.toml; footnote
# numbering and the bibliography's place are fixed in
# edition_tools/ext/latex_edition.py.
from edition_tools.ext import latex_edition  # noqa: E402  (needs sys.path above)

latex_engine = "xelatex"
# makeindex (part of TeX) rather than xindy, which would add a Lisp system
# (5 Debian packages, about 35 MiB) for little gain: xindy files "Ürümqi"
# under O. makeindex garbles an index entry that starts with a letter outside
# ASCII; tests/test_pdf.py fails on the "Invalid UTF-8" that this leaves in
# the LaTeX log, and the way out is xindy.
latex_use_xindy = False
# toctree_only: the cover page is the site's landing page; the PDF has its own
# title page, so only the pages listed in the cover's toctrees are printed.
latex_documents = [
    (root_doc, f"{latex_edition.PDF_NAME}.tex", project, author, "manual", True),
]
# Addresses stay links: no footnotes of their own among the annotations.
latex_show_urls = "no"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    # openany: chapters need not start on a right-hand page (no blank pages).
    "classoptions": ",openany,oneside",
    "fncychap": "",
    "maketitle": latex_edition.title_page(),
    "preamble": latex_edition.pdf_metadata() + r"""
% Long addresses in the bibliography break at any character, not in the
% margin, and without spreading their letters apart.
\usepackage{xurl}
\Urlmuskip=0mu
% 11pt running heads need a little more room than the class gives them.
\setlength{\headheight}{14pt}
% The article's paragraph numbers: upright and bold, not an italic link.
\expandafter\def\csname DUrolepara-num\endcsname#1{{\upshape\sffamily\bfseries\small #1}}
% Chapters are unnumbered, as the pages of the site are; the article's short
% parts follow one another without a page break.
\setcounter{secnumdepth}{-1}
\titleclass{\chapter}{straight}
\titleformat{\chapter}[block]{\sffamily\bfseries\huge}{}{0pt}{}
\titlespacing*{\chapter}{0pt}{2.5\baselineskip}{1\baselineskip}
% A note is never split across pages: xdvipdfmx would carry a citation link
% that breaks there over the top of the next page, covering (and dropping)
% the links of the footnote marks in its first lines.
\interfootnotelinepenalty=10000
% For the same reason no paragraph of the bibliography or of the citation
% index breaks across pages: a web address broken there would carry its link
% over the next page's running head. The citation index's lists stand in a
% container of that class (edition_tools/ext/citation_index.py).
\newenvironment{sphinxclasscitation-index}{\interlinepenalty=10000\relax}{}
% Glossary entries (description lists) are kept whole too: their citations
% are links as well.
\let\editionplaindescription\description
\renewcommand{\description}{\editionplaindescription\interlinepenalty=10000\relax}
% The table of contents is called Contents, whatever the toctree's caption.
\addto\captionsenglish{\renewcommand{\contentsname}{Contents}}
% The bibliography page supplies its heading; LaTeX's own is dropped and the
% entries hang, with their label, from the left margin.
\makeatletter
\renewenvironment{sphinxthebibliography}[1]{%
  \list{}{\setlength{\leftmargin}{1.5em}\setlength{\itemindent}{-1.5em}%
    \setlength{\labelwidth}{0pt}\setlength{\labelsep}{0.4em}%
    \setlength{\itemsep}{0.4\baselineskip}}%
  \renewcommand{\@biblabel}[1]{\textbf{[##1]}}%
  \interlinepenalty=10000\relax
  \raggedright}
  {\endlist}
% The index: its heading like every chapter's, its entries in the text face
% (Sphinx sets them as code, made for indexes of programming objects).
\renewcommand{\@makeschapterhead}[1]{%
  {\parindent\z@\sffamily\bfseries\huge #1\par}\vspace{\baselineskip}}
\renewcommand{\sphinxstyleindexentry}[1]{#1}
\makeatother
""",
}

# -- EPUB ----------------------------------------------------------------------
# `make epub` builds _build/epub/annotated-edition.epub (EPUB 3) with the
# builder of edition_tools/ext/epub_edition.py: the pages of the PDF (the
# cover's toctrees), each annotation an EPUB 3 footnote, no scripts and no
# fonts. Title, authors, publisher, description and an identifier derived
# from the article's sha256 come from sources/article.toml; the date is
# SOURCE_DATE_EPOCH, the last commit's, which `make epub` sets.
from edition_tools.ext import epub_edition  # noqa: E402

_book = epub_edition.metadata()
epub_title = _book["title"]
epub_author = _book["author"]
epub_publisher = _book["publisher"]
epub_description = _book["description"]
epub_identifier = _book["identifier"]
epub_scheme = _book["scheme"]
epub_uid = _book["uid"]
epub_basename = epub_edition.EPUB_NAME
epub_language = "en"
epub_contributor = author
epub_copyright = copyright
epub_css_files = [epub_edition.STYLESHEET.name]
# Addresses stay links, as in the PDF: no copy of each address in the text.
epub_show_urls = "no"
# The spine and the navigation follow the builder's reading order, whose
# addresses it normalises (the cover lives in docs/, the glossary beside it).
epub_tocscope = "includehidden"

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

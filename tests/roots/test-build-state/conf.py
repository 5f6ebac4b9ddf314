"""A small edition for the state the extensions keep across pages (build_state).

Two article pages, each with one numbered paragraph, an annotation that cites
a source and a glossary term; two glossary entries; a bibliography and a
citation index. The glossary's "Appears in" lists, its list of entries, the
titles of term links, the citation index and the search index all depend on
other pages than their own, so this is enough to show whether parallel and
incremental builds purge and merge that state as a clean serial build would.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # edition_tools

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "edition_tools.ext.paragraph_numbers",
    "edition_tools.ext.margin_notes",
    "edition_tools.ext.bibliography_style",
    "edition_tools.ext.glossary_backlinks",
    "edition_tools.ext.citation_index",
    "edition_tools.ext.general_index",
    "edition_tools.ext.search_index",
]
root_doc = "docs/index"
source_suffix = {".md": "markdown"}
include_patterns = ["docs/**", "glossary/**"]
exclude_patterns = ["_build"]
smartquotes = False
nitpicky = True
myst_enable_extensions = ["colon_fence", "deflist"]
myst_footnote_transition = False
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "edition"
bibtex_reference_style = "label"
bibtex_cite_id = "cite-{key}"
edition_citation_groups = "citation-groups.toml"
edition_index_terms = "index-terms.toml"

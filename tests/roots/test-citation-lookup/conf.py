"""Three pages citing four sources, one of them never: for the keyed citation domain.

One citation names its keys in the opposite order to the bibliography's, one
page cites a source twice, one entry is cited nowhere and the bibliography's
own page cites one, so that the order of references, the pages citing each
entry, the bibliography's filter and its back-references all have something
to get wrong.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # edition_tools

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "edition_tools.ext.bibliography_style",
    "edition_tools.ext.citation_lookup",
]
root_doc = "docs/index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
nitpicky = True
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "edition"
bibtex_reference_style = "label"
bibtex_cite_id = "cite-{key}"

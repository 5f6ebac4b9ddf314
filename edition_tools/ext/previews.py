"""Load the previews script (``static/previews.js``) on the pages that use it.

The script shows an annotation, a source or a glossary term in a popup when
the reader hovers or keyboard-focuses its marker. It is loaded deferred, and
only on pages whose body holds something to preview; its styles are the
"Previews" section of ``static/edition.css``.
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx

from edition_tools.ext import builds_site, extension

SCRIPT = "previews.js"

#: Markup that the script gives a preview: annotation markers, citations,
#: glossary terms, and anything carrying a ``data-preview`` text. Matched as
#: markup, so that a page which merely names these classes (the contributor's
#: guide does) does not load the script.
TRIGGERS = re.compile(
    r'class="[^"]*\b(?:footnote-reference|bibtex-citation|std-term)\b[^"]*"|\sdata-preview="'
)


def needs_previews(body: str) -> bool:
    """Return whether a page body holds anything the script previews."""
    return TRIGGERS.search(body) is not None


def add_script(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Add the deferred script to this page alone when the page needs it."""
    if builds_site(app.builder) and needs_previews(context.get("body", "")):
        app.add_js_file(SCRIPT, loading_method="defer")


@extension
def setup(app: Sphinx) -> None:
    """Connect the per-page loader."""
    app.connect("html-page-context", add_script)

"""Load the previews script (``static/previews.js``) on the pages that use it.

The script shows an annotation, a source or a glossary term in a popup when
the reader hovers or keyboard-focuses its marker. It is loaded deferred, and
only on pages whose body holds something to preview; its styles are the
"Previews" section of ``static/edition.css``.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

SCRIPT = "previews.js"

#: Markup that the script gives a preview: annotation markers, citations,
#: glossary terms, and anything carrying a ``data-preview`` text.
TRIGGERS = ("footnote-reference", "bibtex-citation", "std-term", "data-preview")


def needs_previews(body: str) -> bool:
    """Return whether a page body holds anything the script previews."""
    return any(trigger in body for trigger in TRIGGERS)


def add_script(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Add the deferred script to this page alone when the page needs it."""
    if needs_previews(context.get("body", "")):
        app.add_js_file(SCRIPT, loading_method="defer")


def setup(app: Sphinx) -> None:
    """Connect the per-page loader."""
    app.connect("html-page-context", add_script)

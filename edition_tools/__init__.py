"""Sphinx extensions and command-line tools of the annotated edition.

Loading ``edition_tools`` in ``conf.py`` registers every part below; each line
of :func:`setup` is one piece of the edition's machinery.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from . import bibliography_style, margin_notes, paragraph_numbers, site_root
from . import accessibility, previews


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the edition's extensions with Sphinx."""
    paragraph_numbers.setup(app)  # ¶1…¶14: visible numbers, stable anchors
    margin_notes.setup(app)  # footnotes laid out beside their paragraph (HTML)
    bibliography_style.setup(app)  # pybtex style for @online sources
    site_root.setup(app)  # _build/html/index.html opens the cover page
    previews.setup(app)  # popups for notes, sources and terms (deferred, per page)
    accessibility.setup(app)  # markup fixes that axe-core asks for
    return {
        "version": "1",
        # Neither keeps cross-document state; a -j 2 build is tested.
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }

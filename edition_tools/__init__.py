"""Sphinx extensions and command-line tools of the annotated edition.

Loading ``edition_tools`` in ``conf.py`` registers every part below; each line
of :func:`setup` is one piece of the edition's machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the edition's extensions with Sphinx."""
    # Imported here: `python -m edition_tools.check` must start without Sphinx.
    from . import (
        accessibility,
        bibliography_style,
        citation_index,
        general_index,
        glossary_backlinks,
        icons,
        latex_edition,
        margin_notes,
        page_head,
        paragraph_numbers,
        precompress,
        search_index,
        previews,
        site_root,
        template_cache,
        untrusted_content,
    )

    paragraph_numbers.setup(app)  # ¶1…¶14: visible numbers, stable anchors
    margin_notes.setup(app)  # footnotes laid out beside their paragraph (HTML)
    bibliography_style.setup(app)  # pybtex style for @online sources
    site_root.setup(app)  # _build/html/index.html opens the cover page
    untrusted_content.setup(app)  # no raw HTML, file insertion or unsafe links from content
    latex_edition.setup(app)  # PDF: notes numbered 1…N, bibliography in its chapter
    glossary_backlinks.setup(app)  # glossary: "Appears in", list of terms, link titles
    citation_index.setup(app)  # every source with links back to where it is cited
    general_index.setup(app)  # index entries for the names the article mentions
    template_cache.setup(app)  # compiled theme templates kept between builds
    previews.setup(app)  # popups for notes, sources and terms (deferred, per page)
    accessibility.setup(app)  # markup fixes that axe-core asks for
    icons.setup(app)  # the theme's icons as CSS, without Font Awesome's script
    page_head.setup(app)  # a description per page; scripts deferred, unused styles left out
    search_index.setup(app)  # index entries kept in searchindex.js through rebuilds
    precompress.setup(app)  # page.html.gz beside page.html, for hosts that serve it
    return {
        "version": "1",
        # Raised whenever an extension changes what it keeps on the environment.
        "env_version": 2,
        # The glossary and the citation index keep cross-document state with
        # purge and merge; tests compare -j 2 and incremental builds with a
        # clean serial one.
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }

"""The theme's icons without Font Awesome's script.

pydata-sphinx-theme loads Font Awesome's SVG script (about 1.5 MB, 540 KiB
compressed) on every page; it replaces each ``<i class="fa-solid fa-…">`` with
an inline SVG once it has run. The edition's pages use about a dozen of those
icons. The template override ``templates/static/webpack-macros.html`` leaves
the script out, and ``static/icons.css`` draws the same icons as CSS masks
from their SVG paths: no script, no web font, drawn before any script runs
and with JavaScript off, in the box the icon font would take (no layout
shift), in the text's colour, so dark mode recolours them.

The override is found through the edition's template folder, which
:mod:`edition_tools.ext.accessibility` puts first on ``templates_path``.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from edition_tools.ext import extension

#: The stylesheet, in ``edition_tools/static``, that draws the icons.
ICONS_CSS = "icons.css"


@extension
def setup(app: Sphinx) -> None:
    """Add the icons' stylesheet to every HTML page."""
    app.add_css_file(ICONS_CSS, priority=800)

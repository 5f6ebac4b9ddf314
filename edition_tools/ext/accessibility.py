"""Markup fixes that axe-core asks for in what the theme and docutils write.

* The bibliography: docutils marks each entry ``role="doc-biblioentry"``, a
  role that DPUB-ARIA 1.1 deprecates; inside its ``role="list"`` wrapper an
  entry must be a ``listitem`` (axe: aria-required-children, critical).
* The theme's search button is labelled "Search" but shows "Search Ctrl+K"
  (axe: label-content-name-mismatch, serious). ``templates/`` holds a copy of
  the button named by what it shows, its shortcut also in ``aria-keyshortcuts``.
* The theme's navigation opens and closes a branch with a ``<summary>`` that
  holds only a chevron icon (axe: summary-name, serious). The edition's
  glossary is such a branch; the summary is given a name.
* On a reader's first visit the theme has no colour mode stored, logs a
  console error and shows the page without its colour variables until its
  deferred script runs. A one-line inline script starts in the reader's mode.

The browser tests (``tests/browser/``) run axe-core on every page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.writers.html5 import HTML5Translator

from edition_tools.ext import extension

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Runs in the head, before the theme's deferred script reads the mode.
INITIAL_COLOUR_MODE = (
    "(function(d){if(!d.dataset.mode){d.dataset.mode='auto'}"
    "if(!d.dataset.theme){d.dataset.theme="
    "matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light'}})"
    "(document.documentElement);"
)


def visit_citation(self: HTML5Translator, node: nodes.citation) -> None:
    """Write a bibliography entry as a ``listitem`` of its ``role="list"``."""
    HTML5Translator.visit_citation(self, node)
    self.body[-1] = self.body[-1].replace('role="doc-biblioentry"', 'role="listitem"')


def depart_citation(self: HTML5Translator, node: nodes.citation) -> None:
    """Close the entry as docutils does."""
    HTML5Translator.depart_citation(self, node)


#: A navigation ``<summary>`` with nothing but the theme's chevron inside.
ICON_ONLY_SUMMARY = re.compile(r'<summary>(?=<span class="toctree-toggle")')
SUMMARY_LABEL = "Show or hide the pages of this part"
SUMMARY_NAME = f'<summary aria-label="{SUMMARY_LABEL}">'


def name_navigation_toggles(html: str) -> str:
    """Give every icon-only navigation ``<summary>`` an accessible name."""
    return ICON_ONLY_SUMMARY.sub(SUMMARY_NAME, html)


def label_navigation(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Wrap the theme's navigation builder so its toggles carry a name."""
    generate: Callable[..., str] | None = context.get("generate_toctree_html")
    if generate is None:
        return

    def generate_named(*args: Any, **kwargs: Any) -> Any:
        result = generate(*args, **kwargs)
        if isinstance(result, str):
            return name_navigation_toggles(result)
        # The theme's "raw" kind hands back its parsed tree.
        for summary in result.select("summary"):
            if not summary.get_text(strip=True) and summary.select_one("span.toctree-toggle"):
                summary["aria-label"] = SUMMARY_LABEL
        return result

    context["generate_toctree_html"] = generate_named


def add_templates(app: Sphinx, config: Config) -> None:
    """Put the edition's templates before the theme's."""
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.insert(0, str(TEMPLATES))


@extension
def setup(app: Sphinx) -> None:
    """Register the fixes."""
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.connect("config-inited", add_templates)
    # After the theme has put its navigation builder into the page context.
    app.connect("html-page-context", label_navigation, priority=900)
    app.add_js_file(None, body=INITIAL_COLOUR_MODE, priority=100)

"""What a page's ``<head>`` carries: a description, and no more than the page needs.

* Every page gets a ``<meta name="description">`` (search engines show it
  under the link; Lighthouse's SEO audit asks for one), written from the
  article's metadata in ``sources/article.toml`` and the page's own title and
  annotations. A page that sets its own (MyST front matter ``html_meta``)
  keeps it. The cover is the root page; an article page is one with
  paragraphs of the article (:mod:`.paragraph_numbers` marks them).
* Sphinx's small scripts (``doctools.js``, ``sphinx_highlight.js``) and the
  book theme's ``sphinx-book-theme.js`` are loaded ``defer``: they only wait
  for the document to be ready, so they need not hold up its first paint.
  ``documentation_options.js`` (a dozen settings that the theme's inline
  scripts right after it add to) is written into the page instead of
  asked for: one request fewer before the first paint. The search page
  keeps every script as Sphinx writes it, since its search scripts run
  before the document is parsed and use these.
* The theme's scripts are no longer preloaded in the head, where they
  competed with the stylesheet, and Bootstrap (80 KiB, 24 KiB compressed),
  which draws the theme's tooltips and its colour-mode menu, is fetched by
  ``static/bootstrap-on-demand.js`` the first time a reader reaches for
  one of them (pointer, touch or focus on such a control, a click on the
  menu), and what was reached for then happens. A reader who only reads never
  downloads it (``templates/static/webpack-macros.html``).
* ``pygments.css``, the colours of highlighted code, is left out of pages
  that show no highlighted code (the article's pages show none).

The theme's first stylesheet, ``styles/theme.css``, does nothing but import
Sphinx's ``basic.css``, which saved a reader one round trip to skip; a page of
the site now links one stylesheet, ``basic.css`` cut and joined with the
others (:mod:`.theme_styles`, ``templates/static/webpack-macros.html``).
"""

from __future__ import annotations

import datetime
import html
from pathlib import Path
from typing import Any

import sphinx
from docutils import nodes
from markupsafe import Markup
from sphinx.application import Sphinx

from edition_tools.core.article import load_metadata
from edition_tools.ext import article_metadata, builds_site, extension, once_per_build

#: Scripts that only act once the document is ready: deferred on every page but the search page.
DEFERRED_SCRIPTS = frozenset(
    {"_static/doctools.js", "_static/sphinx_highlight.js", "_static/scripts/sphinx-book-theme.js"}
)
PYGMENTS_CSS = "_static/pygments.css"
#: The settings script Sphinx writes from a template of its basic theme; pages carry it inline.
DOCUMENTATION_OPTIONS = "_static/documentation_options.js"
#: The class :mod:`.paragraph_numbers` gives each paragraph of the article.
ARTICLE_PARAGRAPH = "article-paragraph"


def _date(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def description(kind: str, title: str, annotations: int, metadata: dict | None = None) -> str:
    """The description of a page of ``kind`` ``cover``, ``article`` or any other: what it is, of which article."""
    article = (metadata or load_metadata())["article"]
    work = (f"“{article['title']}” by {' and '.join(article['authors'])} "
            f"({article['publication']}, {_date(article['date'])})")
    if kind == "cover":
        return (f"An annotated edition of {work}: the article's text unaltered, with annotations giving "
                "context, fact checks and later developments, a glossary and an index of sources.")
    if kind == "article":
        notes = f"{annotations} annotation{'s' if annotations != 1 else ''}" if annotations else "no annotations"
        return f"{title}: a part of {work}, in an annotated edition with {notes} on this page."
    return f"{title}: from the annotated edition of {work}."


def page_kind(app: Sphinx, pagename: str, doctree: Any) -> str:
    """``cover`` for the root page, ``article`` for a page with paragraphs of the article, else ``other``."""
    if pagename == app.config.root_doc:
        return "cover"
    if doctree is not None and any(ARTICLE_PARAGRAPH in node["classes"] for node in doctree.findall(nodes.paragraph)):
        return "article"
    return "other"


def add_description(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Add the page's ``<meta name="description">`` unless it has one."""
    if not builds_site(app.builder):
        return
    metatags = context.get("metatags", "")
    if 'name="description"' in metatags:
        return
    title = Markup(context.get("title") or app.config.project).striptags()
    annotations = len(list(doctree.findall(nodes.footnote))) if doctree is not None else 0
    text = description(page_kind(app, pagename, doctree), title, annotations, article_metadata(app))
    context["metatags"] = metatags + f'\n    <meta name="description" content="{html.escape(text, quote=True)}" />'


def documentation_options(app: Sphinx, context: dict[str, Any]) -> str:
    """The text of Sphinx's ``documentation_options.js`` for this build, rendered once from its template."""
    def render() -> str:
        template = Path(sphinx.__file__).parent / "themes" / "basic" / "static" / "documentation_options.js.jinja"
        return app.builder.templates.render_string(template.read_text(encoding="utf-8"), context).strip()
    return once_per_build(app.builder, "_edition_documentation_options", render)


def lighten_assets(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Defer the scripts that can wait, and drop pygments.css where nothing is highlighted.

    ``script_files`` and ``css_files`` are the builder's own lists, which
    Sphinx restores after every page; they are changed in place, so the
    change holds for this page alone.
    """
    if not builds_site(app.builder):
        return
    scripts = context.get("script_files")
    if scripts is not None and pagename != "search":
        for index, script in enumerate(scripts):
            attributes = script.attributes
            if script.filename in DEFERRED_SCRIPTS and not ({"defer", "async"} & attributes.keys()):
                scripts[index] = type(script)(script.filename, priority=script.priority, **attributes, defer="defer")
            elif script.filename == DOCUMENTATION_OPTIONS and not attributes:
                body = documentation_options(app, context)
                scripts[index] = type(script)("", priority=script.priority, body=body)
    styles = context.get("css_files")
    if styles is not None and 'class="highlight' not in context.get("body", ""):
        styles[:] = [style for style in styles if style.filename != PYGMENTS_CSS]


@extension
def setup(app: Sphinx) -> None:
    """Connect both, after the theme's own handlers have added their assets."""
    app.connect("html-page-context", add_description, priority=900)
    app.connect("html-page-context", lighten_assets, priority=900)

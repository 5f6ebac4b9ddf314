"""Make ``_build/html/index.html`` open the cover page.

The cover page lives at ``docs/index`` (the layout keeps every page of the
edition under ``docs/``), so Sphinx writes it to ``docs/index.html``. This
writes a small page at the root of the site that sends the reader there, with
a plain link for browsers that ignore the refresh.
"""

from __future__ import annotations

import html
from pathlib import Path

from sphinx.application import Sphinx

from edition_tools.ext import builds_site, extension

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{target}">
</head>
<body>
<p><a href="{target}">{title}</a></p>
</body>
</html>
"""


def write_root_page(app: Sphinx, exception: Exception | None) -> None:
    """Write ``index.html`` at the root of an HTML build."""
    if exception is not None or not builds_site(app.builder):
        return
    if app.config.root_doc == "index" or not hasattr(app.builder, "get_target_uri"):
        return
    target = app.builder.get_target_uri(app.config.root_doc)
    page = _PAGE.format(title=html.escape(app.config.html_title or app.config.project), target=target)
    Path(app.outdir, "index.html").write_text(page, encoding="utf-8")


@extension
def setup(app: Sphinx) -> None:
    """Connect the writer to the end of the build."""
    app.connect("build-finished", write_root_page)

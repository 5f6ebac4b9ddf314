"""Keep the theme's compiled page templates between builds.

Every Sphinx process compiles the Jinja templates of sphinx-book-theme and
pydata-sphinx-theme (some forty files) before it writes its first page, even a
no-op rebuild, which still writes the search and index pages. That compilation
was the largest cost of a rebuild after the imports. Jinja can store what it
compiled and reuse it while the template's source is unchanged (it checks a
checksum of the source); this stores it beside Sphinx's own cache of the
build, in the doctree folder, so a clean build (``make clean``) starts afresh
and output never depends on it.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx

from edition_tools.ext import extension

#: The folder, inside the doctree folder, that holds the compiled templates.
CACHE_FOLDER = "jinja-bytecode"


def use_bytecode_cache(app: Sphinx) -> None:
    """Give the builder's Jinja environment a bytecode cache in the doctree folder."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None:  # builders without Jinja templates (LaTeX, linkcheck)
        return
    folder = Path(app.doctreedir) / CACHE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    # Jinja writes each entry to a temporary file and renames it: safe with -j.
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


@extension
def setup(app: Sphinx) -> None:
    """Install the cache once the builder has created its templates."""
    app.connect("builder-inited", use_bytecode_cache)

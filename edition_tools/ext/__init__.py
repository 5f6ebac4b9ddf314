"""Everything Sphinx loads: the edition's extensions, templates and static files.

``conf.py`` lists each module of this package in ``extensions``, one a line,
so that the configuration reads as a table of contents of the build. Every
module's ``setup`` is wrapped by :func:`extension`, which gives Sphinx the
metadata the edition promises for all of them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from edition_tools.core.article import load_metadata

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Raised whenever an extension changes what it keeps on the environment.
ENV_VERSION = 3

#: The builders that write the web site. Sphinx's EPUB builder is an HTML
#: builder too (its format is "html"), so the site's layout, scripts and
#: output files are tied to these names rather than to the format.
SITE_BUILDERS = ("html", "dirhtml", "singlehtml")


def builds_site(builder: object) -> bool:
    """Whether ``builder`` writes the web site (not the EPUB, not the PDF)."""
    return getattr(builder, "name", None) in SITE_BUILDERS


def once_per_build(builder: object, name: str, load: Callable[[], Any]) -> Any:
    """What ``load`` returns, loaded at the first call of a build and kept on its builder as ``name``.

    For data files that every page's transforms read: a build reads each once.
    """
    value = getattr(builder, name, None)
    if value is None:
        value = load()
        setattr(builder, name, value)
    return value


def article_metadata(app: Sphinx) -> dict:
    """The article's metadata (``sources/article.toml``), read once per build rather than once per page."""
    return once_per_build(app.builder, "_edition_article_metadata", load_metadata)


def extension(setup: Callable[[Sphinx], None]) -> Callable[[Sphinx], dict[str, Any]]:
    """Declare a module's ``setup`` as one of the edition's extensions.

    The glossary and the citation index keep cross-document state with purge
    and merge (``build_state.py``); tests compare ``-j 2`` and incremental
    builds with a clean serial one, which is what lets every extension say it
    is safe to read and write in parallel.
    """

    @functools.wraps(setup)
    def registered(app: Sphinx) -> dict[str, Any]:
        setup(app)
        return {
            "version": "1",
            "env_version": ENV_VERSION,
            "parallel_read_safe": True,
            "parallel_write_safe": True,
        }

    return registered

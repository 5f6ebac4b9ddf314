"""A pybtex style for the edition's sources, most of them web pages.

pybtex's ``unsrt`` formats ``@online`` like ``@misc``, which ignores the
``organization`` (the outlet) and the ISO ``date`` field that the edition's
bibliography uses. This style prints them: author or outlet, title, outlet,
date written out ("17 April 2025"), any note, then the address and the day it
was consulted.

Formatting an entry is the dearest step of the bibliography (some 3 ms an
entry), and a build asked for each entry three times: sphinxcontrib-bibtex
formats it once for the bibliography and once more for its tooltip, with the
same style, each time the environment is updated (a rebuild after one edit
too), and the citation index formatted it a third time. :class:`EditionStyle`
keeps what it formatted, keyed by everything the result depends on (the
label and the entry's type, fields and persons), and the cache is stored with
the build environment, so a rebuild formats only the entries that changed.
"""

from __future__ import annotations

import re
from collections import Counter
from importlib.metadata import distributions
from typing import Any

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import field, href, join, node, optional, sentence
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError

from edition_tools.core.conventions import written_date
from edition_tools.ext import extension


@node
def iso_date(children, data, name="date"):
    """Template node: the entry's ``date`` field, written out for readers."""
    assert not children
    value = data["entry"].fields.get(name, "")
    return Text(written_date(value)) if value else Text()


def short_source(entry) -> str:
    """Who a citation label names: the authors' surnames, else the outlet.

    The outlet is cut before any comma or parenthesis, so that
    ``LBCI (AFP)`` is cited as ``LBCI``.
    """
    persons = entry.persons.get("author", [])
    if persons:
        surnames = [" ".join(p.last_names) for p in persons]
        return surnames[0] + (" et al." if len(surnames) > 2 else "".join(f" and {s}" for s in surnames[1:2]))
    outlet = entry.fields.get("organization", "") or entry.fields.get("title", "")
    return re.split(r"\s*[,(]", outlet, maxsplit=1)[0].strip() or entry.key


class SourceDateSortingStyle(BaseSortingStyle):
    """Sort as readers look sources up: by the name in the label, then date, then title."""

    def sorting_key(self, entry):
        return (
            short_source(entry).casefold(),
            entry.fields.get("date", ""),
            entry.fields.get("title", "").lstrip("[").casefold(),
        )


class SourceYearLabelStyle(BaseLabelStyle):
    """Labels such as ``Asia-Plus 2025``; ``a``, ``b`` … tell apart equal ones."""

    def format_labels(self, sorted_entries):
        bases = [
            f"{short_source(e)} {e.fields.get('date', '')[:4] or 'n.d.'}" for e in sorted_entries
        ]
        counts = Counter(bases)
        seen: Counter[str] = Counter()
        for base in bases:
            if counts[base] == 1:
                yield base
            else:
                yield base + "abcdefghijklmnopqrstuvwxyz"[seen[base]]
                seen[base] += 1


def entry_fingerprint(entry) -> tuple:
    """Everything of ``entry`` its formatted text depends on, as a hashable value."""
    return (
        entry.key,
        entry.type,
        tuple(sorted(entry.fields.items())),
        tuple((role, tuple(str(person) for person in people)) for role, people in sorted(entry.persons.items())),
    )


#: Formatted entries by (style class, label, fingerprint): see the module's docstring.
#: ``setup`` makes it the dict stored on the build environment.
_formatted: dict[tuple, Any] = {}


class EditionStyle(UnsrtStyle):
    """``unsrt`` with a template for web pages (``@online``) and source-year labels."""

    # Classes rather than plugin names: the annotation export uses this style
    # outside Sphinx, where setup() has not registered anything.
    default_sorting_style = SourceDateSortingStyle
    default_label_style = SourceYearLabelStyle

    def format_entry(self, label, entry, bib_data=None):
        """Format ``entry`` once per label and content (see the module's docstring)."""
        if bib_data is not None:  # crossref data: the result depends on other entries
            return super().format_entry(label, entry, bib_data)
        key = (type(self).__qualname__, label, entry_fingerprint(entry))
        formatted = _formatted.get(key)
        if formatted is None:
            formatted = _formatted[key] = super().format_entry(label, entry)
        return formatted

    def get_online_template(self, e):
        url = field("url", raw=True)
        return join(sep=" ")[
            optional[sentence[self.format_names("author")]],
            sentence[field("title")],
            sentence[
                optional[field("organization")],
                optional[iso_date],
            ],
            optional[sentence[field("note")]],
            # The address and the day it was read, joined by a space, not a comma.
            sentence[
                join(sep=" ")[
                    href(url)[url],
                    optional[join["(consulted ", iso_date(name="urldate"), ")"]],
                ],
            ],
        ]


#: The installed plugins a build of the edition looks up, by entry-point group.
PLUGINS_USED = {
    "pybtex.style.names": ("last", "plain"),
    "pybtex.backends": ("plaintext",),
    "sphinxcontrib.bibtex.style.referencing": ("label", "foot"),
}


def _runtime_registries() -> dict[str, dict] | None:
    """pybtex's and sphinxcontrib-bibtex's registries of plugins loaded at run time."""
    pybtex_plugins = getattr(pybtex.plugin, "_RUNTIME_PLUGINS", None)
    bibtex_plugins = getattr(sphinxcontrib.bibtex.plugin, "_runtime_plugins", None)
    if not isinstance(pybtex_plugins, dict) or not isinstance(bibtex_plugins, dict):
        return None
    return {"pybtex": pybtex_plugins, "sphinxcontrib": bibtex_plugins}


def preload_plugins() -> None:
    """Load every plugin of :data:`PLUGINS_USED` in one pass over the entry points.

    pybtex and sphinxcontrib-bibtex look a plugin up, each time, by asking
    ``importlib.metadata`` for the entry points of every installed package: a
    dozen look-ups of some 4 ms each on every build, no-op rebuilds included.
    One pass finds them all; they go into the registries that both libraries
    consult before the entry points (the same classes, under the same names).
    If a library no longer has that registry, the look-ups simply stay.
    """
    registries = _runtime_registries()
    if registries is None:
        return
    wanted = {(group, name) for group, names in PLUGINS_USED.items() for name in names}
    points = (point for distribution in distributions() for point in distribution.entry_points)
    for point in points:
        if not wanted:
            break
        if (point.group, point.name) in wanted:
            registry = registries["sphinxcontrib" if point.group.startswith("sphinxcontrib.") else "pybtex"]
            registry.setdefault(point.group, {}).setdefault(point.name, point.load())
            wanted.discard((point.group, point.name))


#: The attribute of the build environment that keeps the formatted entries between builds.
CACHE_ATTRIBUTE = "edition_formatted_entries"


def use_environment_cache(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: format into the cache the environment keeps between builds.

    Entries the bibliography no longer has are dropped from it each time the
    environment is updated (:func:`drop_unused_entries`), so it stays the size of
    the bibliography.
    """
    global _formatted
    cache = getattr(env, CACHE_ATTRIBUTE, None)
    if not isinstance(cache, dict):
        cache = {}
        setattr(env, CACHE_ATTRIBUTE, cache)
    _formatted = cache


def drop_unused_entries(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``, after sphinxcontrib-bibtex formatted: forget entries it did not ask for."""
    try:
        domain = env.get_domain("cite")
    except ExtensionError:  # sphinxcontrib.bibtex not loaded: nothing was formatted for it
        return
    fingerprints = {entry_fingerprint(entry) for entry in domain.bibdata.data.entries.values()}
    for key in [key for key in _formatted if key[2] not in fingerprints]:
        del _formatted[key]


@extension
def setup(app: Sphinx) -> None:
    """Make the style available to sphinxcontrib-bibtex as ``edition``."""
    app.connect("env-before-read-docs", use_environment_cache)
    # After sphinxcontrib-bibtex's own env-updated handler (priority 500).
    app.connect("env-updated", drop_unused_entries, priority=900)
    registries = _runtime_registries()
    if registries is None:  # the public way, one entry-point look-up each
        register_plugin("pybtex.style.formatting", "edition", EditionStyle, force=True)
        return
    pybtex_plugins = registries["pybtex"]
    pybtex_plugins.setdefault("pybtex.style.formatting", {})["edition"] = EditionStyle
    preload_plugins()

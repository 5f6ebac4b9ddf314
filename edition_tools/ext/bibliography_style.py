"""A pybtex style for the edition's sources, most of them web pages.

pybtex's ``unsrt`` formats ``@online`` like ``@misc``, which ignores the
``organization`` (the outlet) and the ISO ``date`` field that the edition's
bibliography uses. This style prints them: author or outlet, title, outlet,
date written out ("17 April 2025"), any note, then the address and the day it
was consulted.
"""

from __future__ import annotations

import re
from collections import Counter
from importlib.metadata import distributions

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import field, href, join, node, optional, sentence, words
from sphinx.application import Sphinx
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
        return (short_source(entry).casefold(), entry.fields.get("date", ""), entry.fields.get("title", "").lstrip("[").casefold())


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


class EditionStyle(UnsrtStyle):
    """``unsrt`` with a template for web pages (``@online``) and source-year labels."""

    # Classes rather than plugin names: the annotation export uses this style
    # outside Sphinx, where setup() has not registered anything.
    default_sorting_style = SourceDateSortingStyle
    default_label_style = SourceYearLabelStyle

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
                    href[url, url],
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


@extension
def setup(app: Sphinx) -> None:
    """Make the style available to sphinxcontrib-bibtex as ``edition``."""
    registries = _runtime_registries()
    if registries is None:  # the public way, one entry-point look-up each
        register_plugin("pybtex.style.formatting", "edition", EditionStyle, force=True)
        return
    pybtex_plugins = registries["pybtex"]
    pybtex_plugins.setdefault("pybtex.style.formatting", {})["edition"] = EditionStyle
    preload_plugins()

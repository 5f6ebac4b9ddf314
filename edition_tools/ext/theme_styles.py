"""The theme's stylesheet cut down to the rules the site's pages can use.

pydata-sphinx-theme ships one stylesheet, ``styles/pydata-sphinx-theme.css``
(368 KiB, 62 KiB compressed), with the whole of Bootstrap and every component
the theme has; the edition's pages use a small part of it, yet a reader's
first paint waits for all of it. At the end of an HTML build this extension
writes ``styles/pydata-sphinx-theme-used.css``: the theme's rules whose
selectors can match an element of some built page, and
``templates/static/webpack-macros.html`` links it in place of the full one.

A rule is kept when every compound selector in one of its selectors (the
parts between combinators) matches some element of some page, matched with
soupsieve against one element of each kind found in the pages. Matching the
parts one by one rather than the whole selector keeps what the theme's
scripts do at run time: they move the sidebars' contents into dialogs and set
``data-theme``, ``open``, ``.show`` and the like. For the same reason a part
is matched without its pseudo-classes, pseudo-elements and attribute
selectors (``:hover``, ``::before``, ``[data-theme=dark]``), and without the
classes :data:`RUNTIME_CLASSES` that scripts add. So the dark theme, the
dropdowns, the search dialog and the toggles keep their styles; at worst a
rule no page uses is kept, never the other way round.

``@media``, ``@supports`` and ``@layer`` blocks keep the rules they hold that
are kept (and go when none is); ``@font-face`` and ``@keyframes`` are kept
when a kept rule names their font or animation. A custom property (the
theme's colours and sizes, some 700 of them) is kept when a kept rule, a page,
or one of the site's other stylesheets and scripts names it, directly or
through the value of another property that is kept. The stylesheet is parsed with
tinycss2 (the CSS parser of WeasyPrint and CairoSVG) and written back token
for token, so a kept rule is exactly the theme's, less any custom property
nothing uses.

The cut copies of Sphinx's ``basic.css``, of the theme's stylesheet and of
the book theme's are then joined, with the edition's ``icons.css`` and
``edition.css``, into :data:`SITE_STYLESHEET`, in the order the pages used to
link them one by one: the one stylesheet a page of the site links, one
request where there were five before the first paint.

Each file is written only when its content changes: a no-op rebuild writes
nothing, and two builds of the same pages write the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import soupsieve
import tinycss2
from bs4 import BeautifulSoup
from sphinx.application import Sphinx
from sphinx.util import logging

from edition_tools.ext import builds_site, extension, once_per_build

logger = logging.getLogger(__name__)

#: The theme's stylesheet in the site, and its cut copy (part of :data:`SITE_STYLESHEET`).
THEME_STYLESHEET = "_static/styles/pydata-sphinx-theme.css"
USED_STYLESHEET = "_static/styles/pydata-sphinx-theme-used.css"
#: Every stylesheet cut this way, and its cut copy: Sphinx's basic.css and the
#: book theme's stylesheet too, which hold rules for every kind of page Sphinx
#: and the theme can make.
CUT_STYLESHEETS = {
    "_static/basic.css": "_static/basic-used.css",
    THEME_STYLESHEET: USED_STYLESHEET,
    "_static/styles/sphinx-book-theme.css": "_static/styles/sphinx-book-theme-used.css",
}
#: The book theme's stylesheet, which Sphinx links from its list of assets;
#: its cut copy is part of :data:`SITE_STYLESHEET` instead.
BOOK_STYLESHEET = "_static/styles/sphinx-book-theme.css"
#: The one stylesheet a page of the site links: the cut copies, then the
#: edition's icons and its own styles, in the order the pages linked them
#: one by one, so that the cascade is the same. One request instead of five
#: is what lets a phone on a slow connection draw the page sooner, and the
#: five compress better together. It sits beside the theme's stylesheet,
#: whose ``url()``s (its fonts) are relative to that folder; the others have
#: none but ``data:`` addresses.
SITE_STYLESHEET = "_static/styles/edition-site.css"
#: The edition's own stylesheets (``html_static_path``), in the order Sphinx linked them.
EDITION_STYLESHEETS = ("icons.css", "edition.css")
SITE_STYLESHEET_PARTS = (*CUT_STYLESHEETS.values(), *(f"_static/{name}" for name in EDITION_STYLESHEETS))
#: What Sphinx would link from its list of assets that the site links
#: through :data:`SITE_STYLESHEET` instead.
BUNDLED_ASSETS = frozenset({*(f"_static/{name}" for name in EDITION_STYLESHEETS), BOOK_STYLESHEET})
CHARSET = re.compile(r'^@charset "[^"]*";\s*')

#: Classes that scripts give elements after the page is loaded: Bootstrap's
#: states (dropdowns, collapses, tooltips, which it also creates), what the
#: pydata and book themes' scripts set (the mode buttons, the header's
#: "squeeze", a hidden sidebar, a scrolled page), and Sphinx's search results.
RUNTIME_CLASSES = frozenset({
    "active", "show", "showing", "hiding", "collapsing", "collapsed", "fade", "dropdown-menu-dark",
    "tooltip", "tooltip-arrow", "tooltip-inner", "bs-tooltip-auto", "bs-tooltip-top", "bs-tooltip-bottom",
    "bs-tooltip-start", "bs-tooltip-end",
    "empty", "pst-squeeze", "d-none", "hide", "noprint", "scrolled", "pst-sidebar-hidden",
    # Sphinx's search results and highlighted search words (searchtools.js, sphinx_highlight.js).
    "search", "search-summary", "context", "keywordmatches", "goodmatch", "highlighted", "highlight-link",
    "kind-index", "kind-object", "kind-title", "kind-text",
})
#: At-rules whose block holds rules: kept with the rules in it that are kept.
GROUPING_AT_RULES = frozenset({"media", "supports", "layer", "container"})
#: Combinators between the compound selectors of a selector.
COMBINATORS = frozenset({">", "+", "~"})


# -- Selectors -----------------------------------------------------------------------

class Compound(NamedTuple):
    """The part of a compound selector that is matched: a type, an id and classes (each may be absent)."""

    name: str = ""
    identifier: str = ""
    classes: tuple[str, ...] = ()

    def __str__(self) -> str:
        selector = self.name
        if self.identifier:
            selector += "#" + soupsieve.escape(self.identifier)
        selector += "".join("." + soupsieve.escape(name) for name in self.classes)
        return selector or "*"


def _split(tokens: list, separator: str) -> list[list]:
    """Top-level parts of a token list, between literal ``separator`` tokens."""
    parts: list[list] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == separator:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def compounds(selector: list) -> list[Compound]:
    """The compound selectors of one selector (tinycss2 tokens), each as a type, id and classes only.

    Pseudo-classes and pseudo-elements (``:`` or ``::`` and what follows),
    attribute selectors and :data:`RUNTIME_CLASSES` are left out, since
    scripts and the reader change them; a part left with nothing matches all.
    """
    parts: list[Compound] = []
    current, started = Compound(), False
    index = 0
    while index < len(selector):
        token = selector[index]
        if token.type == "whitespace" or (token.type == "literal" and token.value in COMBINATORS):
            if started:
                parts.append(current)
            current, started = Compound(), False
            index += 1
            continue
        started = True
        if token.type == "ident":
            current = current._replace(name=token.lower_value)
        elif token.type == "hash":
            current = current._replace(identifier=token.value)
        elif token.type == "literal" and token.value == "." and index + 1 < len(selector):
            index += 1
            if selector[index].value not in RUNTIME_CLASSES:
                current = current._replace(classes=(*current.classes, selector[index].value))
        elif token.type == "literal" and token.value == ":":
            # A pseudo-class or pseudo-element: its name or function is skipped (after a second colon).
            if index + 1 < len(selector) and selector[index + 1].type == "literal" and selector[index + 1].value == ":":
                index += 1
            index += 1
        # "*", attribute selectors ([...]) and anything else add nothing to match.
        index += 1
    if started or not parts:
        parts.append(current)
    return parts


#: An element of a page as a compound selector sees it: type, id, sorted classes.
Kind = tuple[str, str, tuple[str, ...]]


class _KindCollector(HTMLParser):
    """Collect the kind of every start tag of a page, without building its tree."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.kinds: set[Kind] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.kinds.add((tag, values.get("id") or "", tuple(sorted(set((values.get("class") or "").split())))))

    handle_startendtag = handle_starttag


def element_kinds(pages: Iterable[str]) -> set[Kind]:
    """Every kind of element (type, id, classes) that the pages (HTML markup) hold.

    The standard library's HTML tokenizer reads the start tags, as
    BeautifulSoup's ``html.parser`` builder does, without building a tree:
    a quarter of the time for the site's 38 pages.
    """
    kinds: set[Kind] = set()
    for markup in pages:
        collector = _KindCollector()
        collector.feed(markup)
        collector.close()
        kinds |= collector.kinds
    return kinds


class PageElements:
    """One element of each kind (type, id, classes) found in the pages, to match compound selectors against."""

    def __init__(self, pages: Iterable[str] = (), kinds: set[Kind] | None = None) -> None:
        kinds = element_kinds(pages) if kinds is None else kinds
        # One element of each kind, in a fixed order, indexed by what a compound can ask for.
        self.soup = BeautifulSoup("<div></div>", "html.parser")
        self._by_key: dict[tuple[str, str], list] = {}
        for name, identifier, classes in sorted(kinds):
            tag = self.soup.new_tag(name)
            keys = [("name", name)]
            if identifier:
                tag["id"] = identifier
                keys.append(("id", identifier))
            if classes:
                tag["class"] = list(classes)
                keys += [("class", class_name) for class_name in classes]
            self.soup.div.append(tag)
            for key in keys:
                self._by_key.setdefault(key, []).append(tag)
        self._cache: dict[Compound, bool] = {Compound(): True}

    def match(self, compound: Compound) -> bool:
        """Whether some element of some page matches ``compound`` (soupsieve decides, on the likely elements)."""
        if compound not in self._cache:
            keys = ([("id", compound.identifier)] if compound.identifier else []) + [
                ("class", name) for name in compound.classes] + ([("name", compound.name)] if compound.name else [])
            candidates = min((self._by_key.get(key, []) for key in keys), key=len)
            if not candidates:  # no element has one of its names: nothing to ask soupsieve
                self._cache[compound] = False
                return False
            try:
                selector = soupsieve.compile(str(compound))
            except soupsieve.SelectorSyntaxError:
                self._cache[compound] = True  # what cannot be read is kept, not dropped
            else:
                self._cache[compound] = any(selector.match(tag) for tag in candidates)
        return self._cache[compound]

    def can_match(self, prelude: list) -> bool:
        """Whether one of the selectors of a rule's prelude can match, part by part."""
        for selector in _split(prelude, ","):
            if all(self.match(part) for part in compounds(selector)):
                return True
        return False


# -- Stylesheets ----------------------------------------------------------------------

def _names_used(rules: list) -> set[str]:
    """Idents and strings in the declarations of ``rules``: where a font or an animation is named."""
    names: set[str] = set()
    pending = [token for rule in rules for token in (rule.content or [])]
    while pending:
        token = pending.pop()
        if token.type in ("ident", "string"):
            names.add(token.value)
        elif getattr(token, "content", None) is not None:
            pending.extend(token.content)
        elif getattr(token, "arguments", None) is not None:
            pending.extend(token.arguments)
    return names


def _cut_rules(rules: list, elements: PageElements) -> list:
    """The rules (and grouping at-rules) of a rule list that are kept, as parsed nodes."""
    kept: list = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if elements.can_match(rule.prelude):
                kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING_AT_RULES and rule.content is not None:
            inner = _cut_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
                               elements)
            if inner:
                kept.append((rule, inner))
        elif rule.type in ("at-rule", "qualified-rule"):
            kept.append(rule)
    return kept


def _flatten(kept: list) -> list:
    """Every qualified rule among ``kept``, inside grouping at-rules too."""
    rules = []
    for item in kept:
        if isinstance(item, tuple):
            rules += _flatten(item[1])
        elif item.type == "qualified-rule":
            rules.append(item)
    return rules


def _referenced(rule, used: set[str]) -> bool:
    """Whether a ``@font-face`` or ``@keyframes`` rule names something the kept rules use."""
    if rule.lower_at_keyword == "keyframes":
        return any(token.value in used for token in rule.prelude if token.type in ("ident", "string"))
    if rule.lower_at_keyword == "font-face":
        for declaration in tinycss2.parse_blocks_contents(rule.content or [], skip_comments=True,
                                                          skip_whitespace=True):
            if declaration.type == "declaration" and declaration.lower_name == "font-family":
                # A family written as idents (Font Awesome\ 7 Free) is named as one string elsewhere.
                parts = [token.value for token in declaration.value if token.type in ("ident", "string")]
                return " ".join(parts) in used or all(part in used for part in parts)
    return True


#: A custom property's name where a script, a page or another stylesheet may use it.
CUSTOM_PROPERTY = re.compile(r"--[A-Za-z0-9_-]+")


def _declarations(rule) -> list:
    return [item for item in tinycss2.parse_blocks_contents(rule.content or [], skip_comments=True,
                                                            skip_whitespace=True)
            if item.type == "declaration"]


def _custom_properties_used(rules: list, elsewhere: set[str]) -> set[str]:
    """The custom properties that something uses: ``elsewhere``, a kept rule, or a used property's value."""
    used = set(elsewhere)
    values: dict[str, set[str]] = {}
    for rule in rules:
        for declaration in _declarations(rule):
            named = {token.value for token in _tokens(declaration.value)
                     if token.type == "ident" and token.value.startswith("--")}
            if declaration.name.startswith("--"):
                values.setdefault(declaration.name, set()).update(named)
            else:
                used |= named
    pending = list(used)
    while pending:
        for name in values.get(pending.pop(), ()):
            if name not in used:
                used.add(name)
                pending.append(name)
    return used


def _tokens(tokens: list):
    """Every token of ``tokens``, inside functions and blocks too."""
    pending = list(tokens)
    while pending:
        token = pending.pop()
        yield token
        pending.extend(getattr(token, "arguments", None) or getattr(token, "content", None) or [])


def _rule_text(rule, properties: set[str] | None) -> str:
    """A kept rule as the theme wrote it, or without the custom properties nothing uses."""
    if properties is None or not any(d.name.startswith("--") and d.name not in properties
                                     for d in _declarations(rule)):
        return rule.serialize()
    kept = [d.serialize() for d in _declarations(rule) if not d.name.startswith("--") or d.name in properties]
    return f"{tinycss2.serialize(rule.prelude).strip()} {{ {'; '.join(kept)} }}" if kept else ""


def _serialize(kept: list, used: set[str], properties: set[str] | None) -> str:
    lines = []
    for item in kept:
        if isinstance(item, tuple):
            rule, inner = item
            body = _serialize(inner, used, properties)
            if body:
                lines.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{\n{body}\n}}")
        elif item.type == "at-rule" and item.lower_at_keyword in ("font-face", "keyframes", "-webkit-keyframes"):
            if _referenced(item, used):
                lines.append(item.serialize())
        elif item.type == "qualified-rule":
            text = _rule_text(item, properties)
            if text:
                lines.append(text)
        else:
            lines.append(item.serialize())
    return "\n".join(lines)


def cut_stylesheet(css: str, pages: Iterable[str], elsewhere: Iterable[str] | None = None,
                   elements: PageElements | None = None) -> str:
    """``css`` without the rules no element of the ``pages`` (HTML markup) can match.

    With ``elsewhere`` (the text of the site's other stylesheets and scripts),
    custom properties are dropped too unless a kept rule, a page or one of
    those texts names them, directly or through another property's value.
    ``elements``, the pages' elements when they are already known, saves
    reading the pages again for each stylesheet.
    """
    pages = list(pages)
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    kept = _cut_rules(rules, PageElements(pages) if elements is None else elements)
    flat = _flatten(kept)
    properties = None
    if elsewhere is not None:
        named = {name for text in [*pages, *elsewhere] for name in CUSTOM_PROPERTY.findall(text)}
        properties = _custom_properties_used(flat, named)
    return _serialize(kept, _names_used(flat), properties) + "\n"


def site_pages(outdir: Path) -> list[Path]:
    """The built pages of the site, in a fixed order (the theme's and Sphinx's static files aside)."""
    return sorted(path for path in outdir.rglob("*.html") if not path.relative_to(outdir).parts[0].startswith("_"))


def site_scripts_and_styles(outdir: Path, source: str) -> list[Path]:
    """The site's stylesheets and scripts but ``source``: where a custom property may be used.

    The files made from stylesheets (the cut copies and :data:`SITE_STYLESHEET`)
    are left out too: the whole files they are made from are read, and a cut
    must not depend on what the last cut wrote.
    """
    skip = {outdir / source, outdir / SITE_STYLESHEET, *(outdir / cut for cut in CUT_STYLESHEETS.values())}
    return sorted(path for suffix in ("*.css", "*.js") for path in (outdir / "_static").rglob(suffix)
                  if path not in skip)


#: The key of the record under which the kinds of element of each page are kept, by the page's digest.
PAGE_KINDS = "page kinds"


def page_kinds(pages: Iterable[str], known: dict[str, list]) -> tuple[set[Kind], dict[str, list]]:
    """The kinds of element the pages hold, and those of each page by its digest (SHA-256 of its markup).

    ``known`` holds what an earlier build read, by digest: only pages whose
    markup is not in it are read, so a rebuild reads the pages it wrote.
    """
    kinds: set[Kind] = set()
    by_digest: dict[str, list] = {}
    for markup in pages:
        digest = hashlib.sha256(markup.encode("utf-8")).hexdigest()
        if digest not in by_digest:
            by_digest[digest] = known[digest] if digest in known else sorted(element_kinds([markup]))
            kinds.update((name, identifier, tuple(classes)) for name, identifier, classes in by_digest[digest])
    return kinds, by_digest


def write_used_stylesheets(outdir: Path, record: Path | None = None) -> list[str]:
    """Write the cut copy of each of :data:`CUT_STYLESHEETS` that changed; return their names.

    With ``record`` (a file of the build's own, beside its doctrees), a
    stylesheet is cut again only when what the cut depends on changed: the
    stylesheet, the kinds of element the pages hold and the custom
    properties the site names. Editing an annotation changes none of them,
    so its rebuild reads the elements of the pages it wrote and cuts nothing.
    """
    pages = [page.read_text(encoding="utf-8") for page in site_pages(outdir)]
    seen = json.loads(record.read_text(encoding="utf-8")) if record is not None and record.exists() else {}
    kinds, seen[PAGE_KINDS] = page_kinds(pages, seen.get(PAGE_KINDS, {}))
    in_pages = {name for text in pages for name in CUSTOM_PROPERTY.findall(text)}
    elements: PageElements | None = None  # made when a stylesheet must be cut
    written = []
    for source, cut in CUT_STYLESHEETS.items():
        if not (outdir / source).exists():
            continue
        css = (outdir / source).read_text(encoding="utf-8")
        elsewhere = [path.read_text(encoding="utf-8") for path in site_scripts_and_styles(outdir, source)]
        named = sorted(in_pages.union(*(CUSTOM_PROPERTY.findall(text) for text in elsewhere)))
        inputs = hashlib.sha256(json.dumps([css, sorted(kinds), named]).encode()).hexdigest()
        target = outdir / cut
        if seen.get(cut) == inputs and target.exists():
            continue
        elements = elements or PageElements(kinds=kinds)
        text = cut_stylesheet(css, pages, elsewhere, elements)
        seen[cut] = inputs
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        target.write_text(text, encoding="utf-8")
        written.append(cut)
    if record is not None:
        record.write_text(json.dumps(seen, sort_keys=True), encoding="utf-8")
    return written


def site_stylesheet(parts: Iterable[str]) -> str:
    """The texts of stylesheets ``parts`` as one stylesheet, in order.

    An ``@charset`` rule is only read at the very start of a stylesheet, so
    one rule, the first part's that has one, stands there and the parts'
    own are dropped.
    """
    parts = list(parts)
    charsets = [match.group(0).strip() for part in parts if (match := CHARSET.match(part))]
    texts = [CHARSET.sub("", part, count=1).rstrip("\n") + "\n" for part in parts]
    return (charsets[0] + "\n" if charsets else "") + "".join(texts)


def write_site_stylesheet(outdir: Path) -> bool:
    """Write :data:`SITE_STYLESHEET` from the parts the site has, when its content changes; say whether it did."""
    parts = [(outdir / name).read_text(encoding="utf-8") for name in SITE_STYLESHEET_PARTS
             if (outdir / name).exists()]
    target = outdir / SITE_STYLESHEET
    text = site_stylesheet(parts)
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return True


def note_page_written(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    """``html-page-context``: a page of the edition is written in this build, so the pages' elements may change.

    Sphinx writes its own pages (the general index, the search page) on
    every build, a no-op rebuild too; they change only when a page of the
    edition does, so they do not count.
    """
    if pagename in app.env.found_docs:
        app.builder._edition_pages_written = True


def cut_theme_stylesheets(app: Sphinx, exception: Exception | None) -> None:
    """At the end of a successful build of the site that wrote a page, bring the cut stylesheets up to date.

    A build that wrote no page (a no-op rebuild) leaves the pages, and so
    the cut copies, as they were: it reads nothing.
    """
    if exception is not None or not builds_site(app.builder):
        return
    outdir = Path(app.outdir)
    if getattr(app.builder, "_edition_pages_written", False) or not all(
            (outdir / cut).exists() for source, cut in CUT_STYLESHEETS.items() if (outdir / source).exists()):
        for name in write_used_stylesheets(outdir, Path(app.doctreedir) / "edition-cut-stylesheets.json"):
            logger.info("stylesheet cut to the rules the pages use: %s", name)
    # The edition's own stylesheets may change without a page changing.
    if write_site_stylesheet(outdir):
        logger.info("stylesheets joined into one: %s", SITE_STYLESHEET)


def _site_stylesheet_version(app: Sphinx) -> str:
    """A version for the link to :data:`SITE_STYLESHEET`: it changes with the theme and the edition's stylesheets."""
    def load() -> str:
        import pydata_sphinx_theme
        import sphinx_book_theme

        digest = hashlib.sha256(f"{pydata_sphinx_theme.__version__} {sphinx_book_theme.__version__}".encode())
        for folder in app.config.html_static_path:
            for name in EDITION_STYLESHEETS:
                if (path := Path(app.confdir) / folder / name).exists():
                    digest.update(path.read_bytes())
        return digest.hexdigest()[:16]
    return once_per_build(app.builder, "_edition_site_stylesheet_version", load)


def link_site_stylesheet(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    """Leave the stylesheets joined in :data:`SITE_STYLESHEET` out of the page's assets; the template links it.

    It is written after the pages, so Sphinx could only give its link a
    checksum of the previous build's file; the page links it with a version
    made of what it is made from (the themes' versions and the edition's
    stylesheets) instead.
    """
    styles = context.get("css_files")
    if builds_site(app.builder) and styles is not None:
        styles[:] = [style for style in styles if style.filename not in BUNDLED_ASSETS]
        context["edition_site_stylesheet"] = (
            f"{context['pathto'](SITE_STYLESHEET, 1)}?v={_site_stylesheet_version(app)}")


@extension
def setup(app: Sphinx) -> None:
    """Cut the stylesheets once every page is written (before :mod:`.precompress` compresses them)."""
    app.connect("html-page-context", link_site_stylesheet, priority=900)
    app.connect("html-page-context", note_page_written)
    app.connect("build-finished", cut_theme_stylesheets)

"""The theme's stylesheet cut to the rules the pages use (edition_tools/ext/theme_styles.py).

Small stylesheets and pages as data: what a page can match is kept, what no
page can is dropped, and what the theme's scripts switch on at run time (the
dark theme, open dropdowns, hover and focus, pseudo-elements) is kept. On the
built site: the pages link the cut copy, which holds the rules of the
controls the browser tests use, and is much smaller than the theme's.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import tinycss2

from edition_tools.ext.theme_styles import (
    CUT_STYLESHEETS,
    PAGE_KINDS,
    SITE_STYLESHEET,
    SITE_STYLESHEET_PARTS,
    THEME_STYLESHEET,
    USED_STYLESHEET,
    compounds,
    cut_stylesheet,
    cut_theme_stylesheets,
    element_kinds,
    note_page_written,
    page_kinds,
    site_stylesheet,
    write_site_stylesheet,
    write_used_stylesheets,
)

PAGE = """<!DOCTYPE html><html><body>
<header class="bd-header"><nav class="navbar"><a class="nav-link" href="#">Home</a>
<div class="dropdown"><button class="btn dropdown-toggle" data-bs-toggle="dropdown">More</button>
<ul class="dropdown-menu"><li><a class="dropdown-item" href="#">One</a></li></ul></div></nav></header>
<dialog id="pst-search-dialog"><form class="bd-search"><input type="search"></form></dialog>
<main><p class="lead">Text</p></main></body></html>"""


def selectors(css: str) -> list[str]:
    """The selectors of the qualified rules of ``css``, @media blocks included, in order."""
    found = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            found.append(tinycss2.serialize(rule.prelude).strip())
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword == "media":
            found += [f"@media {tinycss2.serialize(rule.prelude).strip()} {s}"
                      for s in selectors(tinycss2.serialize(rule.content))]
    return found


# (selector, kept?) — each rule alone in a stylesheet, cut against PAGE.
CASES = [
    (".bd-header .navbar", True),  # matches as written
    (".carousel-item", False),  # no page has one
    ("main .lead", True),
    ("main .display-1", False),
    ("html[data-theme=dark] .bd-header", True),  # dark mode: set by a script
    (".dropdown-menu.show", True),  # an open dropdown: Bootstrap adds .show
    (".nav-link:hover", True),
    (".nav-link:focus-visible", True),
    (".dropdown-toggle::after", True),
    ("#pst-search-dialog[open]", True),  # the search dialog, opened by a script
    ("#pst-search-dialog .bd-search input", True),
    ("#pst-primary-sidebar-modal .nav-link", False),  # no such dialog in the page
    (":root", True),
    ("table.table-striped > tbody > tr:nth-of-type(odd)", False),
    ("button.btn, .toast", True),  # one selector of the list matches
    (".toast, .offcanvas", False),
    (".tooltip .tooltip-inner", True),  # tooltips are created by Bootstrap's script
]


@pytest.mark.parametrize(("selector", "kept"), CASES, ids=[case[0] for case in CASES])
def test_a_rule_is_kept_when_a_page_can_match_it(selector: str, kept: bool) -> None:
    css = f"{selector} {{ color: red; }}"
    assert selectors(cut_stylesheet(css, [PAGE])) == ([selector] if kept else [])


def test_a_kept_rule_is_written_exactly_as_the_theme_wrote_it() -> None:
    css = ".navbar>.nav-link:not(.active) { color: var(--pst-color-link, #00f) !important; margin: 0 auto }"
    assert cut_stylesheet(css, [PAGE]).strip() == css


def test_media_blocks_keep_their_kept_rules_and_go_when_none_is() -> None:
    css = ("@media (min-width: 960px) { .navbar { display: flex } .carousel { display: block } }\n"
           "@media print { .offcanvas { display: none } }\n"
           "@supports (display: grid) { main { display: grid } }")
    cut = cut_stylesheet(css, [PAGE])
    assert selectors(cut) == ["@media (min-width: 960px) .navbar"]
    assert "@supports (display: grid) {\nmain { display: grid }\n}" in cut
    assert "print" not in cut


def test_fonts_and_animations_are_kept_only_when_a_kept_rule_names_them() -> None:
    css = ("@font-face { font-family: \"Used Sans\"; src: url(used.woff2) }\n"
           "@font-face { font-family: Unused; src: url(unused.woff2) }\n"
           "@keyframes spin { to { transform: rotate(1turn) } }\n"
           "@keyframes fade-out { to { opacity: 0 } }\n"
           "@font-face { font-family: Icons\\ 7 Free; src: url(icons.woff2) }\n"
           ":root { --icon-font: 900 1em \"Icons 7 Free\" }\n"
           ".lead { font-family: 'Used Sans', sans-serif; animation: spin 1s }\n"
           ".lead::before { font: var(--icon-font) }\n"
           ".toast { font-family: Unused; animation: fade-out 1s }")
    cut = cut_stylesheet(css, [PAGE])
    assert "Used Sans" in cut and "used.woff2" in cut and "@keyframes spin" in cut
    assert "icons.woff2" in cut  # named as one string, written as idents
    assert "unused.woff2" not in cut and "fade-out" not in cut


def test_custom_properties_and_imports_are_kept() -> None:
    css = "@import url(basic.css);\n:root { --pst-color-primary: #0a7d91; }\nhtml[data-theme=dark] { --x: 1 }"
    assert cut_stylesheet(css, [PAGE]) == css.replace("\n:root", "\n:root").strip() + "\n"


def test_custom_properties_go_unless_a_kept_rule_a_page_or_another_file_uses_them() -> None:
    css = (":root { --used-here: 1px; --via-value: 2px; --chained: var(--via-value); --by-script: 0; --unused: 3px }\n"
           "html[data-theme=dark] { --unused: 4px; --only-dark: 5px }\n"
           ".lead { margin: var(--used-here) var(--chained) }\n"
           ".toast { padding: var(--only-dark) }")
    cut = cut_stylesheet(css, [PAGE], ["el.style.setProperty('--by-script', 1)"])
    assert cut == (":root { --used-here: 1px; --via-value: 2px; --chained: var(--via-value); --by-script: 0 }\n"
                   ".lead { margin: var(--used-here) var(--chained) }\n")


def test_the_cut_is_the_same_every_time_whatever_the_order_of_the_pages() -> None:
    other = "<html><body><div class='toast'><p class='lead'>x</p></div></body></html>"
    css = ".toast { a: 1 } .lead { b: 2 } .carousel { c: 3 } .navbar .lead { d: 4 }"
    first = cut_stylesheet(css, [PAGE, other])
    assert first == cut_stylesheet(css, [other, PAGE]) == cut_stylesheet(css, iter([PAGE, other]))
    assert selectors(first) == [".toast", ".lead", ".navbar .lead"]


def test_a_selector_is_split_into_parts_without_states_pseudo_classes_or_attributes() -> None:
    prelude = tinycss2.parse_component_value_list("html[data-theme=dark] .bd-header > a.nav-link.show:hover::before")
    assert [str(part) for part in compounds(prelude)] == ["html", ".bd-header", "a.nav-link"]
    parts = compounds(tinycss2.parse_component_value_list("*:not(.x) ~ P#top"))
    assert [str(part) for part in parts] == ["*", "p#top"]


def test_the_stylesheet_is_written_only_when_it_changes(tmp_path: Path) -> None:
    (tmp_path / THEME_STYLESHEET).parent.mkdir(parents=True)
    (tmp_path / THEME_STYLESHEET).write_text(".lead { a: 1 } .toast { b: 2 }", encoding="utf-8")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    assert write_used_stylesheets(tmp_path) == [USED_STYLESHEET]
    assert (tmp_path / USED_STYLESHEET).read_text(encoding="utf-8") == ".lead { a: 1 }\n"
    assert write_used_stylesheets(tmp_path) == []
    (tmp_path / "other.html").write_text("<p class='toast'>", encoding="utf-8")
    assert write_used_stylesheets(tmp_path) == [USED_STYLESHEET]
    assert (tmp_path / USED_STYLESHEET).read_text(encoding="utf-8") == ".lead { a: 1 }\n.toast { b: 2 }\n"


# -- The built site ----------------------------------------------------------------------

def test_every_page_links_the_site_stylesheet_joined_from_the_cut_ones(html_dir: Path) -> None:
    pages = sorted(html_dir.glob("docs/*.html"))
    assert pages
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        assert SITE_STYLESHEET.removeprefix("_static/") in markup, page.name
        assert "styles/pydata-sphinx-theme.css" not in markup, page.name
    joined = (html_dir / SITE_STYLESHEET).read_text(encoding="utf-8")
    parts = [(html_dir / name).read_text(encoding="utf-8") for name in SITE_STYLESHEET_PARTS]
    assert joined == site_stylesheet(parts)
    assert (html_dir / USED_STYLESHEET).read_text(encoding="utf-8").removeprefix('@charset "UTF-8";') in joined
    assert joined.index(".bd-header{") < joined.index(".cite-form")  # the theme's rules, then the edition's


def test_stylesheets_are_joined_in_order_with_one_charset_at_the_start() -> None:
    assert site_stylesheet([".a { b: 1 }", '@charset "UTF-8";\n.c::before { content: "…" }\n', ".d {}"]) == (
        '@charset "UTF-8";\n.a { b: 1 }\n.c::before { content: "…" }\n.d {}\n')
    assert site_stylesheet([".a {}\n\n", ".b {}"]) == ".a {}\n.b {}\n"


def test_the_site_stylesheet_is_written_only_when_a_part_changes(tmp_path: Path) -> None:
    for name in SITE_STYLESHEET_PARTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"/* {name} */\n", encoding="utf-8")
    assert write_site_stylesheet(tmp_path)
    assert not write_site_stylesheet(tmp_path)
    (tmp_path / "_static/edition.css").write_text(".edition {}\n", encoding="utf-8")
    assert write_site_stylesheet(tmp_path)
    assert (tmp_path / SITE_STYLESHEET).read_text(encoding="utf-8").endswith("*/\n.edition {}\n")


def test_the_cut_stylesheet_is_a_fifth_of_the_theme_s_and_keeps_its_controls(html_dir: Path) -> None:
    full = (html_dir / THEME_STYLESHEET).read_bytes()
    used = (html_dir / USED_STYLESHEET).read_bytes()
    assert len(gzip.compress(used, 9)) < len(gzip.compress(full, 9)) / 4
    kept = set(selectors(used.decode("utf-8")))
    # Dark mode, the theme switch, an open dropdown, the search dialog, the sidebar dialogs.
    for needed in ('html[data-theme=dark]', '.theme-switch-button', '.dropdown-menu.show',
                   '#pst-search-dialog', '.bd-sidebar-primary', '.primary-toggle'):
        assert any(needed in selector for selector in kept), needed
    for dropped in (".carousel", ".toast", ".offcanvas-header", ".accordion-button"):
        assert not any(dropped in selector for selector in kept), dropped


def test_a_stylesheet_is_cut_again_only_when_what_the_cut_reads_changed(tmp_path: Path) -> None:
    site = tmp_path / "html"
    (site / "_static" / "styles").mkdir(parents=True)
    source = next(name for name, cut in CUT_STYLESHEETS.items() if cut == USED_STYLESHEET)
    (site / source).write_text(".kept { color: red }\n.gone { color: blue }\n", encoding="utf-8")
    (site / "page.html").write_text('<p class="kept">text</p>', encoding="utf-8")
    record = tmp_path / "record.json"
    assert write_used_stylesheets(site, record) == [USED_STYLESHEET]
    (site / USED_STYLESHEET).write_text("stale, and left alone while nothing changed", encoding="utf-8")
    assert write_used_stylesheets(site, record) == []
    assert (site / USED_STYLESHEET).read_text(encoding="utf-8").startswith("stale")
    (site / "page.html").write_text('<p class="kept">new words</p>', encoding="utf-8")  # same elements
    assert write_used_stylesheets(site, record) == []
    (site / "page.html").write_text('<p class="kept gone">text</p>', encoding="utf-8")  # a new kind of element
    assert write_used_stylesheets(site, record) == [USED_STYLESHEET]
    assert ".gone" in (site / USED_STYLESHEET).read_text(encoding="utf-8")


def test_a_rebuild_reads_the_elements_of_the_pages_it_wrote_only() -> None:
    first, second = '<p class="a">one</p>', '<p class="b">two</p>'
    kinds, known = page_kinds([first, second], {})
    assert kinds == {("p", "", ("a",)), ("p", "", ("b",))}
    assert len(known) == 2
    # A page whose markup is known is not read again: what is known of it counts.
    pretend = {digest: [["section", "", ["known"]]] for digest in known}
    kinds, kept = page_kinds([first, second, '<p class="c">new</p>'], pretend)
    assert kinds == {("section", "", ("known",)), ("p", "", ("c",))}
    # Only the pages given are kept: the record does not grow with pages that are gone.
    assert set(kept) > set(known) and len(kept) == 3
    assert len(page_kinds([first], kept)[1]) == 1


def test_a_cut_does_not_read_what_the_last_cut_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cut copies and the joined stylesheet are made from the stylesheets, not inputs of the next cut."""
    from edition_tools.ext import theme_styles

    site = tmp_path / "html"
    for number, source in enumerate(CUT_STYLESHEETS):
        # Each names a property of its own, which its cut copy and the joined stylesheet then hold.
        (site / source).parent.mkdir(parents=True, exist_ok=True)
        (site / source).write_text(f".kept {{ --own{number}: 1; color: var(--own{number}) }}\n", encoding="utf-8")
    (site / "page.html").write_text('<p class="kept">text</p>', encoding="utf-8")
    record = tmp_path / "record.json"
    assert sorted(write_used_stylesheets(site, record)) == sorted(CUT_STYLESHEETS.values())
    write_site_stylesheet(site)
    cuts: list[str] = []
    real_cut = theme_styles.cut_stylesheet
    monkeypatch.setattr(theme_styles, "cut_stylesheet", lambda css, *rest: cuts.append(css) or real_cut(css, *rest))
    assert write_used_stylesheets(site, record) == []
    assert cuts == []
    assert PAGE_KINDS in record.read_text(encoding="utf-8")


def test_element_kinds_read_every_start_tag_with_its_id_and_classes() -> None:
    page = '<div id="a" class="y x x"><br/><p class="z">t</p><img src="i"></div>'
    assert element_kinds([page]) == {("div", "a", ("x", "y")), ("br", "", ()), ("p", "", ("z",)), ("img", "", ())}


def test_a_build_that_wrote_no_page_of_the_edition_reads_nothing(tmp_path: Path) -> None:
    site = tmp_path / "html"
    for source, cut in CUT_STYLESHEETS.items():
        (site / source).parent.mkdir(parents=True, exist_ok=True)
        (site / source).write_text(".kept { color: red }\n", encoding="utf-8")
        (site / cut).write_text("as the last build left it\n", encoding="utf-8")
    (site / "page.html").write_text('<p class="kept">text</p>', encoding="utf-8")

    class Builder:
        name = "html"

    class App:
        outdir, doctreedir = str(site), str(tmp_path)
        builder = Builder()

        class env:
            found_docs = frozenset({"docs/background"})

    app = App()
    note_page_written(app, "genindex", "genindex.html", {}, None)  # Sphinx's own page, written every build
    cut_theme_stylesheets(app, None)
    assert all((site / cut).read_text(encoding="utf-8") == "as the last build left it\n"
               for cut in CUT_STYLESHEETS.values())
    note_page_written(app, "docs/background", "page.html", {}, None)
    cut_theme_stylesheets(app, None)
    assert (site / USED_STYLESHEET).read_text(encoding="utf-8").startswith(".kept")

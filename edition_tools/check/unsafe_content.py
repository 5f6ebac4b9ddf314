"""Rules for untrusted content: no raw HTML, no unsafe links, no file-reading directives.

Contributed Markdown is untrusted. It must not put markup into a reader's page
(raw HTML: ``<script>``, ``<iframe>``, ``<style>``, ``onerror=`` ...), link
anywhere but a web page or a page of the edition (``javascript:``, ``data:``,
``file:`` ...), or make the build read a file or emit raw output (``{raw}``,
``{include}``, ``{literalinclude}``, ``{eval-rst}``, ``{csv-table}`` with
``:file:`` or ``:url:``, ``{download}``). Maintained pages under
``docs/maintainers/`` may include files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from edition_tools.check.context import PageContext
from edition_tools.check.registry import rule
from edition_tools.core.conventions import INTERNAL_SCHEMES, LINK_SCHEMES, SCHEME, SOURCE_SCHEMES
from edition_tools.core.problems import Problem

#: A ``mailto:`` address: someone@host.domain, with an optional ``?subject=``.
MAIL_ADDRESS = re.compile(r"^mailto:[^@\s/]+@[^@\s/?]+\.[^@\s/?]+(?:\?\S*)?$", re.IGNORECASE)
#: Suffixes that make ``name.md`` a file rather than a domain.
FILE_SUFFIXES = frozenset(
    {"bib", "css", "csv", "gif", "htm", "html", "jpeg", "jpg", "js", "json", "md", "pdf",
     "png", "py", "rst", "svg", "toml", "txt", "webp", "xml", "yaml", "yml"}
)
#: ``example.org/page`` or ``www.example.org``: an address without its scheme.
BARE_DOMAIN = re.compile(
    r"^(?:www\.[^/?#\s]+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?P<tld>[a-z]{2,}))(?:[/?#]|$)", re.IGNORECASE
)
#: Any white space (the same characters as ``str.isspace``), searched in one pass.
WHITE_SPACE = re.compile(r"\s")
DANGEROUS_TAG = re.compile(r"<\s*(script|iframe|style|object|embed|form|base|meta|link|svg)\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\s(on[a-z]+)\s*=", re.IGNORECASE)
CLOSING_TAG = re.compile(r"^</[a-zA-Z][a-zA-Z0-9-]*\s*>$")
#: Directives contributed content may not use, and why.
FORBIDDEN_DIRECTIVES = {
    "raw": "puts unchecked output into the page",
    "include": "reads another file into the page",
    "literalinclude": "reads another file into the page",
    "eval-rst": "runs reStructuredText, which can read files and emit raw output",
}
#: Options that make a directive read a file or fetch an address.
FILE_OPTIONS = {"csv-table": ("file", "url")}
#: Roles that copy a file into the built site.
FORBIDDEN_ROLES = {"download": "copies a file into the published site"}
#: Directives whose argument is a path or address, checked like a link.
PATH_DIRECTIVES = frozenset({"image", "figure"})


def web_address_problem(url: str) -> str | None:
    """Say what keeps ``url`` from being an absolute ``https://`` or ``http://`` address."""
    if not url:
        return "is empty; write the full https:// address of the page"
    if WHITE_SPACE.search(url):
        return "contains white space; write the address without spaces (encode them as %20)"
    scheme = SCHEME.match(url)
    if not scheme:
        if BARE_DOMAIN.match(url):
            return f"has no scheme; write https://{url}"
        return "is not an absolute address; write the full https:// address of the page"
    name = scheme.group(1).lower()
    if name not in SOURCE_SCHEMES:
        return f"uses the {name}: scheme; only https:// (or http://) addresses of web pages are allowed"
    if not url[len(name) + 1:].startswith("//"):
        return f"lacks the // after {name}:; write {name}://host/path"
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # e.g. an unbalanced [ in the host
        return "is not a well-formed address; copy it again from the browser's address bar"
    if "." not in host.strip("."):
        return f"has no host name with a domain ({host or 'nothing'}); write https://example.org/... in full"
    return None


def link_problem(url: str, page: Path, root: Path) -> str | None:
    """Say what is wrong with a link or image address in content, or ``None``."""
    if url.startswith("#"):
        return None
    scheme = SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()
        if name in SOURCE_SCHEMES:
            return web_address_problem(url)
        if name == "mailto" and name in LINK_SCHEMES:
            return None if MAIL_ADDRESS.match(url) else "is not an e-mail address; write mailto:name@example.org"
        if name in INTERNAL_SCHEMES:
            return None
        return (
            f"uses the {name}: scheme; link only to https:// (or http://) web pages, mailto: addresses "
            "or pages of the edition (a relative link such as background.md#p3)"
        )
    match = BARE_DOMAIN.match(url)
    if match and (match.group("tld") or "").lower() not in FILE_SUFFIXES:
        return f"looks like a web address without its scheme; write https://{url}"
    try:
        target = unquote(urlsplit(url).path)
    except ValueError:
        return "is not a well-formed address; copy it again from the browser's address bar"
    if target:
        base = root if target.startswith("/") else page.parent
        resolved = Path(os.path.normpath(base / target.lstrip("/")))
        if not resolved.is_relative_to(root):
            return "points outside the edition's folder; link to a page of the edition or to an https:// address"
    return None


def _html_detail(html: str) -> str:
    tag = DANGEROUS_TAG.search(html)
    if tag:
        return f"a <{tag.group(1).lower()}> element"
    handler = EVENT_HANDLER.search(html)
    if handler:
        return f"an event-handler attribute ({handler.group(1).lower()}=)"
    if html.lstrip().startswith("<!--"):
        return "an HTML comment; for a comment write a line starting with %"
    first = html.strip().splitlines()[0] if html.strip() else html
    return f"raw HTML ({first[:40]})"


def _raw_html(shown: str, line: int, html: str) -> Problem:
    return Problem(
        shown, line,
        f"contains {_html_detail(html)}; contributed content may not contain HTML: write Markdown",
        "raw-html",
    )


@rule("raw-html", "raw HTML: an HTML block or tag, `<script>`, `<iframe>`, `<style>`, an `onerror=`-style "
      "attribute, an HTML comment", "write Markdown; for a comment, a line starting with `%`")
@rule("unsafe-link", "a link or image whose address is not `https://`, `http://`, a `mailto:` e-mail address, "
      "a page of the edition or an anchor (`javascript:`, `data:`, `file:`, an address without `https://`, "
      "a path leaving the edition)", "link to the `https://` address, or to a page such as `background.md#p3`")
@rule("unsafe-directive", "the directives `raw`, `include`, `literalinclude`, `eval-rst`, or `csv-table` with "
      "`:file:` or `:url:`", "write the text or table in the page")
@rule("unsafe-role", "the role `{download}`, which copies a file into the site",
      "link to an `https://` address instead")
def check_untrusted(context: PageContext) -> Iterator[Problem]:
    """Report raw HTML, unsafe links, and directives or roles that read files."""
    page, shown, path, root = context.page, context.shown, context.path, context.root
    for item in page.blocks:
        if item.token.type == "html_block":
            yield _raw_html(shown, item.line, item.token.content)
    for item in page.inlines:
        token = item.token
        if token.type == "html_inline" and not CLOSING_TAG.match(token.content):
            yield _raw_html(shown, item.line, token.content)
        elif token.type in ("link_open", "image"):
            attribute = "href" if token.type == "link_open" else "src"
            url = str(token.attrs.get(attribute, ""))
            problem = link_problem(url, path, root)
            if problem:
                what = "link" if token.type == "link_open" else "image"
                yield Problem(shown, item.line, f"the {what} address {url[:60]} {problem}", "unsafe-link")
        elif token.type == "myst_role" and token.meta.get("name") in FORBIDDEN_ROLES:
            name = token.meta["name"]
            yield Problem(
                shown, item.line,
                f"the role {{{name}}} {FORBIDDEN_ROLES[name]}; contributed content may not use it: "
                "link to an https:// address instead",
                "unsafe-role",
            )
    for directive in page.directives:
        name = directive.name
        if name in FORBIDDEN_DIRECTIVES:
            yield Problem(
                shown, directive.line,
                f"the directive {{{name}}} {FORBIDDEN_DIRECTIVES[name]}; contributed content may "
                "not use it: write the text in Markdown here",
                "unsafe-directive",
            )
        for option in FILE_OPTIONS.get(name, ()):
            if option in directive.options:
                yield Problem(
                    shown, directive.line,
                    f"{{{name}}} with :{option}: makes the build read a file or fetch an address; "
                    "write the data in the page instead",
                    "unsafe-directive",
                )
        if name in PATH_DIRECTIVES:
            problem = link_problem(directive.argument, path, root)
            if problem:
                yield Problem(
                    shown, directive.line,
                    f"the {{{name}}} address {directive.argument[:60]} {problem}",
                    "unsafe-link",
                )
    if page.too_deep:
        yield Problem(
            shown, page.too_deep,
            "directives are nested too deeply to check; flatten them",
            "unsafe-directive",
        )

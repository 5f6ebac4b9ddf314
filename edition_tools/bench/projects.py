"""The projects that ``make bench`` builds: copies, a bare baseline, larger editions.

Nothing here is committed; the benchmark writes every project into a
temporary folder.

* :func:`copy_project` copies the edition as it stands in the work tree.
* :func:`write_baseline` writes the floor the edition is compared with: the
  same article text, split into the same pages, as plain MyST with
  sphinx-book-theme and nothing else (no annotations, glossary, bibliography
  or local extensions).
* :func:`write_same_pages` writes the fairer yardstick: the edition's own
  pages, every role reduced to its text, built with MyST and the theme alone.
* :func:`edit_one_annotation` changes the text of one footnote, as a
  contributor does between two builds.
* :func:`write_synthetic` turns a copy into an edition *k* times larger: the
  article's pages, their annotations, the glossary's terms and the
  bibliography's entries are repeated in *k* - 1 further volumes, organised as
  a large edition would be (nested toctrees, a collapsed sidebar). Each volume
  gets its own labels, term names and citation keys, so that the larger
  edition is as valid as the real one and builds without a warning.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from edition_tools.core.article import ROOT, body_paragraphs
from edition_tools.core.conventions import (
    CONTENT_FOLDERS,
    ROLE_WITH_TARGET,
    citation_parts,
    is_citation_role,
    role_text,
)
from edition_tools.core.fidelity import article_pages, paragraphs_from_myst
from edition_tools.core.pages import parse_page

#: Folders of the work tree that are not part of the edition's sources.
NOT_COPIED = (".venv", "_build", ".git", "__pycache__", ".pytest_cache", "node_modules", "tests")

#: A MyST target line: ``(p7)=``.
TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=[ \t]*$", re.MULTILINE)
#: A MyST role: ``{cite:p}`key```.
ROLE = re.compile(r"\{(?P<role>[a-z]+(?::[a-z]+)*)\}`(?P<content>[^`]*)`")
#: The target of a Markdown link: ``](../glossary/ctsto.md#x)``.
LINK = re.compile(r"\]\((?P<target>[^()\s]+)\)")
#: The opening fence of a glossary directive, backticks or colons.
GLOSSARY_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{glossary\}")
#: The definition line of a footnote: ``[^kabulov-envoy]: **Context.**``.
FOOTNOTE_DEFINITION = re.compile(r"^\[\^(?P<label>[^\]]+)\]:", re.MULTILINE)
#: What :func:`edit_one_annotation` appends, so that the next edit can replace it.
REVISION = re.compile(r" Revision [0-9]+\.$")


def copy_project(dest: Path, root: Path = ROOT) -> Path:
    """Copy the edition's sources (not its builds or environment) to ``dest``."""
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
    return dest


# -- The bare baseline ----------------------------------------------------------

_BASELINE_CONF = '''"""A bare build of the article's text: the floor the edition is compared with."""
project = "Baseline"
extensions = ["myst_parser"]
html_theme = "sphinx_book_theme"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
'''


def _title(text: str) -> str:
    match = re.search(r"^# (.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else "Untitled"


def write_baseline(dest: Path, root: Path = ROOT) -> Path:
    """Write the bare baseline project into ``dest`` and return it.

    Each page of the edition's article becomes a page with the same title and
    the same paragraphs, taken from the pinned source, one paragraph a block.
    """
    dest.mkdir(parents=True, exist_ok=True)
    source = body_paragraphs(root / "sources")
    cover = root / "docs" / "index.md"
    names = []
    for page in article_pages(cover):
        numbers = [paragraph.number for paragraph in paragraphs_from_myst(page)]
        text = page.read_text(encoding="utf-8")
        blocks = [f"# {_title(text)}"] + [source[number - 1].text for number in numbers]
        (dest / page.name).write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
        names.append(page.stem)
    toctree = "\n".join(["```{toctree}", ":maxdepth: 1", "", *names, "```"])
    index = f"# {_title(cover.read_text(encoding='utf-8'))}\n\n{toctree}\n"
    (dest / "index.md").write_text(index, encoding="utf-8")
    (dest / "conf.py").write_text(_BASELINE_CONF, encoding="utf-8")
    return dest


# -- The same-pages yardstick ---------------------------------------------------

_SAME_PAGES_CONF = '''"""The edition's own pages, bare: what Sphinx and the theme alone cost for them."""
project = "Same pages"
extensions = ["myst_parser"]
myst_enable_extensions = ["colon_fence", "deflist"]
html_theme = "sphinx_book_theme"
root_doc = "docs/index"
source_suffix = {".md": "markdown"}
include_patterns = ["docs/**", "glossary/**"]
exclude_patterns = ["_build"]
'''

#: A fenced directive that only the edition's extensions (or sphinxcontrib-bibtex) know.
EDITION_DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?:bibliography|citation-index|glossary-entries|fact-check-table|timeline)\}"
    r".*?^(?P=fence)[ \t]*$\n?",
    re.MULTILINE | re.DOTALL,
)


def _role_text(match: re.Match[str]) -> str:
    """What a bare build shows for a role: its text; nothing for a citation."""
    role, content = match.group("role"), match.group("content")
    if role.startswith("cite"):
        return ""
    return role_text(content)


def bare_page(text: str) -> str:
    """Return a MyST page with every role reduced to its text and the edition's directives removed.

    ``{term}`Taliban``` becomes ``Taliban``, ``{term}`x <y>``` becomes ``x``,
    a ``{cite:p}`` role disappears (with the space before it), and the
    ``bibliography``, ``citation-index``, ``glossary-entries``, ``fact-check-table``
    and ``timeline`` directives
    go: a bare build knows none of them.
    """
    text = EDITION_DIRECTIVE.sub("", text)
    text = re.sub(r"[ \t]*\{cite(?::[a-z]+)*\}`[^`]*`", "", text)
    return ROLE.sub(_role_text, text)


def write_same_pages(dest: Path, root: Path = ROOT) -> Path:
    """Write the same-pages yardstick into ``dest`` and return it.

    The edition's ``docs/`` and ``glossary/`` pages, made bare by
    :func:`bare_page`, built with ``myst_parser`` (``colon_fence``,
    ``deflist``) and sphinx-book-theme alone: the difference between its
    build and the edition's is what the edition's extensions,
    sphinxcontrib-bibtex and their post-build steps cost, page count apart.
    """
    for folder in ("docs", "glossary"):
        for page in sorted((root / folder).rglob("*.md")):
            copy = dest / page.relative_to(root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(bare_page(page.read_text(encoding="utf-8")), encoding="utf-8")
    (dest / "conf.py").write_text(_SAME_PAGES_CONF, encoding="utf-8")
    return dest


# -- An edit between two builds ----------------------------------------------------

def edit_one_annotation(project: Path, revision: int) -> Path:
    """Change the last line of the first annotation of the article; return its page.

    The line ends with `` Revision N.``; each call writes a new N, so every
    build after an edit sees a real change of one footnote's text.
    """
    for page in article_pages(project / "docs" / "index.md"):
        lines = page.read_text(encoding="utf-8").split("\n")
        start = next((i for i, line in enumerate(lines) if FOOTNOTE_DEFINITION.match(line)), None)
        if start is None:
            continue
        last = start
        for index in range(start + 1, len(lines)):
            if lines[index].startswith("    "):
                last = index
            elif lines[index].strip():
                break
        lines[last] = REVISION.sub("", lines[last]) + f" Revision {revision}."
        page.write_text("\n".join(lines), encoding="utf-8")
        return page
    raise ValueError(f"{project}: the article has no annotation to edit")


# -- A larger edition ----------------------------------------------------------------

@dataclass(frozen=True)
class EditionSize:
    """How much there is in an edition: what the scaling is measured against."""

    pages: int  #: MyST pages Sphinx reads
    annotations: int  #: footnote definitions
    glossary_terms: int  #: terms of glossary directives under glossary/ (else its files)
    bibliography_entries: int

    def to_json(self) -> dict[str, int]:
        """The counts as a dict."""
        return dict(vars(self))


def _volume_tag(volume: int) -> str:
    return f"v{volume:03d}"


def _key_tag(volume: int) -> str:
    """Lower-case letters only, so a suffixed key keeps the sourceYYYYword scheme."""
    letters = ""
    for _ in range(3):
        volume, digit = divmod(volume, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return "x" + letters


def _glossary_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """Return ``(first, last)`` line indexes of the body of each glossary directive."""
    blocks = []
    index = 0
    while index < len(lines):
        match = GLOSSARY_FENCE.match(lines[index])
        if match:
            fence = match.group("fence")
            end = index + 1
            while end < len(lines) and not (
                lines[end].startswith(fence[0] * len(fence)) and not lines[end].strip(fence[0]).strip()
            ):
                end += 1
            blocks.append((index + 1, end))
            index = end
        index += 1
    return blocks


def glossary_terms(text: str) -> list[str]:
    """Return the terms defined by the glossary directives of a MyST page."""
    lines = text.split("\n")
    terms = []
    for first, last in _glossary_blocks(lines):
        for line in lines[first:last]:
            if line.strip() and not line[0].isspace() and not line.startswith(":"):
                terms.append(line.strip())
    return terms


def _bib_keys(bibfile: Path) -> list[str]:
    from pybtex.database import parse_file

    return list(parse_file(str(bibfile), bib_format="bibtex").entries.keys())


def _synthetic_bibliography(bibfile: Path, volumes: range) -> str:
    """Return BibTeX for a copy of every entry per volume, with labels kept apart.

    Labels name the authors' surnames, else the outlet; both get the volume's
    tag, so that no two entries share a label (the label style tells equal
    ones apart with a letter, and runs out of letters after 26).
    """
    from pybtex.database import BibliographyData, Entry, Person, parse_file

    original = parse_file(str(bibfile), bib_format="bibtex")
    entries = {}
    for volume in volumes:
        tag = _volume_tag(volume)
        for key, entry in original.entries.items():
            fields = dict(entry.fields)
            if "organization" in fields:
                fields["organization"] = f"{tag.upper()} {fields['organization']}"
            persons = {
                role: [
                    Person(first=" ".join(p.first_names), last=" ".join(p.last_names) + f"-{tag}")
                    for p in people
                ]
                for role, people in entry.persons.items()
            }
            entries[key + _key_tag(volume)] = Entry(entry.type, fields=fields, persons=persons)
    return BibliographyData(entries).to_string("bibtex")


class _Volume:
    """Rewrites one copied file for a volume: its names get the volume's tag."""

    def __init__(self, volume: int, labels: set[str], terms: set[str], keys: set[str],
                 copies: dict[Path, Path], srcdir: Path) -> None:
        self.tag = _volume_tag(volume)
        self.key_tag = _key_tag(volume)
        self.labels, self.terms, self.keys = labels, terms, keys
        self.copies, self.srcdir = copies, srcdir

    def label(self, label: str) -> str:
        return f"{self.tag}-{label}" if label in self.labels else label

    def term(self, term: str) -> str:
        return f"{term} ({self.tag})" if term.lower() in self.terms else term

    def _path(self, target: str, original: Path) -> str:
        """A link's path in the copy: the copy of its file, else the original, from the root."""
        if "://" in target or target.startswith("mailto:"):
            return target
        path, _, fragment = target.partition("#")
        if path:
            resolved = (self.srcdir / path.lstrip("/")) if path.startswith("/") else (original.parent / path)
            resolved = Path(os.path.normpath(resolved))
            resolved = self.copies.get(resolved, resolved)
            path = "/" + resolved.relative_to(self.srcdir).as_posix()
        return path + ("#" + self.label(fragment) if fragment else "")

    def _role(self, match: re.Match[str], original: Path) -> str:
        role, content = match.group("role"), match.group("content")
        explicit = ROLE_WITH_TARGET.match(content)
        text, target = (explicit.group("text"), explicit.group("target")) if explicit else ("", content)
        if is_citation_role(role):
            # Each key renamed, its pre- and post-notes kept: {see}key{p. 3}.
            new = ",".join(
                f"{{{pre}}}" * bool(pre)
                + (key + self.key_tag if key in self.keys else key)
                + f"{{{post}}}" * bool(post)
                for pre, key, post in citation_parts(content)
            )
            return f"{{{role}}}`{new}`"
        if role == "term":
            new_target = self.term(target)
            if new_target == target:
                return match.group(0)
            return f"{{term}}`{text or target} <{new_target}>`"
        if role in ("ref", "numref"):
            new_target = self.label(target)
        elif role == "doc":
            new_target = self._path(target.removesuffix(".md") + ".md", original)[: -len(".md")]
        else:
            return match.group(0)
        return f"{{{role}}}`{text} <{new_target}>`" if explicit else f"{{{role}}}`{new_target}`"

    def rewrite(self, text: str, original: Path) -> str:
        """Return ``text`` (the file ``original``) with this volume's names."""
        text = TARGET.sub(lambda m: f"({self.label(m.group('label'))})=", text)
        text = ROLE.sub(lambda m: self._role(m, original), text)
        text = LINK.sub(lambda m: f"]({self._path(m.group('target'), original)})", text)
        lines = text.split("\n")
        for first, last in _glossary_blocks(lines):
            for index in range(first, last):
                line = lines[index]
                if line.strip() and not line[0].isspace() and not line.startswith(":"):
                    lines[index] = self.term(line.strip())
        return "\n".join(lines)


def _toctree(entries: list[str], caption: str = "") -> str:
    options = [":maxdepth: 1"] + ([f":caption: {caption}"] if caption else [])
    return "\n".join(["```{toctree}", *options, "", *entries, "```", ""])


def _glossary_files(project: Path) -> list[Path]:
    folder = project / "glossary"
    # rglob: a synthetic volume's copies of the terms stand in subfolders.
    return sorted(p for p in folder.rglob("*.md") if p.stem != "index") if folder.is_dir() else []


def edition_size(project: Path) -> EditionSize:
    """Count the pages, annotations, glossary terms and bibliography entries of ``project``."""
    pages = [p for folder in CONTENT_FOLDERS for p in (project / folder).rglob("*.md")]
    annotations = sum(len(parse_page(p.read_text(encoding="utf-8")).footnotes) for p in pages)
    glossary = _glossary_files(project)
    terms = sum(len(glossary_terms(p.read_text(encoding="utf-8"))) for p in glossary)
    keys = _bib_keys(project / "sources" / "references.bib")
    return EditionSize(len(pages), annotations, terms or len(glossary), len(keys))


_SYNTHETIC_CONF = '''

# -- Synthetic edition for the benchmark ----------------------------------------
# A large edition keeps its sidebar collapsed to the current page's branch;
# otherwise every page renders every other page's entry.
html_theme_options["collapse_navbar"] = True
'''

#: Volumes per group page of the synthetic edition's table of contents.
VOLUMES_PER_GROUP = 10


def write_synthetic(project: Path, factor: int) -> tuple[EditionSize, str]:
    """Make the copy ``project`` an edition ``factor`` times larger, in place.

    Returns its size and a note on what could not be multiplied (empty when
    everything was).
    """
    note = ""
    with (project / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(_SYNTHETIC_CONF)
    if factor <= 1:
        return edition_size(project), note
    docs = project / "docs"
    pages = article_pages(docs / "index.md")
    glossary = _glossary_files(project)
    texts = {path: path.read_text(encoding="utf-8") for path in pages + glossary}
    terms = {term.lower() for path in glossary for term in glossary_terms(texts[path])}
    if glossary and (not terms or any(not glossary_terms(texts[p]) for p in glossary)):
        note = "glossary not multiplied: its terms are not all defined with a {glossary} directive"
        glossary, terms = [], set()
        texts = {path: texts[path] for path in pages}
    labels = {m.group("label") for text in texts.values() for m in TARGET.finditer(text)}
    bibfile = project / "sources" / "references.bib"
    keys = set(_bib_keys(bibfile))

    volumes = range(2, factor + 1)
    volume_entries = []
    for volume in volumes:
        tag = _volume_tag(volume)
        copies = {page: docs / "volumes" / tag / page.relative_to(docs) for page in pages}
        copies |= {entry: project / "glossary" / tag / entry.name for entry in glossary}
        rewriter = _Volume(volume, labels, terms, keys, copies, project)
        for original, copy in copies.items():
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(rewriter.rewrite(texts[original], original), encoding="utf-8")
        entries = [copies[page].relative_to(docs / "volumes" / tag).with_suffix("").as_posix() for page in pages]
        entries += ["/" + copies[entry].relative_to(project).with_suffix("").as_posix() for entry in glossary]
        (docs / "volumes" / tag / "index.md").write_text(
            f"# Volume {volume}\n\n" + _toctree(entries), encoding="utf-8"
        )
        volume_entries.append(f"{tag}/index")

    groups = []
    for start in range(0, len(volume_entries), VOLUMES_PER_GROUP):
        name = f"group-{start // VOLUMES_PER_GROUP + 1:02d}"
        chunk = volume_entries[start : start + VOLUMES_PER_GROUP]
        (docs / "volumes" / f"{name}.md").write_text(
            f"# Volumes {chunk[0][1:4].lstrip('0')}–{chunk[-1][1:4].lstrip('0')}\n\n" + _toctree(chunk),
            encoding="utf-8",
        )
        groups.append(name)
    (docs / "volumes" / "index.md").write_text("# Further volumes\n\n" + _toctree(groups), encoding="utf-8")
    with (docs / "index.md").open("a", encoding="utf-8") as cover:
        cover.write("\n" + _toctree(["volumes/index"], caption="Further volumes"))
    with bibfile.open("a", encoding="utf-8") as bib:
        bib.write("\n" + _synthetic_bibliography(bibfile, volumes))
    return edition_size(project), note


def sphinx_html(source: Path, outdir: Path) -> list[str]:
    """The strict build of ``make html``, serial, into ``outdir``.

    ``--no-color``: the output is parsed, and Sphinx colours it when ``CI`` is set.
    """
    return [
        sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "--no-color",
        "-d", str(outdir / ".doctrees"), str(source), str(outdir),
    ]

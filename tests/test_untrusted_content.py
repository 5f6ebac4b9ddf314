"""Unsafe content forced past the validator into a build never reaches a reader.

A copy of the edition gets one more page, ``tests/fixtures/untrusted/untrusted.md``:
an annotation carrying raw HTML, event handlers, ``javascript:`` links, raw
directives, includes of a file outside the repository and more. The strict
build must fail, naming each construct at its line, and the page it writes
must hold none of them as executable markup.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from edition_tools.ext.untrusted_content import url_scheme

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "untrusted" / "untrusted.md"
#: What the copy of the edition needs to build.
PROJECT_PARTS = ("conf.py", "CONTRIBUTING.md", "edition_tools", "sources", "docs", "glossary")
#: One line of a warning printed by sphinx-build; a message may span lines.
WARNING = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d*): (?:WARNING|ERROR): (?P<message>.*?) \[(?P<type>[\w.\-]+)\]$",
    re.MULTILINE | re.DOTALL,
)
#: A line of /etc/passwd on any Unix system.
PASSWD_LINE = b"root:x:0:0:"


@dataclass
class UnsafeBuild:
    project: Path
    outdir: Path
    returncode: int
    stderr: str

    def page(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup((self.outdir / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def unsafe_build(tmp_path_factory: pytest.TempPathFactory) -> UnsafeBuild:
    """A strict HTML build of a copy of the edition with the unsafe page added."""
    project = tmp_path_factory.mktemp("untrusted-project")
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, project / part)
    shutil.copy2(FIXTURE, project / "docs" / "untrusted.md")
    outdir = project / "_build" / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "-q",
         str(project), str(outdir)],
        capture_output=True, text=True, cwd=project,
    )
    return UnsafeBuild(project, outdir, result.returncode, result.stderr)


def line_of(text: str) -> int:
    """Return the line of the fixture on which ``text`` stands (it must be unique)."""
    lines = [n for n, line in enumerate(FIXTURE.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    assert len(lines) == 1, (text, lines)
    return lines[0]


def test_the_build_fails_naming_each_unsafe_construct_at_its_line(unsafe_build: UnsafeBuild) -> None:
    assert unsafe_build.returncode != 0
    found = sorted(
        (int(w["line"] or 0), w["type"], w["message"].splitlines()[0])
        for w in WARNING.finditer(unsafe_build.stderr.replace(str(unsafe_build.project) + "/", ""))
        if w["path"] == "docs/untrusted.md"
    )
    expected = sorted([
        (1, "edition.untrusted-meta", "<meta http-equiv='refresh'> was removed"),
        (line_of('<script>alert("attack-script-block")'), "edition.untrusted-raw", "raw html was shown as text"),
        (line_of("attack-onerror"), "edition.untrusted-raw", "raw html was shown as text"),
        (line_of("{include} ../../"), "docutils", 'Directive "include" disabled.'),
        (line_of("{include} /etc/passwd"), "docutils", 'Directive "include" disabled.'),
        (line_of("{literalinclude}"), "docutils", "File insertion disabled"),
        (line_of("{raw} html"), "docutils", '"raw" directive disabled.'),
        (line_of("{csv-table}"), "docutils", 'File and URL access deactivated; ignoring "csv-table" directive.'),
        (line_of("attack-rst-link"), "edition.untrusted-link",
         "link to \"javascript:alert('attack-rst-link')\" was removed"),
        (line_of(".. raw:: html"), "docutils", '"raw" directive disabled.'),
        (line_of("{figure}"), "edition.untrusted-file", "image '../../"),
        (line_of("{figure}"), "edition.untrusted-link",
         "link to \"javascript:alert('attack-figure-target')\" was removed"),
        (line_of("{download}"), "edition.untrusted-file", "download '../../"),
        (line_of("attack-math"), "edition.untrusted-math", "math with \\href or \\url is shown as text"),
        (line_of("{toctree}"), "edition.untrusted-link",
         "toctree entry \"javascript://%0Aalert('attack-toctree')\" was removed"),
    ])
    assert [(line, kind) for line, kind, _ in found] == [(line, kind) for line, kind, _ in expected]
    for (_, _, message), (_, _, start) in zip(found, expected, strict=True):
        assert message.startswith(start), (message, start)


def test_the_rest_of_the_edition_builds_without_a_warning(unsafe_build: UnsafeBuild) -> None:
    others = [w.group(0) for w in WARNING.finditer(unsafe_build.stderr) if not w["path"].endswith("docs/untrusted.md")]
    assert others == []


def _scripts(page: BeautifulSoup, docname: str) -> list[str]:
    """Each script of a page, by address or by text with the page's own name blanked."""
    return [
        script.get("src") or (script.string or "").replace(f"'{docname}'", "'PAGE'")
        for script in page.find_all("script")
    ]


def _reading_scripts(page: BeautifulSoup) -> list[str]:
    """The edition's own scripts of an article page's reading control (ext/reading_modes.py)."""
    from edition_tools.ext.reading_modes import HEAD_SCRIPT

    found = []
    for script in page.find_all("script"):
        if (script.get("src") or "").split("?")[0].endswith("_static/reading.js"):
            found.append(script.get("src"))
        elif script.string == HEAD_SCRIPT or script.get("id") == "cite-data":
            found.append(script.string)
    return found


def test_no_script_but_the_themes_own(unsafe_build: UnsafeBuild) -> None:
    unsafe = _scripts(unsafe_build.page("docs/untrusted"), "docs/untrusted")
    introduction = unsafe_build.page("docs/introduction")
    # The page of untrusted content is not a page of the article: it lacks the
    # reading control's scripts, which the article's pages carry, and nothing else.
    own = _reading_scripts(introduction)
    assert len(own) == 3
    clean = [script for script in _scripts(introduction, "docs/introduction") if script not in own]
    assert unsafe == clean


def _handlers(soup: BeautifulSoup) -> Counter[tuple[str, str, str]]:
    return Counter(
        (tag.name, name, str(value))
        for tag in soup.find_all(True)
        for name, value in tag.attrs.items()
        if name.lower().startswith("on")
    )


def test_no_event_handler_attribute_but_the_themes_own(unsafe_build: UnsafeBuild) -> None:
    unsafe = unsafe_build.page("docs/untrusted")
    assert _handlers(unsafe.find("article")) == Counter()
    assert _handlers(unsafe) == _handlers(unsafe_build.page("docs/introduction"))


#: Attributes through which a page loads or links to an address.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "srcset", "content")


def test_no_address_with_a_script_scheme(unsafe_build: UnsafeBuild) -> None:
    page = unsafe_build.page("docs/untrusted")
    found = []
    for tag in page.find_all(True):
        for name in URL_ATTRIBUTES:
            value = tag.get(name)
            # Independent of the extension's own parser: browsers drop tabs and
            # newlines and ignore case and leading controls.
            cleaned = re.sub(r"[\t\n\r]", "", str(value or "")).lstrip("\x00- ").lower()
            if cleaned.startswith(("javascript:", "vbscript:", "data:text")) or "url=" in cleaned:
                found.append((tag.name, name, value))
    assert found == []
    assert page.find("meta", attrs={"http-equiv": True}) is None


def test_every_attack_survives_only_as_visible_text(unsafe_build: UnsafeBuild) -> None:
    page = unsafe_build.page("docs/untrusted")
    in_attributes = [
        (tag.name, name) for tag in page.find_all(True)
        for name, value in tag.attrs.items() if "attack-" in str(value)
    ]
    assert in_attributes == []
    assert not any("attack-" in (script.string or "") for script in page.find_all("script"))
    note = page.find(id="note-unsafe-note")
    # Escaped raw HTML is shown to the reader as code, so a reviewer sees it.
    assert '<script>alert("attack-script-block")</script>' in note.find("pre").get_text()
    assert "onerror=\"alert('attack-onerror')\"" in note.get_text()


def test_no_file_from_outside_the_edition_is_copied_or_shown(unsafe_build: UnsafeBuild) -> None:
    leaked = [
        str(path.relative_to(unsafe_build.outdir))
        for path in unsafe_build.outdir.rglob("*")
        if path.is_file() and PASSWD_LINE in path.read_bytes()
    ]
    assert leaked == []
    assert not (unsafe_build.outdir / "_downloads").exists()
    assert not (unsafe_build.outdir / "_images").exists()


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("https://example.org/", "https"),
        ("mailto:editors@example.org", "mailto"),
        ("bibliography.html#cite-x", ""),
        ("#note-x", ""),
        ("javascript:alert(1)", "javascript"),
        (" JavaScript:alert(1)", "javascript"),
        ("java\tscript:alert(1)", "javascript"),
        ("\x01javascript:alert(1)", "javascript"),
        ("java\nscript:alert(1)", "javascript"),
        ("data:text/html,<script>", "data"),
        ("vbscript:msgbox", "vbscript"),
    ],
)
def test_url_scheme_reads_an_address_as_a_browser_does(url: str, scheme: str) -> None:
    assert url_scheme(url) == scheme

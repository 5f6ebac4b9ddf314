"""The promise of ``make check``: content it passes builds, exports and passes the content tests.

The correct fixtures of ``tests/fixtures/check/`` (the files without an
``% expect:`` line: a page of the article with a note of every kind, each
kind line with its qualifier, citations with pre- and post-notes, term
links; a page of every other construct; two term files; the bibliography)
are put in place of the edition's content in a copy of the project. The
copy must pass ``make check``, build strictly with Sphinx (``make html``),
export (``make annotations``) and pass the checks of the built site that
the content tests apply to the edition (tests/support/built_references.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edition_tools.bench.projects import copy_project
from edition_tools.check.run import check_paths
from tests.support.built_references import reference_problems

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "check"
EXPECT = re.compile(r"^% expect: ", re.MULTILINE)
COVER = """# A fixture edition

The correct fixtures of `make check`, built as an edition.

```{toctree}
:name: article-parts
:caption: The article

clean-article
```

```{toctree}
:hidden:

clean
bibliography
citation-index
../glossary/index
```
"""


def passing_fixtures() -> list[Path]:
    """The fixture files that must come out of ``make check`` clean."""
    return sorted(
        path for path in FIXTURES.rglob("*")
        if path.suffix in (".md", ".bib", ".toml") and path.name != "README.md"
        and not EXPECT.search(path.read_text(encoding="utf-8"))
    )


@pytest.fixture(scope="module")
def fixture_edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose content is the passing fixtures, and nothing else."""
    root = copy_project(tmp_path_factory.mktemp("promise") / "edition")
    for folder in ("docs", "glossary"):
        shutil.rmtree(root / folder)
    for path in passing_fixtures():
        target = root / path.relative_to(FIXTURES)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    (root / "docs" / "index.md").write_text(COVER, encoding="utf-8")
    # The edition's own pages and data, which are not contributed content.
    for page in ("docs/bibliography.md", "docs/citation-index.md", "glossary/index-terms.toml"):
        shutil.copyfile(ROOT / page, root / page)
    return root


def test_the_passing_fixtures_include_every_kind_and_citation_notes() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in passing_fixtures())
    assert "**Fact check — " in text and "**Since publication — as of " in text
    assert "{cite:p}`{see}" in text and "{p. 3}`" in text
    assert {path.relative_to(FIXTURES).as_posix() for path in passing_fixtures()} >= {
        "docs/clean.md", "docs/clean-article.md", "glossary/example-term.md", "sources/references.bib",
        "sources/receipts.toml",
    }


def test_the_fixture_edition_passes_make_check(fixture_edition: Path) -> None:
    checked = [fixture_edition / path for path in ("docs", "glossary", "sources/references.bib")]
    assert [str(p) for p in check_paths(checked, root=fixture_edition)] == []


@pytest.fixture(scope="module")
def built(fixture_edition: Path) -> Path:
    outdir = fixture_edition / "_build" / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "-q",
         "-d", str(fixture_edition / "_build" / "doctrees"), str(fixture_edition), str(outdir)],
        capture_output=True, text=True, cwd=fixture_edition,
    )
    assert result.returncode == 0, result.stderr
    return outdir


def test_it_builds_strictly_and_passes_the_checks_of_the_built_site(built: Path) -> None:
    page = (built / "docs" / "clean-article.html").read_text(encoding="utf-8")
    assert 'Fact check —</strong> <span class="verdict verdict-accurate">accurate</span>.' in page
    assert "Since publication — as of May 2025." in page
    assert [str(p) for p in reference_problems(built)] == []


def test_it_exports(fixture_edition: Path) -> None:
    output = fixture_edition / "_build" / "annotations.jsonld"
    result = subprocess.run(
        [sys.executable, "-m", "edition_tools.export", "--output", str(output)],
        capture_output=True, text=True, cwd=fixture_edition,
        env={**os.environ, "PYTHONPATH": str(fixture_edition)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    items = json.loads(output.read_text(encoding="utf-8"))["first"]["items"]
    assert len(items) == 4
    tags = sorted(b["value"] for item in items for b in item["body"] if b.get("purpose") == "tagging")
    assert tags == ["as-of:2025-05", "since-publication", "verdict:accurate"]
    # The citation with notes names its key's source, not "{see}key{p. 3}".
    links = {b["source"] for item in items for b in item["body"] if b.get("purpose") == "linking"}
    assert "https://example.org/one" in links

"""The parts of ``make bench`` that must be right whatever the timings are.

No test here asserts a duration: figures depend on the machine and its load.
They check what is measured (the projects the benchmark builds, the pages a
build read and wrote) and how figures are summarised.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from edition_tools.bench.benchmark import (
    configuration_changed,
    measured_environment,
    pages_read,
    pages_written,
    read_test_suite,
    record,
    suite_command,
    suite_section,
)
from edition_tools.bench.process_cost import Sample, paired_ratios, run_measured, spread
from edition_tools.bench.projects import (
    FOOTNOTE_DEFINITION,
    _Volume,
    bare_page,
    copy_project,
    edit_one_annotation,
    edition_size,
    glossary_terms,
    write_baseline,
    write_same_pages,
    write_synthetic,
)
from edition_tools.core.article import body_paragraphs, normalise_space
from edition_tools.core.fidelity import article_pages

ROOT = Path(__file__).resolve().parent.parent

#: What a serial Sphinx 9 rebuild prints after one page was edited.
REBUILD_OUTPUT = """\
loading pickled environment... done
building [html]: targets for 1 source files that are out of date
updating environment: 0 added, 1 changed, 0 removed
reading sources... [100%] docs/introduction

looking for now-outdated files... none found
writing output... [ 50%] docs/index
writing output... [100%] docs/introduction

build succeeded.
"""


# -- Figures -----------------------------------------------------------------------

def test_spread_is_median_min_max() -> None:
    summary = spread([3.0, 1.0, 2.0, 10.0])
    assert (summary.median, summary.low, summary.high, summary.count) == (2.5, 1.0, 10.0, 4)
    assert str(spread([2.0])) == "2"


def test_paired_ratios_divide_run_by_run() -> None:
    # Run 2 was slowed down for both commands alike; its ratio is still 2.
    ratios = paired_ratios([2.0, 8.0, 2.2], [1.0, 4.0, 1.0])
    assert (ratios.median, ratios.low, ratios.high) == (2.0, 2.0, 2.2)
    with pytest.raises(ValueError):
        paired_ratios([1.0], [1.0, 2.0])


def test_run_measured_reports_exit_status_output_and_usage(tmp_path: Path) -> None:
    script = "import sys; data = bytearray(64 * 1024 * 1024); print('done'); sys.exit(3)"
    sample = run_measured([sys.executable, "-c", script], cwd=tmp_path)
    assert sample.returncode == 3
    assert sample.output == "done\n"
    # The 64 MiB the child touched are in its peak memory.
    assert sample.peak_rss_mib >= 64
    assert sample.cpu > 0 and sample.wall > 0


def test_sphinx_output_is_read_for_pages_and_configuration() -> None:
    assert (pages_read(REBUILD_OUTPUT), pages_written(REBUILD_OUTPUT)) == (1, 2)
    assert not configuration_changed(REBUILD_OUTPUT)
    changed = "loading pickled environment... The configuration has changed (1 option: 'html_theme_options')\n"
    assert configuration_changed(changed)


#: The end of a run of the test suite under pytest-xdist, as pytest prints it with ``-q``.
SUITE_OUTPUT = """\
........................................................................ [ 98%]
.......                                                                  [100%]
============================= slowest 10 durations =============================
61.20s setup    tests/test_pdf.py::test_readme_gives_the_install_line_of_the_ci_package_list
3.05s call     tests/browser/test_lighthouse.py::test_lighthouse_finds_nothing_to_fix_but_speed[docs/index.html]
30.51s setup    tests/test_build.py::test_strict_build_passes_with_zero_warnings
0.50s teardown tests/test_check.py::test_make_check_passes_on_the_edition
598 passed, 1 deselected in 201.33s (0:03:21)
"""


def test_the_test_suite_section_reads_the_outcome_and_the_slowest_phases() -> None:
    suite = read_test_suite(2, Sample(wall=203.4, cpu=350.2, peak_rss_mib=500.0, returncode=0, output=SUITE_OUTPUT))
    assert suite.outcome == "598 passed, 1 deselected"
    assert [(seconds, phase) for seconds, phase, _ in suite.slowest] == [
        (61.2, "setup"), (30.51, "setup"), (3.05, "call"), (0.5, "teardown")]
    assert suite.slowest[2][2] == (
        "tests/browser/test_lighthouse.py::test_lighthouse_finds_nothing_to_fix_but_speed[docs/index.html]"
    )
    # Without -q pytest draws rules around the same line.
    ruled = SUITE_OUTPUT.replace("598 passed, 1 deselected in 201.33s (0:03:21)",
                                 "============= 1 failed, 597 passed in 201.33s (0:03:21) =============")
    assert read_test_suite(2, Sample(203.4, 350.2, 500.0, 1, ruled)).outcome == "1 failed, 597 passed"
    section = suite_section(suite)
    assert section.startswith("`make test` (2 processes): 203 s wall, 350 s CPU; 598 passed, 1 deselected.")
    assert (
        "| `tests/test_pdf.py::test_readme_gives_the_install_line_of_the_ci_package_list` | setup | 61.2 |"
        in section
    )
    # The command is make test's: offline tests, on as many processes, slowest ten reported.
    assert suite_command(2)[2:] == ["pytest", "-m", "not network", "-n", "2", "-q",
                                    "-p", "no:cacheprovider", "--durations=10"]
    assert "-n" not in suite_command(1)


def test_record_replaces_only_the_figures(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Costs\n\nIntro.\n\n% bench:begin\nold figures\n% bench:end\n\nAfter.\n", encoding="utf-8")
    record(page, "| new | table |\n")
    assert page.read_text(encoding="utf-8") == (
        "# Costs\n\nIntro.\n\n% bench:begin\n| new | table |\n% bench:end\n\nAfter.\n"
    )


# -- The projects it builds ---------------------------------------------------------------

def test_baseline_has_the_article_text_in_plain_pages(tmp_path: Path) -> None:
    baseline = write_baseline(tmp_path / "baseline")
    conf = (baseline / "conf.py").read_text(encoding="utf-8")
    assert re.search(r'^extensions = \["myst_parser"\]$', conf, re.M)
    assert 'html_theme = "sphinx_book_theme"' in conf
    texts = []
    for page in article_pages():
        copy = (baseline / page.name).read_text(encoding="utf-8")
        assert copy.split("\n")[0] == page.read_text(encoding="utf-8").split("\n")[0]  # the title
        assert "[^" not in copy and "{cite" not in copy and "{term" not in copy
        texts += copy.split("\n\n")[1:]
    assert [normalise_space(t) for t in texts] == [normalise_space(p.text) for p in body_paragraphs()]


#: A page with every kind of markup the same-pages yardstick changes, and what it must become.
EDITION_PAGE = """\
# Glossary

(p1)=
The {term}`Taliban` met the {term}`envoys <special-representative>` {cite:p}`tass2025a,ria2025b`.
See {doc}`the sources <bibliography>` and [the index](citation-index.md).

```{bibliography}
```

:::{glossary-entries}
:::

:::{glossary}
Taliban
  An Afghan movement {cite:p}`guardian1996kabul`.
:::
"""
BARE_PAGE = """\
# Glossary

(p1)=
The Taliban met the envoys.
See the sources and [the index](citation-index.md).



:::{glossary}
Taliban
  An Afghan movement.
:::
"""


def test_a_bare_page_keeps_the_text_of_its_roles_and_no_edition_directive() -> None:
    assert bare_page(EDITION_PAGE) == BARE_PAGE


def test_same_pages_yardstick_has_every_page_bare_and_myst_with_the_theme_only(tmp_path: Path) -> None:
    yardstick = write_same_pages(tmp_path / "same-pages")
    pages = sorted(p.relative_to(ROOT) for folder in ("docs", "glossary") for p in (ROOT / folder).rglob("*.md"))
    assert sorted(p.relative_to(yardstick) for p in yardstick.rglob("*.md")) == pages
    for page in pages:
        assert not re.search(r"\{(?:term|cite|doc|ref)[:a-z]*\}`|\{bibliography\}|\{citation-index\}",
                             (yardstick / page).read_text(encoding="utf-8")), page
    conf = (yardstick / "conf.py").read_text(encoding="utf-8")
    assert re.search(r'^extensions = \["myst_parser"\]$', conf, re.M)
    assert 'myst_enable_extensions = ["colon_fence", "deflist"]' in conf
    assert 'html_theme = "sphinx_book_theme"' in conf


def test_editing_an_annotation_changes_one_line_each_time(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "edition")
    before = {p: p.read_text(encoding="utf-8") for p in (project / "docs").glob("*.md")}
    edited = edit_one_annotation(project, 1)
    edit_one_annotation(project, 2)
    after = edited.read_text(encoding="utf-8").split("\n")
    old = before[edited].split("\n")
    # Not strict: a changed line count is reported by the assert below, not by zip.
    changed = [i for i, (a, b) in enumerate(zip(old, after, strict=False)) if a != b]
    assert len(changed) == 1 and len(old) == len(after)
    assert after[changed[0]] == old[changed[0]] + " Revision 2."
    assert after[changed[0]].startswith("    ")  # inside a footnote's body
    assert all(p.read_text(encoding="utf-8") == text for p, text in before.items() if p != edited)


VOLUME_PAGE = """\
# Background

(p2)=
Text with a term {term}`Moscow Format` and {term}`the format <Moscow Format>`.[^note]
See {ref}`the second paragraph <p2>`, [the glossary](../glossary/moscow-format.md#use),
[the list](bibliography.md), {doc}`introduction` and [a source](https://example.org/a#b).
Back to [the paragraph](#p2) or [the top](#background).

[^note]: **Context.**
    Cited {cite:p}`{see}lbci2025court{p. 3},unknown2020key`.

:::{glossary}
:sorted:
Moscow Format
    A format.
:::
"""

VOLUME_PAGE_REWRITTEN = """\
# Background

(v002-p2)=
Text with a term {term}`Moscow Format <Moscow Format (v002)>` and {term}`the format <Moscow Format (v002)>`.[^note]
See {ref}`the second paragraph <v002-p2>`, [the glossary](/glossary/v002/moscow-format.md#v002-use),
[the list](/docs/bibliography.md), {doc}`/docs/volumes/v002/introduction` and [a source](https://example.org/a#b).
Back to [the paragraph](#v002-p2) or [the top](#background).

[^note]: **Context.**
    Cited {cite:p}`{see}lbci2025courtxaac{p. 3},unknown2020key`.

:::{glossary}
:sorted:
Moscow Format (v002)
    A format.
:::
"""


def test_a_volume_gets_its_own_labels_terms_keys_and_links(tmp_path: Path) -> None:
    docs, glossary = tmp_path / "docs", tmp_path / "glossary"
    copies = {
        docs / "background.md": docs / "volumes" / "v002" / "background.md",
        docs / "introduction.md": docs / "volumes" / "v002" / "introduction.md",
        glossary / "moscow-format.md": glossary / "v002" / "moscow-format.md",
    }
    volume = _Volume(2, {"p2", "use"}, {"moscow format"}, {"lbci2025court"}, copies, tmp_path)
    assert volume.rewrite(VOLUME_PAGE, docs / "background.md") == VOLUME_PAGE_REWRITTEN
    assert glossary_terms(VOLUME_PAGE) == ["Moscow Format"]


@pytest.fixture(scope="module")
def synthetic_3x(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """The edition as it stands and a copy made three times as large."""
    real = edition_size(ROOT)
    project = copy_project(tmp_path_factory.mktemp("synthetic") / "edition")
    size, note = write_synthetic(project, 3)
    return project, real, size, note


def test_synthetic_edition_multiplies_every_part(synthetic_3x) -> None:
    project, real, size, note = synthetic_3x
    assert note == "", "the benchmark must learn how the glossary defines its terms"
    assert size.annotations == 3 * real.annotations > 0
    assert size.bibliography_entries == 3 * real.bibliography_entries
    assert size.glossary_terms == 3 * real.glossary_terms
    article = len(article_pages(project / "docs" / "index.md"))
    folder = ROOT / "glossary"
    glossary = [p for p in folder.glob("*.md") if p.stem != "index"] if folder.is_dir() else []
    # Two more volumes, each with the article's pages, the glossary's entries
    # and its contents page; one group page; the page that lists the groups.
    assert size.pages == real.pages + 2 * (article + len(glossary) + 1) + 2
    volume = project / "docs" / "volumes" / "v003"
    notes = [FOOTNOTE_DEFINITION.findall(p.read_text(encoding="utf-8")) for p in volume.glob("*.md")]
    assert sum(map(len, notes)) == real.annotations


def test_synthetic_edition_builds_strictly_and_passes_the_check(synthetic_3x, tmp_path: Path) -> None:
    project = synthetic_3x[0]
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "-q",
               str(project), str(tmp_path / "html")]
    result = subprocess.run(command, capture_output=True, text=True, cwd=project)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "html" / "docs" / "volumes" / "v003" / "introduction.html").exists()
    check = subprocess.run([sys.executable, "-m", "edition_tools.check.run"], capture_output=True, text=True,
                           cwd=project)
    assert check.returncode == 0, check.stdout


def test_measured_commands_may_cache_bytecode_whatever_the_shell_says() -> None:
    measured = measured_environment({"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/bin"})
    assert measured == {"PATH": "/bin"}

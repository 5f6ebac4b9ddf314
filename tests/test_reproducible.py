"""Reproducible and parallel builds: the same sources give the same bytes.

Two clean serial builds of the work tree, into two folders, and a clean
``-j 2`` build must write byte-identical HTML pages (nothing is normalised):
no build date, random id, absolute path or parallel merge order may leak into
a page. A rebuild with nothing changed must read and write no page and must
not find the configuration changed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Build, sphinx_build

from edition_tools.bench.benchmark import configuration_changed, pages_read, pages_written
from edition_tools.ext.precompress import write_copies


@pytest.fixture(scope="module")
def serial_builds(html_build: Build, tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Build]:
    """Two clean serial builds into two folders: the session's and one more."""
    second = sphinx_build(tmp_path_factory.mktemp("serial-b"))
    assert second.returncode == 0, second.stderr
    return html_build, second


def html_files(outdir: Path) -> dict[str, bytes]:
    """Every ``.html`` file of a build, by path relative to the output folder."""
    return {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in sorted(outdir.rglob("*.html"))
        if ".doctrees" not in path.parts
    }


def differing(first: Path, second: Path) -> list[str]:
    """Paths of the HTML files that differ, or exist in one build only."""
    a, b = html_files(first), html_files(second)
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def test_two_clean_builds_give_byte_identical_html(serial_builds: tuple[Build, Build]) -> None:
    first, second = serial_builds
    assert len(html_files(first.outdir)) > 10
    assert differing(first.outdir, second.outdir) == []


def test_parallel_build_gives_the_same_html_as_the_serial_build(
    serial_builds: tuple[Build, Build], parallel_build: Build
) -> None:
    # Annotation ids, paragraph anchors, citations and every backlink
    # included; the glossary, the citation index and the general index, which
    # merge what each process read, too, and the search index.
    assert "WARNING" not in parallel_build.stderr
    assert differing(serial_builds[0].outdir, parallel_build.outdir) == []
    serial_index, parallel_index = (run.outdir / "searchindex.js" for run in (serial_builds[0], parallel_build))
    assert parallel_index.read_bytes() == serial_index.read_bytes()


def test_no_page_carries_the_path_of_its_build(serial_builds: tuple[Build, Build]) -> None:
    first = serial_builds[0]
    leaking = [name for name, data in html_files(first.outdir).items() if str(first.outdir).encode() in data]
    assert leaking == []


def test_no_op_rebuild_reads_and_writes_nothing(serial_builds: tuple[Build, Build]) -> None:
    clean = serial_builds[1]
    assert pages_read(clean.stderr) > 5 and not configuration_changed(clean.stderr)
    search_index = (clean.outdir / "searchindex.js").read_bytes()
    assert b'"indexentries":{"' in search_index
    again = sphinx_build(clean.outdir)
    assert again.returncode == 0, again.stderr
    # The themes used to change config values as they started, so that every
    # rebuild reported "The configuration has changed" (see conf.py).
    assert not configuration_changed(again.stderr), again.stderr
    assert (pages_read(again.stderr), pages_written(again.stderr)) == (0, 0)
    # Sphinx would write the search index again without its index entries
    # (edition_tools/search_index.py).
    assert (clean.outdir / "searchindex.js").read_bytes() == search_index


def test_clean_builds_give_byte_identical_compressed_copies(
    serial_builds: tuple[Build, Build], parallel_build: Build, tmp_path: Path,
) -> None:
    # Copies of the first serial build and of the parallel one, compressed as
    # make dist does: the builds themselves are shared with tests that read
    # them as make html leaves them (no .gz), and the second serial build is
    # rebuilt in place by the no-op test.
    sites = []
    for name, run in (("serial", serial_builds[0]), ("parallel", parallel_build)):
        site = tmp_path / name
        shutil.copytree(run.outdir, site, ignore=shutil.ignore_patterns(".doctrees"))
        write_copies(site)
        sites.append(site)
    first, second = (
        {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*.gz"))}
        for site in sites
    )
    assert len(first) > 20 and first == second

"""Reproducible and parallel builds: the same sources give the same bytes.

Two clean serial builds of the work tree, into two folders, and a clean
``-j 2`` build must write byte-identical HTML pages (nothing is normalised):
no build date, random id, absolute path or parallel merge order may leak into
a page. A rebuild with nothing changed must read and write no page and must
not find the configuration changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from edition_tools.bench.benchmark import configuration_changed, pages_read, pages_written
from edition_tools.ext.precompress import write_copies

ROOT = Path(__file__).resolve().parent.parent
#: A fixed build time: 11 June 2025, the article's date.
SOURCE_DATE_EPOCH = "1749600000"


@dataclass
class Run:
    outdir: Path
    returncode: int
    output: str


def build(outdir: Path, *options: str) -> Run:
    """A strict HTML build of the work tree into ``outdir``, its output kept."""
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n",
        "-d", str(outdir / ".doctrees"), *options, str(ROOT), str(outdir),
    ]
    env = os.environ | {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    return Run(outdir, result.returncode, result.stdout + result.stderr)


@pytest.fixture(scope="session")
def serial_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    """Two clean serial builds into two folders."""
    first = build(tmp_path_factory.mktemp("serial-a"))
    second = build(tmp_path_factory.mktemp("serial-b"))
    assert first.returncode == 0, first.output
    assert second.returncode == 0, second.output
    return first, second


@pytest.fixture(scope="session")
def parallel_build(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A clean build with two processes."""
    run = build(tmp_path_factory.mktemp("parallel"), "-j", "2")
    assert run.returncode == 0, run.output
    return run


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


def test_two_clean_builds_give_byte_identical_html(serial_builds: tuple[Run, Run]) -> None:
    first, second = serial_builds
    assert len(html_files(first.outdir)) > 10
    assert differing(first.outdir, second.outdir) == []


def test_parallel_build_gives_the_same_html_as_the_serial_build(
    serial_builds: tuple[Run, Run], parallel_build: Run
) -> None:
    # Annotation ids, paragraph anchors, citations and every backlink included.
    assert "WARNING" not in parallel_build.output
    assert differing(serial_builds[0].outdir, parallel_build.outdir) == []


def test_no_page_carries_the_path_of_its_build(serial_builds: tuple[Run, Run]) -> None:
    first = serial_builds[0]
    leaking = [name for name, data in html_files(first.outdir).items() if str(first.outdir).encode() in data]
    assert leaking == []


def test_no_op_rebuild_reads_and_writes_nothing(serial_builds: tuple[Run, Run]) -> None:
    clean = serial_builds[1]
    assert pages_read(clean.output) > 5 and not configuration_changed(clean.output)
    search_index = (clean.outdir / "searchindex.js").read_bytes()
    assert b'"indexentries":{"' in search_index
    again = build(clean.outdir)
    assert again.returncode == 0, again.output
    # The themes used to change config values as they started, so that every
    # rebuild reported "The configuration has changed" (see conf.py).
    assert not configuration_changed(again.output), again.output
    assert (pages_read(again.output), pages_written(again.output)) == (0, 0)
    # Sphinx would write the search index again without its index entries
    # (edition_tools/search_index.py).
    assert (clean.outdir / "searchindex.js").read_bytes() == search_index


def test_clean_builds_give_byte_identical_compressed_copies(
    serial_builds: tuple[Run, Run], parallel_build: Run,
) -> None:
    # The first serial build and the parallel one: the second serial build
    # is rebuilt in place by the no-op test.
    for run in (serial_builds[0], parallel_build):
        write_copies(run.outdir)  # as make dist does
    first, second = (
        {path.relative_to(run.outdir).as_posix(): path.read_bytes()
         for path in sorted(run.outdir.rglob("*.gz"))}
        for run in (serial_builds[0], parallel_build)
    )
    assert len(first) > 20 and first == second

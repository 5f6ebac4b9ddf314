"""Shared fixtures: each build of the whole edition is made once per test run.

A build of the edition takes tens of seconds, so every test that reads the
built site reads the same one. Under pytest-xdist (``make test`` runs two
workers) a session fixture would run once per worker; :func:`shared_build`
makes the build once for the whole run instead: the first worker that needs
it builds it, under a file lock in the run's common temporary folder, and the
others wait for it and read the same folder. Builds shared this way are read,
never changed, by the tests.

Extension behaviour that needs no whole edition is tested on the small
projects in ``tests/roots/`` with Sphinx's own fixtures (``app``,
``make_app``, the ``sphinx`` mark): ``rootdir`` below points them there.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

pytest_plugins = ("sphinx.testing.fixtures",)

ROOT = Path(__file__).resolve().parent.parent
#: Where the small Sphinx projects of the extension tests live (``test-<name>``).
ROOTS = ROOT / "tests" / "roots"
#: A fixed build time: 11 June 2025, the article's date. Every build of the
#: edition a test makes uses it, so that two builds can be compared byte for byte.
SOURCE_DATE_EPOCH = "1749600000"

# Tests read what sphinx-build prints; Sphinx colours it whenever CI=true is
# set, as it is in CI. Every build a test starts inherits this.
os.environ["NO_COLOR"] = "1"


@dataclass
class Build:
    """A finished Sphinx build: where it is and what it printed (both streams)."""

    outdir: Path
    returncode: int
    stderr: str


def sphinx_build(outdir: Path, *options: str, builder: str = "html", srcdir: Path = ROOT,
                 source_date_epoch: str = SOURCE_DATE_EPOCH) -> Build:
    """Run sphinx-build strictly, as ``make html`` does, from ``srcdir`` into ``outdir``.

    The doctrees go beside the output, in ``outdir/.doctrees``, unless
    ``options`` name another folder with ``-d``. The build's time is
    ``source_date_epoch`` (by default the fixed one above).
    """
    doctrees = [] if "-d" in options else ["-d", str(outdir / ".doctrees")]
    command = [
        sys.executable, "-m", "sphinx", "-b", builder, "-W", "--keep-going", "-n",
        *doctrees, *options, str(srcdir), str(outdir),
    ]
    env = os.environ | {"SOURCE_DATE_EPOCH": source_date_epoch}
    result = subprocess.run(command, capture_output=True, text=True, cwd=srcdir, env=env)
    return Build(outdir, result.returncode, result.stdout + result.stderr)


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole run, common to every xdist worker."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def run_lock(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """Hold the run-wide lock called ``name``; yield the folder that goes with it."""
    folder = run_folder(tmp_path_factory) / name
    with open(run_folder(tmp_path_factory) / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def shared(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Build]) -> Build:
    """The build called ``name``, made by ``make(folder)`` once for the whole run."""
    with run_lock(tmp_path_factory, name) as folder:
        record = folder.with_suffix(".json")
        if record.exists():
            fields = json.loads(record.read_text(encoding="utf-8"))
            return Build(Path(fields["outdir"]), fields["returncode"], fields["stderr"])
        folder.mkdir()
        build = make(folder)
        record.write_text(json.dumps(asdict(build) | {"outdir": str(build.outdir)}), encoding="utf-8")
        return build


def shared_build(tmp_path_factory: pytest.TempPathFactory, name: str, *options: str, builder: str = "html") -> Build:
    """A strict build of the edition with ``options``, made once for the whole run."""
    return shared(tmp_path_factory, name, lambda folder: sphinx_build(folder, *options, builder=builder))


#: Modules whose tests share an expensive fixture of their own (a module
#: fixture, or a build only they read). Under pytest-xdist each goes whole to
#: one worker, so that the fixture is made once; every other test goes
#: wherever a worker is free. (xdist's own ``xdist_group`` mark does not group
#: under pytest 9: it renames node ids in a way pytest no longer reads.)
ONE_WORKER_MODULES = (
    "tests/test_untrusted_content.py",  # a build of the edition with unsafe content
    "tests/test_pdf.py",  # the PDF, read run by run
    "tests/test_benchmark.py",  # a synthetic edition three times the size
    "tests/test_reproducible.py",  # a second serial build, then a no-op rebuild of it
    "tests/browser/test_previews.py",  # the walks with Tab through each page, made once
    "tests/test_check_promise.py",  # a build of the passing fixtures
    "tests/test_precompress.py",  # a compressed copy of the site
    "tests/test_latex_edition.py",  # the LaTeX of a small book
)


# Optional: ``-p no:xdist`` (one process, in order) must still load this file.
@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Schedule as ``--dist load`` does, but each of :data:`ONE_WORKER_MODULES` whole.

    xdist hands out the largest units first, so these modules, slow to set
    up, start at once on both workers instead of leaving one worker alone at
    the end.
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModulesWhole(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in ONE_WORKER_MODULES else nodeid

    return ModulesWhole(config, log)


@pytest.fixture(scope="session")
def html_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A clean strict HTML build of the edition, shared by the whole run."""
    build = shared_build(tmp_path_factory, "html")
    assert build.returncode == 0, build.stderr
    return build


@pytest.fixture(scope="session")
def html_dir(html_build: Build) -> Path:
    """The output folder of :func:`html_build`."""
    return html_build.outdir


@pytest.fixture(scope="session")
def parallel_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A clean strict HTML build of the edition with two processes (``-j 2``)."""
    build = shared_build(tmp_path_factory, "html-parallel", "-j", "2")
    assert build.returncode == 0, build.stderr
    return build


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Sphinx's ``app`` fixture finds ``@pytest.mark.sphinx(testroot="x")`` in ``tests/roots/test-x``."""
    return ROOTS


def build_root(folder: Path, testroot: str, builder: str = "html") -> SphinxTestApp:
    """Build a copy of ``tests/roots/test-<testroot>`` in ``folder``, in this process.

    For a build that several tests read (a module fixture), where Sphinx's
    function-scoped ``app`` would build it once per test. Fails on any warning.
    """
    srcdir = folder / testroot
    shutil.copytree(ROOTS / f"test-{testroot}", srcdir)
    app = SphinxTestApp(builder, srcdir=srcdir, status=StringIO(), warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.warning.getvalue() == "", app.warning.getvalue()
    return app

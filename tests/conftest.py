"""Shared fixtures: one strict HTML build of the edition per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Tests read what sphinx-build prints; Sphinx colours it whenever CI=true is
# set, as it is in CI. Every build a test starts inherits this.
os.environ["NO_COLOR"] = "1"


@dataclass
class Build:
    """A finished Sphinx build: where it is and what it printed."""

    outdir: Path
    returncode: int
    stderr: str


def sphinx_build(outdir: Path, *options: str, builder: str = "html") -> Build:
    """Run sphinx-build strictly, as ``make html`` does, into ``outdir``."""
    command = [
        sys.executable, "-m", "sphinx", "-b", builder, "-W", "--keep-going", "-n", "-q",
        *options, str(ROOT), str(outdir),
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    return Build(outdir, result.returncode, result.stderr)


@pytest.fixture(scope="session")
def html_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A clean strict HTML build of the edition, shared by the session."""
    outdir = tmp_path_factory.mktemp("html")
    build = sphinx_build(outdir, "-d", str(outdir / ".doctrees"))
    assert build.returncode == 0, build.stderr
    return build


@pytest.fixture(scope="session")
def html_dir(html_build: Build) -> Path:
    """The output folder of :func:`html_build`."""
    return html_build.outdir

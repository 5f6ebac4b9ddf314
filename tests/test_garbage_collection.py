"""A build runs the cycle collector less often and gives the old pace back (edition_tools/ext/garbage_collection.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from edition_tools.ext.garbage_collection import BUILD_THRESHOLDS, build_thresholds


@pytest.fixture
def thresholds() -> Iterator[None]:
    """Whatever a test sets, the process's thresholds are the same after it."""
    kept = gc.get_threshold()
    yield
    gc.set_threshold(*kept)


def _project(folder: Path, fail: bool = False) -> tuple[SphinxTestApp, list[tuple[int, ...]]]:
    """A one-page project with the extension, and the thresholds seen while each page is read."""
    (folder / "conf.py").write_text('extensions = ["edition_tools.ext.garbage_collection"]\n', encoding="utf-8")
    (folder / "index.rst").write_text("Title\n=====\n\nA paragraph.\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=folder, status=StringIO(), warning=StringIO())
    seen: list[tuple[int, ...]] = []

    def note(app: SphinxTestApp, doctree: object) -> None:
        seen.append(gc.get_threshold())
        if fail:
            raise RuntimeError("a page failed")

    app.connect("doctree-read", note)
    return app, seen


def test_the_build_raises_the_thresholds_and_restores_them(tmp_path: Path, thresholds: None) -> None:
    gc.set_threshold(700, 10, 10)
    app, seen = _project(tmp_path)
    try:
        app.build()
    finally:
        app.cleanup()
    assert seen == [BUILD_THRESHOLDS]
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.isenabled()


def test_a_failed_build_restores_them_too(tmp_path: Path, thresholds: None) -> None:
    gc.set_threshold(700, 10, 10)
    app, seen = _project(tmp_path, fail=True)
    try:
        with pytest.raises(Exception, match="a page failed"):
            app.build()
    finally:
        app.cleanup()
    assert seen == [BUILD_THRESHOLDS]
    assert gc.get_threshold() == (700, 10, 10)


def test_higher_thresholds_are_kept_and_an_off_generation_stays_off(tmp_path: Path, thresholds: None) -> None:
    assert build_thresholds((700, 10, 10)) == BUILD_THRESHOLDS
    assert build_thresholds((100_000, 5, 1_000)) == (100_000, 20, 1_000)
    assert build_thresholds((0, 10, 10)) == (0, 20, 100)
    gc.set_threshold(100_000, 5, 1_000)
    app, seen = _project(tmp_path)
    try:
        app.build()
    finally:
        app.cleanup()
    assert seen == [(100_000, 20, 1_000)]
    assert gc.get_threshold() == (100_000, 5, 1_000)

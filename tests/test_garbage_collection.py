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


def _build(folder: Path, seen: list[tuple[int, ...]], fail: bool = False) -> None:
    """Build a one-page project with the extension, noting in ``seen`` the thresholds while each page is read."""
    (folder / "conf.py").write_text('extensions = ["edition_tools.ext.garbage_collection"]\n', encoding="utf-8")
    (folder / "index.rst").write_text("Title\n=====\n\nA paragraph.\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=folder, status=StringIO(), warning=StringIO())

    def note(app: SphinxTestApp, doctree: object) -> None:
        seen.append(gc.get_threshold())
        if fail:
            raise RuntimeError("a page failed")

    app.connect("doctree-read", note)
    try:
        app.build()
    finally:
        app.cleanup()


def test_the_build_raises_the_thresholds_and_restores_them(tmp_path: Path, thresholds: None) -> None:
    gc.set_threshold(700, 10, 10)
    seen: list[tuple[int, ...]] = []
    _build(tmp_path, seen)
    assert seen == [BUILD_THRESHOLDS]
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.isenabled()


def test_a_failed_build_restores_them_too(tmp_path: Path, thresholds: None) -> None:
    gc.set_threshold(700, 10, 10)
    seen: list[tuple[int, ...]] = []
    with pytest.raises(Exception, match="a page failed"):
        _build(tmp_path, seen, fail=True)
    assert seen == [BUILD_THRESHOLDS]
    assert gc.get_threshold() == (700, 10, 10)


def test_higher_thresholds_are_kept_and_an_off_generation_stays_off(tmp_path: Path, thresholds: None) -> None:
    assert build_thresholds((700, 10, 10)) == BUILD_THRESHOLDS
    assert build_thresholds((100_000, 5, 1_000)) == (100_000, 20, 1_000)
    assert build_thresholds((0, 10, 10)) == (0, 20, 100)
    gc.set_threshold(100_000, 5, 1_000)
    seen: list[tuple[int, ...]] = []
    _build(tmp_path, seen)
    assert seen == [(100_000, 20, 1_000)]
    assert gc.get_threshold() == (100_000, 5, 1_000)

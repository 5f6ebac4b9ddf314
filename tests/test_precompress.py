"""Precompressed copies: ``make dist`` gives every text file of the site a faithful ``.gz``."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from edition_tools.ext.precompress import MIN_SIZE, gzip_bytes, main, text_files, write_copies


@pytest.fixture(scope="module")
def dist_dir(html_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built site, compressed as ``make dist`` does."""
    site = tmp_path_factory.mktemp("dist") / "html"
    shutil.copytree(html_dir, site)
    assert main([str(site)]) == 0
    return site


def test_make_html_writes_no_copies(html_dir: Path) -> None:
    # They are the host's business (make dist), not a preview's.
    assert not list(html_dir.rglob("*.gz"))


def test_every_text_file_has_a_gzip_copy_that_decompresses_to_it(dist_dir: Path) -> None:
    files = text_files(dist_dir)
    names = {path.relative_to(dist_dir).as_posix() for path in files}
    assert {"docs/introduction.html", "searchindex.js", "_static/edition.css",
            "_static/icons.css", "_static/previews.js"} <= names
    for path in files:
        copy = path.with_name(path.name + ".gz")
        assert gzip.decompress(copy.read_bytes()) == path.read_bytes(), copy


def test_copies_carry_no_time_or_name_and_a_second_run_rewrites_none(dist_dir: Path) -> None:
    header = (dist_dir / "docs/introduction.html.gz").read_bytes()[:10]
    # RFC 1952: flags byte 3 (no FNAME bit), MTIME bytes 4-7.
    assert header[:3] == b"\x1f\x8b\x08" and header[3] & 0x08 == 0
    assert header[4:8] == b"\0\0\0\0"
    assert write_copies(dist_dir) == 0


def test_a_missing_site_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "html")]) == 2
    assert "no such folder; build the site first (make html)" in capsys.readouterr().err


def test_only_text_files_of_some_size_outside_hidden_folders_are_compressed(tmp_path: Path) -> None:
    big = "x" * MIN_SIZE
    for name in ("page.html", "a/style.css", "a/icon.svg", ".doctrees/env.html", "small.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(big if name != "small.js" else "x", encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"\0" * 2 * MIN_SIZE)
    assert write_copies(tmp_path) == 3
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.gz")) == [
        "a/icon.svg.gz", "a/style.css.gz", "page.html.gz"]
    (tmp_path / "page.html").write_text(big + "y", encoding="utf-8")
    assert write_copies(tmp_path) == 1


def test_the_same_bytes_always_compress_to_the_same_bytes() -> None:
    data = "¶1 Russia and the Taliban. ".encode() * 100
    assert gzip_bytes(data) == gzip_bytes(data)
    assert gzip.decompress(gzip_bytes(data)) == data

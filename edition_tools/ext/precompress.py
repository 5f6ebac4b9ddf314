"""Precompressed copies of the site's text files, for hosts that serve them.

After an HTML build, every text file of the output (pages, stylesheets,
scripts, SVG, JSON and the search index) gets a gzip copy beside it,
``page.html.gz``, which a web server can send as it is to a browser that
accepts gzip (nginx ``gzip_static``, Apache's ``MultiViews``, most static
hosts) instead of compressing each answer again.

The copies are reproducible: gzip's header carries neither a file name nor a
time (``mtime=0``), so the same file always gives the same bytes. A copy is
rewritten only when its bytes would change, so a no-op rebuild writes
nothing. Brotli copies are not made: no library of the Sphinx ecosystem
writes them, and gzip is what every host and browser understands.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from sphinx.application import Sphinx
from edition_tools.ext import builds_site, extension

#: File endings of the output that are text and worth compressing.
TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".svg", ".json", ".txt", ".xml"})
#: Smaller files gain nothing: headers and a round trip cost more.
MIN_SIZE = 256


def gzip_bytes(data: bytes) -> bytes:
    """Compress ``data`` with gzip at the highest level, without name or time."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(data)
    return buffer.getvalue()


def text_files(outdir: Path) -> list[Path]:
    """The files under ``outdir`` that get a compressed copy, in sorted order."""
    return sorted(
        path for path in outdir.rglob("*")
        if path.suffix in TEXT_SUFFIXES and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(outdir).parts)
        and path.stat().st_size >= MIN_SIZE
    )


def write_copies(outdir: Path) -> int:
    """Write ``NAME.gz`` beside each text file of ``outdir``; return how many changed."""
    changed = 0
    for path in text_files(outdir):
        copy = path.with_name(path.name + ".gz")
        compressed = gzip_bytes(path.read_bytes())
        if copy.is_file() and copy.read_bytes() == compressed:
            continue
        copy.write_bytes(compressed)
        changed += 1
    return changed


def compress_output(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: compress the HTML output of a successful build."""
    if exception is None and builds_site(app.builder):
        write_copies(Path(app.outdir))


@extension
def setup(app: Sphinx) -> None:
    """Compress the text files of the HTML output once the build is done."""
    # Last of the build-finished handlers: pydata-sphinx-theme rewrites
    # pygments.css in its own (at the default priority, 500).
    app.connect("build-finished", compress_output, priority=900)

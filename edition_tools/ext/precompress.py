"""Precompressed copies of the site's text files, for hosts that serve them.

``make dist`` (the step that prepares the site for a host, which CI runs
before it keeps the site) runs ``python -m edition_tools.ext.precompress
_build/html`` after the HTML build: every text file of the output (pages, stylesheets,
scripts, SVG, JSON and the search index) gets a gzip copy beside it,
``page.html.gz``, which a web server can send as it is to a browser that
accepts gzip (nginx ``gzip_static``, Apache's ``MultiViews``, most static
hosts) instead of compressing each answer again.

The copies are reproducible: gzip's header carries neither a file name nor a
time (``mtime=0``), so the same file always gives the same bytes. A copy is
rewritten only when its bytes would change, so a no-op rebuild writes
nothing. Brotli copies are not made: no library of the Sphinx ecosystem
writes them, and gzip is what every host and browser understands.

It is not part of ``make html``: compressing every file at the highest level
cost about a tenth of a clean build, and a contributor previewing the site
from disk never reads the copies. ``sphinx-build -D edition_precompress=1``
still makes them at the end of a build, for a host that builds with Sphinx
alone.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from collections.abc import Sequence
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
    """``build-finished``: compress the HTML output of a successful build, when asked to."""
    if exception is None and app.config.edition_precompress and builds_site(app.builder):
        write_copies(Path(app.outdir))


@extension
def setup(app: Sphinx) -> None:
    """Offer the copies at the end of a build (``-D edition_precompress=1``); off by default."""
    # No rebuild when it changes: the copies follow the output, not the pages.
    app.add_config_value("edition_precompress", False, "", types=frozenset({bool, int}))
    # Last of the build-finished handlers: pydata-sphinx-theme rewrites
    # pygments.css in its own (at the default priority, 500).
    app.connect("build-finished", compress_output, priority=900)


def main(argv: Sequence[str] | None = None) -> int:
    """Compress the text files of a built site; exit 2 if the folder is missing."""
    parser = argparse.ArgumentParser(prog="python -m edition_tools.ext.precompress",
                                     description="Write a gzip copy beside each text file of a built site.")
    parser.add_argument("site", type=Path, help="the HTML output, for example _build/html")
    args = parser.parse_args(argv)
    if not args.site.is_dir():
        print(f"{args.site}: no such folder; build the site first (make html)", file=sys.stderr)
        return 2
    changed = write_copies(args.site)
    print(f"{args.site}: {changed} compressed cop{'y' if changed == 1 else 'ies'} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the first paint of a page waits for (edition_tools/bench/reader.py), on small sites as data."""

from __future__ import annotations

import gzip
from pathlib import Path

from edition_tools.bench.reader import first_paint_bytes

HEAD = """<!DOCTYPE html><html><head><title>T</title>
<link rel="stylesheet" href="_static/a.css?digest=1">
<link rel="stylesheet" href="_static/print.css" media="print">
<noscript><link rel="stylesheet" href="_static/later.css"></noscript>
<script src="_static/sync.js"></script>
<script defer src="_static/deferred.js"></script>
<script type="module" src="_static/module.js"></script>
</head>"""


def test_the_head_and_the_blocking_styles_and_scripts_are_counted(tmp_path: Path) -> None:
    (tmp_path / "_static").mkdir()
    for name in ("a.css", "print.css", "later.css", "sync.js", "deferred.js", "module.js"):
        (tmp_path / "_static" / name).write_text(f"/* {name} */" + "x" * 300, encoding="utf-8")
    (tmp_path / "page.html").write_text(HEAD + "<body><p>" + "words " * 2000 + "</p></body></html>",
                                        encoding="utf-8")
    expected = len(gzip.compress(HEAD.encode("utf-8"), 9)) + sum(
        len(gzip.compress((tmp_path / "_static" / name).read_bytes(), 9)) for name in ("a.css", "sync.js"))
    assert first_paint_bytes(tmp_path, "page.html") == expected

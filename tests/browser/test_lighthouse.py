"""Lighthouse 12 on the built edition, as the reader section of ``make bench`` runs it.

What is asserted here does not depend on timing: the accessibility,
best-practices and SEO audits pass in full, and nothing moves once drawn
(cumulative layout shift). The performance score and the paint times are
figures of ``make bench``, which compares them with the bare baseline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edition_tools.bench import reader as reader_bench

from .browser_support import missing

#: The cover, and the page with the most annotations, previews and glossary links.
PAGES = ["docs/index.html", "docs/background.html"]


@pytest.fixture(scope="module")
def served(site_url: str) -> str:
    reason = reader_bench.missing_tools()
    if reason:
        missing(reason)
    return site_url


@pytest.mark.parametrize("path", PAGES)
def test_lighthouse_finds_nothing_to_fix_but_speed(served: str, path: str, tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    found = reader_bench.run_lighthouse(served + path, output)
    report = json.loads(output.read_text(encoding="utf-8"))
    assert report["lighthouseVersion"].startswith("12.")
    assert report["configSettings"]["formFactor"] == "mobile"
    assert found.failing == {}, f"{path}: failing audits {found.failing}"
    assert {c: found.scores[c] for c in ("accessibility", "best-practices", "seo")} == {
        "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
    assert found.cls < reader_bench.CLS_BELOW
    # Everything the page asked for came from the site itself.
    requests = report["audits"]["network-requests"]["details"]["items"]
    assert requests and all(item["url"].startswith((served, "data:")) for item in requests), path

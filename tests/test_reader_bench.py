"""The reader section of ``make bench`` (edition_tools/reader_bench.py), without a browser.

Lighthouse's figures depend on the machine; what is tested here is what they
are read from (reports of Lighthouse 12, cut down, in fixtures/lighthouse),
how they are set against the targets and tabled, the server the sites are
audited through, and the pages that are paired. The run against a real
Chromium is tests/browser/test_lighthouse.py.
"""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from edition_tools.bench import reader as reader_bench
from edition_tools.bench.projects import write_baseline
from edition_tools.bench.reader import (
    Audit,
    PagePair,
    PageResult,
    evaluate,
    markdown_section,
    page_pairs,
    read_report,
)
from edition_tools.bench.site_server import serve

FIXTURES = Path(__file__).parent / "fixtures" / "lighthouse"


def report(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def audit(performance: float = 0.98, lcp_ms: float = 1800, cls: float = 0.0, sent: float = 120_000,
          seo: float = 1.0) -> Audit:
    scores = {"performance": performance, "accessibility": 1.0, "best-practices": 1.0, "seo": seo}
    return Audit(scores=scores, lcp_ms=lcp_ms, tbt_ms=10, cls=cls, bytes=sent)


def pair(name: str, mine: list[Audit], theirs: list[Audit]) -> tuple[PageResult, PageResult]:
    page = PagePair(name, f"docs/{name}.html", f"{name}.html")
    return PageResult("edition", page, mine), PageResult("baseline", page, theirs)


# -- Reading a report ---------------------------------------------------------------

def test_a_report_gives_the_scores_metrics_and_failing_audits() -> None:
    found = read_report(report("edition-introduction"))
    assert found.scores == {"performance": 0.98, "accessibility": 1.0, "best-practices": 1.0, "seo": 0.9}
    assert round(found.lcp_ms) == 1889
    assert found.cls == 0
    assert found.bytes == 126_989
    # The one weighted audit that failed: the page had no meta description.
    assert found.failing == {"seo": ["meta-description"]}
    baseline = read_report(report("baseline-introduction"))
    assert baseline.bytes == 782_536
    assert "best-practices" in baseline.failing


def test_a_report_without_a_score_or_with_an_error_is_refused() -> None:
    broken = report("edition-introduction")
    broken["categories"]["seo"]["score"] = None
    with pytest.raises(ValueError, match="no score for the category 'seo'"):
        read_report(broken, "x.json")
    broken = report("edition-introduction")
    del broken["audits"]["total-byte-weight"]
    with pytest.raises(ValueError, match="no value for the audit 'total-byte-weight'"):
        read_report(broken, "x.json")
    broken = report("edition-introduction")
    broken["runtimeError"] = {"code": "NO_FCP", "message": "The page did not paint any content."}
    with pytest.raises(ValueError, match=r"x\.json: Lighthouse failed: NO_FCP"):
        read_report(broken, "x.json")


# -- Targets and tables ---------------------------------------------------------------

def test_the_worst_page_decides_each_target() -> None:
    results = [
        pair("introduction", [audit(), audit(performance=0.96)], [audit(sent=800_000)] * 2),
        pair("background", [audit(lcp_ms=2100, sent=250_000), audit(lcp_ms=2300, sent=250_000)],
             [audit(sent=800_000)] * 2),
    ]
    targets = {t.what.removeprefix("reader: "): t for t in evaluate(results)}
    assert targets["performance score, every page"].measured == "0.97 (introduction)"
    assert targets["performance score, every page"].met is False  # 0.98 since the raised targets
    assert targets["largest contentful paint, every page"].measured == "2.20 s (background)"
    assert targets["largest contentful paint, every page"].met is False
    assert targets["bytes transferred, edition / baseline page"].measured == "0.31 (background)"
    assert targets["bytes transferred, edition / baseline page"].met is False
    assert targets["cumulative layout shift, every page"].measured == "0.000 (every page)"
    assert targets["cumulative layout shift, every page"].met is True


def test_a_page_without_figures_leaves_its_targets_unmeasured() -> None:
    results = [pair("introduction", [audit()], [audit()]), pair("background", [], [audit()])]
    for target in evaluate(results):
        assert (target.measured, target.met) == ("not measured", None), target.what
    assert all(target.met is None for target in evaluate([]))


def test_the_table_shows_both_sites_side_by_side() -> None:
    results = [pair("introduction", [audit(sent=102_400)], [audit(performance=0.7, sent=409_600)])]
    results[0][0].errors.append("Lighthouse exited with status 1 on http://x/\nmore")
    section = markdown_section(results, 1, "12.8.2")
    assert "| introduction | edition | 0.98 | 1.00 | 1.00 | 1.00 | 1.80 | 10 | 0.000 | 100 | 0.25 |" in section
    assert "| introduction | baseline | 0.70 | 1.00 | 1.00 | 1.00 | 1.80 | 10 | 0.000 | 400 |  |" in section
    assert "- edition introduction: Lighthouse exited with status 1 on http://x/" in section


# -- Serving and pairing ----------------------------------------------------------------

def test_the_server_sends_gzip_when_asked(tmp_path: Path) -> None:
    text = "<!DOCTYPE html><title>t</title>" + "<p>The same words again.</p>" * 200
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.html").write_text(text, encoding="utf-8")
    (tmp_path / "index.html").write_text("<p>root</p>", encoding="utf-8")
    with serve(tmp_path) as url:
        request = urllib.request.Request(url + "docs/page.html", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Content-Type"].startswith("text/html")
            body = response.read()
        assert gzip.decompress(body).decode("utf-8") == text
        assert len(body) < len(text) / 10
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == b"<p>root</p>"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "docs/none.html", timeout=10)
        assert missing.value.code == 404
        missing.value.close()


def test_each_edition_page_is_paired_with_the_baseline_page_of_the_same_text(tmp_path: Path) -> None:
    pairs = page_pairs()
    assert pairs[0] == PagePair("index", "docs/index.html", "index.html")
    baseline = write_baseline(tmp_path / "baseline")
    root = Path(__file__).resolve().parent.parent
    for page in pairs:
        assert (root / page.edition).with_suffix(".md").is_file(), page
        assert (baseline / page.baseline).with_suffix(".md").is_file(), page
    assert len(pairs) == len({page.name for page in pairs}) >= 6


def test_missing_tools_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_bench.shutil, "which", lambda name: None)
    assert reader_bench.missing_tools() == "Node.js not found (Debian package nodejs)"
    monkeypatch.setattr(reader_bench, "_node_version", lambda: (16, 20))
    assert "Node.js 16.20 is older" in reader_bench.missing_tools()
    monkeypatch.setattr(reader_bench, "_node_version", lambda: (20, 20))
    monkeypatch.setenv("CHROME_PATH", "/nonexistent/chromium")
    assert reader_bench.missing_tools() == (
        "/nonexistent/chromium not found (Debian package chromium, or set CHROME_PATH)"
    )


def test_lighthouse_is_pinned_to_version_12() -> None:
    package = json.loads((reader_bench.LIGHTHOUSE_DIR / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((reader_bench.LIGHTHOUSE_DIR / "package-lock.json").read_text(encoding="utf-8"))
    pinned = package["devDependencies"]["lighthouse"]
    assert pinned.split(".")[0] == "12" and pinned.count(".") == 2 and pinned[0].isdigit()
    assert lock["packages"]["node_modules/lighthouse"]["version"] == pinned
    # A dependency asked for as "latest" would make `npm ci` refuse the lock
    # file as soon as a newer release is published: each one is overridden.
    latest = {name for entry in lock["packages"].values()
              for name, wanted in entry.get("dependencies", {}).items() if wanted == "latest"}
    assert latest <= set(package.get("overrides", {}))
    for name, version in package.get("overrides", {}).items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_the_command_audits_the_four_categories_in_a_quiet_chromium(tmp_path: Path) -> None:
    command = reader_bench.lighthouse_command("http://127.0.0.1:1/docs/index.html", tmp_path / "r.json")
    assert command[1] == "http://127.0.0.1:1/docs/index.html"
    assert "--only-categories=performance,accessibility,best-practices,seo" in command
    flags = next(part for part in command if part.startswith("--chrome-flags="))
    assert "--disable-background-networking" in flags and "--headless=new" in flags
    # The default (mobile) profile: nothing that changes throttling or form factor.
    assert not any(
        part.startswith(("--preset", "--form-factor", "--throttling", "--screenEmulation")) for part in command
    )


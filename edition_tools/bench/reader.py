"""The reader section of ``make bench``: what a page costs a reader on a slow phone.

Both sites, the edition and the bare book-theme baseline of the same text
(:func:`.bench_projects.write_baseline`), are served on loopback with gzip
compression (:mod:`.site_server`). Lighthouse 12, pinned in
``edition_tools/lighthouse/package-lock.json``, audits the cover and every
article page of each site in Debian's Chromium (``CHROME_PATH``, by default
``/usr/bin/chromium``; never a downloaded browser), in its default mobile
profile: a mid-range phone on a simulated slow 4G connection.

The two sites' pages are audited in turn, page by page, so that a pair of
figures is always taken under the same load. For every page it reports the
four category scores, largest contentful paint, total blocking time,
cumulative layout shift and the bytes transferred, as medians over the runs.

Run alone as ``python -m edition_tools.bench.reader`` (it builds both sites
first), or as a section of ``python -m edition_tools.bench.benchmark``, which audits
the sites it has just built.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from edition_tools.bench.process_cost import Spread, Target, spread, targets_table
from edition_tools.bench.site_server import serve
from edition_tools.core.article import ROOT
from edition_tools.core.fidelity import COVER_PAGE, article_pages

LIGHTHOUSE_DIR = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
#: Lighthouse 12 asks for Node.js 18.16 or newer (its package's "engines").
NODE_MINIMUM = (18, 16)
DEFAULT_CHROME = "/usr/bin/chromium"
#: Chromium talks to nobody but the local server; root needs --no-sandbox.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: The audits read for the metrics, and the field of :class:`Audit` each fills.
METRICS = {
    "largest-contentful-paint": "lcp_ms",
    "total-blocking-time": "tbt_ms",
    "cumulative-layout-shift": "cls",
    "total-byte-weight": "bytes",
}

#: The issue's targets for every article page (Lighthouse 12, mobile, gzip), as raised
#: once the first targets held: the edition's page must paint well before the stock one.
MINIMUM_SCORES = {"performance": 0.98, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
MAXIMUM_BYTES_RATIO = 0.10
MAXIMUM_LCP_MS = 1300.0
#: Largest contentful paint of the edition's page over the baseline's, medians of the same run.
MAXIMUM_LCP_RATIO = 0.75
CLS_BELOW = 0.05
#: What the first paint waits for must come in the first round trip: TCP's initial
#: window of 10 segments of 1,460 bytes, about 14 KiB.
FIRST_ROUND_TRIP_BYTES = 14 * 1024


# -- What is needed ------------------------------------------------------------------

def chrome_path() -> str:
    """The Chromium Lighthouse drives: ``CHROME_PATH``, else Debian's."""
    return os.environ.get("CHROME_PATH") or DEFAULT_CHROME


def _node_version() -> tuple[int, ...] | None:
    node = shutil.which("node")
    if node is None:
        return None
    try:
        printed = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v(\d+)\.(\d+)", printed.strip())
    return tuple(int(part) for part in match.groups()) if match else None


def missing_tools() -> str | None:
    """Why the reader section cannot run here, or ``None`` when it can."""
    node = _node_version()
    if node is None:
        return "Node.js not found (Debian package nodejs)"
    if node < NODE_MINIMUM:
        return f"Node.js {'.'.join(map(str, node))} is older than Lighthouse 12 needs (18.16)"
    if not os.access(chrome_path(), os.X_OK):
        return f"{chrome_path()} not found (Debian package chromium, or set CHROME_PATH)"
    if not LIGHTHOUSE.exists():
        return (f"{LIGHTHOUSE.relative_to(ROOT)} not found: `make bench` installs it with "
                f"`npm ci` in {LIGHTHOUSE_DIR.relative_to(ROOT)}")
    return None


# -- One Lighthouse run -----------------------------------------------------------------

@dataclass(frozen=True)
class Audit:
    """What one Lighthouse run found on one page."""

    scores: dict[str, float]  #: category id → score from 0 to 1
    lcp_ms: float
    tbt_ms: float
    cls: float
    bytes: float  #: bytes transferred, all requests
    #: Weighted audits that failed, per category other than performance: what keeps a score below 1.
    failing: dict[str, list[str]] = field(default_factory=dict)


def read_report(report: dict, source: str = "report") -> Audit:
    """Read the figures this section reports from a Lighthouse JSON report.

    Raises ``ValueError`` naming what is missing, or the runtime error
    Lighthouse recorded, instead of reporting a score it did not give.
    """
    if report.get("runtimeError"):
        error = report["runtimeError"]
        raise ValueError(f"{source}: Lighthouse failed: {error.get('code')}: {error.get('message')}")
    categories, audits = report.get("categories", {}), report.get("audits", {})
    scores = {}
    for category in CATEGORIES:
        score = categories.get(category, {}).get("score")
        if score is None:
            raise ValueError(f"{source}: no score for the category {category!r}")
        scores[category] = float(score)
    metrics = {}
    for audit, name in METRICS.items():
        value = audits.get(audit, {}).get("numericValue")
        if value is None:
            raise ValueError(f"{source}: no value for the audit {audit!r}")
        metrics[name] = float(value)
    failing = {}
    for category in CATEGORIES[1:]:
        ids = [ref["id"] for ref in categories[category].get("auditRefs", [])
               if ref.get("weight", 0) > 0 and (audits.get(ref["id"], {}).get("score") or 0) < 1]
        if ids:
            failing[category] = ids
    return Audit(scores=scores, failing=failing, **metrics)


def lighthouse_command(url: str, output: Path) -> list[str]:
    """The Lighthouse command that audits ``url`` into the JSON file ``output``."""
    return [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
    ]


def run_lighthouse(url: str, output: Path) -> Audit:
    """Audit ``url`` with Lighthouse's default (mobile) settings; keep the report in ``output``."""
    output.parent.mkdir(parents=True, exist_ok=True)
    environment = os.environ | {"CHROME_PATH": chrome_path()}
    result = subprocess.run(lighthouse_command(url, output), capture_output=True, text=True, env=environment,
                            timeout=300, cwd=LIGHTHOUSE_DIR)
    if result.returncode != 0 or not output.exists():
        tail = "\n".join((result.stderr or result.stdout).splitlines()[-10:])
        raise RuntimeError(f"Lighthouse exited with status {result.returncode} on {url}:\n{tail}")
    return read_report(json.loads(output.read_text(encoding="utf-8")), output.name)


# -- The pages and the runs -------------------------------------------------------------

@dataclass(frozen=True)
class PagePair:
    """A page of the edition and the baseline's page with the same text."""

    name: str  #: the page's source name: ``index``, ``introduction``, …
    edition: str  #: its address in the edition's site
    baseline: str  #: its address in the baseline's site


def page_pairs(root: Path = ROOT) -> list[PagePair]:
    """The cover and the article's pages, as :func:`.bench_projects.write_baseline` names them."""
    cover = root / COVER_PAGE.relative_to(ROOT)
    pages = [cover, *article_pages(cover)]
    return [PagePair(page.stem, page.relative_to(root).with_suffix(".html").as_posix(), f"{page.stem}.html")
            for page in pages]


@dataclass
class PageResult:
    """Every run of one page of one site."""

    site: str  #: ``edition`` or ``baseline``
    page: PagePair
    audits: list[Audit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def median(self, what: str) -> Spread | None:
        """Median and range over the runs of a score (a category id) or a metric (an :class:`Audit` field)."""
        if not self.audits:
            return None
        values = [a.scores[what] if what in CATEGORIES else getattr(a, what) for a in self.audits]
        return spread(values)

    def value(self, what: str) -> float | None:
        """The median of ``what``, or ``None`` when no run succeeded."""
        summary = self.median(what)
        return None if summary is None else summary.median


def audit_sites(edition: Path, baseline: Path, runs: int, reports: Path,
                pairs: Sequence[PagePair] | None = None, log=print) -> list[tuple[PageResult, PageResult]]:
    """Audit every page of both built sites ``runs`` times, edition and baseline in turn."""
    pairs = list(pairs or page_pairs())
    results = [(PageResult("edition", pair), PageResult("baseline", pair)) for pair in pairs]
    with serve(edition) as edition_url, serve(baseline) as baseline_url:
        for run in range(1, runs + 1):
            for mine, theirs in results:
                for result, url in ((mine, edition_url + mine.page.edition),
                                    (theirs, baseline_url + theirs.page.baseline)):
                    output = reports / f"{result.site}-{result.page.name}-{run}.json"
                    try:
                        audit = run_lighthouse(url, output)
                    except (RuntimeError, ValueError, subprocess.SubprocessError) as error:
                        result.errors.append(str(error))
                        log(f"  reader, run {run}: {result.site} {result.page.name}: {error}")
                        continue
                    result.audits.append(audit)
                    log(f"  reader, run {run}: {result.site} {result.page.name}: performance "
                        f"{audit.scores['performance']:.2f}, LCP {audit.lcp_ms / 1000:.2f} s, "
                        f"{audit.bytes / 1024:.0f} KiB")
    return results


# -- What the first paint waits for ---------------------------------------------------------

class _BlockingAssets(HTMLParser):
    """The stylesheets and scripts in a page's ``<head>`` that hold up its first paint, and where the head ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.head_end: int | None = None
        self._noscript = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if self.head_end is not None or self._noscript:
            self._noscript = self._noscript or tag == "noscript"
            return
        if tag == "noscript":
            self._noscript = True
        elif (tag == "link" and "stylesheet" in attributes.get("rel", "").split()
              and attributes.get("media", "all") in ("all", "screen", "")):
            self.urls.append(attributes["href"])
        elif tag == "script" and attributes.get("src") and not ({"defer", "async"} & attributes.keys()) \
                and attributes.get("type") != "module":
            self.urls.append(attributes["src"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "noscript":
            self._noscript = False
        elif tag == "head" and self.head_end is None:
            self.head_end = self.getpos()


def first_paint_bytes(site: Path, page: str) -> int:
    """Bytes, gzip-compressed as the server sends them, that the first paint of ``page`` waits for.

    The page's markup up to the end of its ``<head>``, and every stylesheet and
    script that the head loads in a way that blocks rendering (not ``defer``,
    ``async``, a module, a stylesheet for print only or one inside ``<noscript>``).
    """
    path = site / page
    markup = path.read_text(encoding="utf-8")
    parser = _BlockingAssets()
    parser.feed(markup)
    if parser.head_end is None:
        raise ValueError(f"{page}: no end of <head>")
    line, column = parser.head_end
    lines = markup.splitlines(keepends=True)
    head = "".join(lines[:line - 1]) + lines[line - 1][:column] + "</head>"
    total = len(gzip.compress(head.encode("utf-8"), 9))
    for url in parser.urls:
        asset = (path.parent / url.split("?")[0].split("#")[0]).resolve()
        total += len(gzip.compress(asset.read_bytes(), 9))
    return total


def first_paint_sizes(site: Path, pairs: Sequence[PagePair] | None = None) -> dict[str, int]:
    """:func:`first_paint_bytes` of every page of the edition's ``site``, by page name."""
    return {pair.name: first_paint_bytes(site, pair.edition) for pair in (pairs or page_pairs())}


# -- Reporting ----------------------------------------------------------------------------

def bytes_ratio(mine: PageResult, theirs: PageResult) -> float | None:
    """Bytes transferred by the edition's page over the baseline's, medians of the runs."""
    a, b = mine.value("bytes"), theirs.value("bytes")
    return None if a is None or not b else a / b


def _score(value: float | None) -> str:
    return "failed" if value is None else f"{value:.2f}"


def _row(result: PageResult, ratio: str) -> str:
    lcp, tbt, cls, sent = (result.value(what) for what in ("lcp_ms", "tbt_ms", "cls", "bytes"))
    return " | ".join([
        f"| {result.page.name}", result.site, *(_score(result.value(c)) for c in CATEGORIES),
        "failed" if lcp is None else f"{lcp / 1000:.2f}",
        "failed" if tbt is None else f"{tbt:.0f}",
        "failed" if cls is None else f"{cls:.3f}",
        "failed" if sent is None else f"{sent / 1024:.0f}",
        f"{ratio} |",
    ])


def markdown_table(results: Sequence[tuple[PageResult, PageResult]]) -> str:
    """Edition and baseline side by side, page by page."""
    lines = [
        "| page | site | performance | accessibility | best practices | SEO | LCP s | TBT ms | CLS | "
        "KiB transferred | bytes / baseline |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for mine, theirs in results:
        ratio = bytes_ratio(mine, theirs)
        lines.append(_row(mine, "failed" if ratio is None else f"{ratio:.2f}"))
        lines.append(_row(theirs, ""))
    return "\n".join(lines)


def _worst(results: Sequence[PageResult], what: str, *, highest: bool) -> tuple[float, str] | None:
    """The worst median of ``what`` over the pages, and which pages have it."""
    values = [(value, r.page.name) for r in results if (value := r.value(what)) is not None]
    if not values or len(values) < len(results):
        return None
    worst = (max if highest else min)(value for value, _ in values)
    names = [name for value, name in values if value == worst]
    return worst, "every page" if len(names) == len(values) > 1 else ", ".join(names)


def lcp_ratio(mine: PageResult, theirs: PageResult) -> float | None:
    """Largest contentful paint of the edition's page over the baseline's, medians of the runs."""
    a, b = mine.value("lcp_ms"), theirs.value("lcp_ms")
    return None if a is None or not b else a / b


def _ratio_target(results: Sequence[tuple[PageResult, PageResult]],
                  ratio: Callable[[PageResult, PageResult], float | None], what: str, limit: float) -> Target:
    """The worst page's ratio of the edition's figure to the baseline's, against ``limit``.

    Measured only when every page has the ratio.
    """
    ratios = [(value, mine.page.name) for mine, theirs in results if (value := ratio(mine, theirs)) is not None]
    worst = max(ratios, key=lambda item: item[0]) if ratios and len(ratios) == len(results) else None
    return Target(what, "not measured" if worst is None else f"{worst[0]:.2f} ({worst[1]})",
                  f"≤ {limit}", None if worst is None else worst[0] <= limit)


def evaluate(results: Sequence[tuple[PageResult, PageResult]],
             first_paint: dict[str, int] | None = None) -> list[Target]:
    """Set the edition's pages against the issue's targets: the worst page decides.

    ``first_paint`` holds :func:`first_paint_sizes` of the edition's site; without
    it, that target is not measured.
    """
    mine = [pair[0] for pair in results]
    targets = []
    for category, minimum in MINIMUM_SCORES.items():
        worst = _worst(mine, category, highest=False)
        targets.append(Target(
            f"reader: {category} score, every page",
            "not measured" if worst is None else f"{worst[0]:.2f} ({worst[1]})",
            f"≥ {minimum}", None if worst is None else worst[0] >= minimum))
    targets.append(_ratio_target(results, bytes_ratio, "reader: bytes transferred, edition / baseline page",
                                 MAXIMUM_BYTES_RATIO))
    lcp = _worst(mine, "lcp_ms", highest=True)
    targets.append(Target(
        "reader: largest contentful paint, every page",
        "not measured" if lcp is None else f"{lcp[0] / 1000:.2f} s ({lcp[1]})",
        f"≤ {MAXIMUM_LCP_MS / 1000:.1f} s", None if lcp is None else lcp[0] <= MAXIMUM_LCP_MS))
    targets.append(_ratio_target(results, lcp_ratio, "reader: largest contentful paint, edition / baseline page",
                                 MAXIMUM_LCP_RATIO))
    sizes = [(first_paint[m.page.name], m.page.name) for m, _ in results if m.page.name in (first_paint or {})]
    worst_size = max(sizes, key=lambda item: item[0]) if sizes and len(sizes) == len(results) else None
    targets.append(Target(
        "reader: what the first paint waits for (page head, blocking styles and scripts), gzip",
        "not measured" if worst_size is None else f"{worst_size[0] / 1024:.1f} KiB ({worst_size[1]})",
        f"≤ {FIRST_ROUND_TRIP_BYTES // 1024} KiB, the first round trip",
        None if worst_size is None else worst_size[0] <= FIRST_ROUND_TRIP_BYTES))
    cls = _worst(mine, "cls", highest=True)
    targets.append(Target(
        "reader: cumulative layout shift, every page",
        "not measured" if cls is None else f"{cls[0]:.3f} ({cls[1]})",
        f"< {CLS_BELOW}", None if cls is None else cls[0] < CLS_BELOW))
    return targets


def failing_audits(results: Sequence[tuple[PageResult, PageResult]]) -> list[str]:
    """Lines naming the weighted audits that failed on an edition page, in any run."""
    lines = []
    for mine, _ in results:
        failed: dict[str, set[str]] = {}
        for audit in mine.audits:
            for category, ids in audit.failing.items():
                failed.setdefault(category, set()).update(ids)
        for category, ids in failed.items():
            lines.append(f"- {mine.page.name}, {category}: {', '.join(sorted(ids))}")
    return lines


def markdown_section(results: Sequence[tuple[PageResult, PageResult]], runs: int, version: str) -> str:
    """The reader section of the report."""
    lines = [
        f"Lighthouse {version}, default mobile profile (simulated slow 4G, 4× CPU slowdown), Chromium at "
        f"{chrome_path()}, both sites served on loopback with gzip; medians of {runs} run(s) per page, "
        "the two sites audited in turn.",
        "",
        markdown_table(results),
    ]
    failing = failing_audits(results)
    if failing:
        lines += ["", "Audits that failed on the edition's pages:", "", *failing]
    errors = [f"- {r.site} {r.page.name}: {e.splitlines()[0]}" for pair in results for r in pair for e in r.errors]
    if errors:
        lines += ["", "Runs that failed:", "", *errors]
    return "\n".join(lines)


def lighthouse_version() -> str:
    """The installed Lighthouse's version, from its package.json."""
    package = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    try:
        return json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return "(version unknown)"


def to_json(results: Sequence[tuple[PageResult, PageResult]]) -> list[dict]:
    """Every run's figures, for results.json."""
    return [
        {
            "page": r.page.name,
            "site": r.site,
            "address": r.page.edition if r.site == "edition" else r.page.baseline,
            "runs": [{"scores": a.scores, "lcp_ms": a.lcp_ms, "tbt_ms": a.tbt_ms, "cls": a.cls, "bytes": a.bytes,
                      "failing": a.failing} for a in r.audits],
            "errors": r.errors,
        }
        for pair in results for r in pair
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Build both sites, audit them and print the reader table; 1 if a run failed, 2 if skipped."""
    parser = argparse.ArgumentParser(prog="python -m edition_tools.bench.reader", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_READER_RUNS", 3)),
                        help="Lighthouse runs per page and site (BENCH_READER_RUNS, default 3)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench",
                        help="where to write reader.md and the reports (default _build/bench)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    reason = missing_tools()
    if reason:
        print(f"reader section skipped: {reason}", file=sys.stderr)
        return 2
    from edition_tools.bench.projects import copy_project, sphinx_html, write_baseline

    with tempfile.TemporaryDirectory(prefix="edition-reader-") as temporary:
        work = Path(temporary)
        sites = {}
        for name, project in (("edition", copy_project(work / "edition")),
                              ("baseline", write_baseline(work / "baseline"))):
            out = work / f"out-{name}"
            built = subprocess.run(sphinx_html(project, out), cwd=project, capture_output=True, text=True)
            if built.returncode != 0:
                print(f"the {name} did not build:\n{built.stderr}", file=sys.stderr)
                return 1
            sites[name] = out
        log = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
        results = audit_sites(sites["edition"], sites["baseline"], args.runs, args.out / "lighthouse", log=log)
        first_paint = first_paint_sizes(sites["edition"])
    section = markdown_section(results, args.runs, lighthouse_version())
    targets = evaluate(results, first_paint)
    report = section + "\n\n" + targets_table(targets, "measured (worst page)") + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "reader.md").write_text(report, encoding="utf-8")
    print(report)
    return 1 if any(r.errors for pair in results for r in pair) else 0


if __name__ == "__main__":
    sys.exit(main())

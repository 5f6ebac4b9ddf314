"""``make bench``: what a build of the edition costs, side by side, and how it grows.

Run as ``python -m edition_tools.bench.benchmark``. Every figure is the cost of a
whole process (start-up and imports included): wall time, CPU time (user +
system) and peak resident memory, read with ``os.wait4``.

Commands that are compared run **in turn** — A B C A B C … after one warm-up
round — so that each ratio is taken between runs made seconds apart under the
same load, and is reported as the median (and range) of those paired ratios.
What is measured:

* a clean strict HTML build of the edition, of the **same-pages yardstick**
  (the edition's own ``docs/`` and ``glossary/`` pages, every role reduced to
  its text, built with MyST and sphinx-book-theme only: what Sphinx and the
  theme cost for these pages) and of a bare baseline (the article text alone,
  in its 6 pages); the edition's clean build is run between the two;
* a rebuild after editing one annotation, and a no-op rebuild (nothing may be
  read or written, and the configuration must not count as changed);
* ``python -m edition_tools.check.run`` (``make check``);
* ``make pdf`` when the project has that target and TeX is installed;
* the import of Sphinx, the theme and the extensions: the floor of any build;
* scaling: synthetic editions 10× and 100× as large (pages, annotations,
  glossary terms, bibliography entries; see :mod:`.projects`), built
  clean and checked;
* with ``--profile``, one clean build of the edition under cProfile: its top
  entries, and the edition's own share (extensions, sphinxcontrib-bibtex,
  pybtex), go into the report;
* the reader's side (:mod:`.reader_bench`): Lighthouse 12 on the cover and
  every article page of the edition and of the bare baseline just built,
  served on loopback with gzip. Skipped, with the reason, where Node.js,
  Chromium or Lighthouse is missing;
* the test suite: ``make test``'s pytest command run once, its wall time and
  its ten slowest tests (pytest's ``--durations``). It takes minutes:
  ``--test-suite-jobs 0`` (``BENCH_TEST_JOBS=0``) skips it.

Targets are judged on CPU time: a serial build waits for nothing but the
processor, so on an idle machine its wall time equals its CPU time, while on a
shared one the wall time also counts the other programs' turns. Wall times
are reported beside them.

It prints the tables and writes them, as Markdown and JSON, with a plot of the
scaling and Lighthouse's reports, into ``_build/bench/``. The number of runs
and the scales come from the options or from ``BENCH_RUNS``,
``BENCH_SCALE_RUNS``, ``BENCH_SCALES``, ``BENCH_READER_RUNS`` and
``BENCH_TEST_JOBS``; ``--cases`` picks some of the commands (for example
``--cases same-pages,edition --scales "" --reader-runs 0`` measures the main
ratio alone).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from edition_tools.bench import reader as reader_bench
from edition_tools.bench.process_cost import Sample, Spread, Target, paired_ratios, run_measured, spread, targets_table
from edition_tools.bench.projects import (
    copy_project,
    edit_one_annotation,
    sphinx_html,
    write_baseline,
    write_same_pages,
    write_synthetic,
)
from edition_tools.core.article import ROOT

OUTPUT = ROOT / "_build" / "bench"
#: The markers between which ``--record`` writes the latest figures into a page.
RECORD_BEGIN, RECORD_END = "% bench:begin", "% bench:end"

#: What every import of a build costs before any page is read.
IMPORTS = (
    "import sphinx.application, sphinx.builders.html, myst_parser, sphinxcontrib.bibtex, "
    "sphinx_book_theme, pydata_sphinx_theme, importlib, pkgutil, edition_tools.ext as ext; "
    "[importlib.import_module(f'edition_tools.ext.{m.name}') for m in pkgutil.iter_modules(ext.__path__)]"
)


# -- Running commands in turn ------------------------------------------------------

@dataclass
class Case:
    """A command measured several times, with an untimed step before each run."""

    key: str
    label: str
    command: list[str]
    cwd: Path
    #: Untimed preparation, given the run's number (0 is the warm-up).
    before: Callable[[int], None] = lambda run: None
    warm_up: bool = True
    samples: list[Sample] = field(default_factory=list)
    failed: list[Sample] = field(default_factory=list)

    def values(self, what: str) -> list[float]:
        """The ``wall``, ``cpu`` or ``peak_rss_mib`` figure of every run."""
        return [getattr(sample, what) for sample in self.samples]

    def spread(self, what: str) -> Spread | None:
        """Median and range of a figure, or ``None`` when no run succeeded."""
        values = self.values(what)
        return spread(values) if values else None


def measured_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the measured commands run in: this one, with Python's bytecode cache on.

    Some shells and containers set ``PYTHONDONTWRITEBYTECODE``; Python then
    compiles the edition's own modules again in every process, some 20 ms a
    run that no contributor with a usual set-up pays. The warm-up run writes
    the cache and the measured runs read it.
    """
    environ = dict(os.environ if environ is None else environ)
    environ.pop("PYTHONDONTWRITEBYTECODE", None)
    return environ


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run(case: Case, run: int, *, record: bool) -> None:
    case.before(run)
    sample = run_measured(case.command, cwd=case.cwd, env=measured_environment())
    if sample.returncode != 0:
        case.failed.append(sample)
        tail = "\n".join(sample.output.splitlines()[-15:])
        _log(f"  {case.label}: exit status {sample.returncode}\n{tail}")
        return
    if record:
        case.samples.append(sample)
    _log(
        f"  {'run ' + str(run) if record else 'warm-up'}: {case.label}: "
        f"{sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU"
    )


def run_in_turn(cases: Sequence[Case], runs: int) -> None:
    """Warm up every case once, then run them in turn ``runs`` times."""
    for case in cases:
        if case.warm_up:
            _run(case, 0, record=False)
    for run in range(1, runs + 1):
        for case in cases:
            _run(case, run, record=True)


# -- Reading Sphinx's output ----------------------------------------------------------

def pages_read(output: str) -> int:
    """How many documents a (serial, not quiet) Sphinx build read."""
    return len(re.findall(r"^reading sources\.\.\. \[\s*\d+%\] ", output, re.MULTILINE))


def pages_written(output: str) -> int:
    """How many documents a (serial, not quiet) Sphinx build wrote."""
    return len(re.findall(r"^writing output\.\.\. \[\s*\d+%\] ", output, re.MULTILINE))


def configuration_changed(output: str) -> bool:
    """Whether Sphinx found the configuration changed since the last build."""
    return "The configuration has changed" in output or "[config changed" in output


def _clean(path: Path) -> Callable[[int], None]:
    return lambda run: shutil.rmtree(path, ignore_errors=True)


def has_make_target(project: Path, target: str) -> bool:
    """Whether the project's Makefile defines ``target``."""
    makefile = project / "Makefile"
    return makefile.exists() and (
        re.search(rf"^{re.escape(target)}:", makefile.read_text(encoding="utf-8"), re.M) is not None
    )


def pdf_tools() -> list[str]:
    """The TeX programs a PDF build needs that are missing."""
    return [tool for tool in ("latexmk", "xelatex") if shutil.which(tool) is None]


# -- The measurements -------------------------------------------------------------------

#: The keys of the commands :func:`main_cases` can measure, in the order they run.
CASE_KEYS = ("baseline", "edition", "same-pages", "incremental", "noop", "check", "imports", "pdf")


def export_revision(revision: str, dest: Path, root: Path = ROOT) -> Path:
    """Write the edition's sources as of the git ``revision`` into ``dest``; return it."""
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", revision],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def main_cases(work: Path, keys: Sequence[str] = CASE_KEYS, before: str = "") -> tuple[list[Case], dict[str, str]]:
    """Return the cases compared in turn (those of ``keys``), and notes on what was left out.

    With ``before`` (a git revision), the clean build of the edition as it was
    then runs in turn with the others: a change's gain, measured side by side.
    """
    edition = copy_project(work / "edition")
    edited = copy_project(work / "edition-edited")
    baseline = write_baseline(work / "baseline")
    same_pages = write_same_pages(work / "same-pages")
    notes: dict[str, str] = {}
    cases = [
        Case("baseline", "bare baseline (article text, 6 pages), clean build",
             sphinx_html(baseline, work / "out-baseline"), baseline, before=_clean(work / "out-baseline")),
        Case("edition", "edition, clean build", sphinx_html(edition, work / "out-edition"),
             edition, before=_clean(work / "out-edition")),
        Case("same-pages", "same-pages yardstick (the edition's pages, bare), clean build",
             sphinx_html(same_pages, work / "out-same-pages"), same_pages, before=_clean(work / "out-same-pages")),
        # The warm-up of this case is the clean build the later edits start from.
        Case("incremental", "edition, rebuild after editing one annotation",
             sphinx_html(edited, work / "out-edited"), edited,
             before=lambda run: edit_one_annotation(edited, run)),
        Case("noop", "edition, no-op rebuild", sphinx_html(edited, work / "out-edited"), edited),
        Case("check", "make check (python -m edition_tools.check)",
             [sys.executable, "-m", "edition_tools.check"], edition),
        Case("imports", "import Sphinx, theme and extensions (start-up floor)",
             [sys.executable, "-c", IMPORTS], edition),
    ]
    cases = [case for case in cases if case.key in keys]
    if before:
        then = export_revision(before, work / "edition-before")
        if {"baseline", "edition", "same-pages"} & set(keys):
            cases.insert(0, Case("before", f"edition at {before}, clean build", sphinx_html(then, work / "out-before"),
                                 then, before=_clean(work / "out-before")))
        if "check" in keys:
            # Right before the check as it is now, so that each pair of runs shares the load.
            at = next(index for index, case in enumerate(cases) if case.key == "check")
            cases.insert(at, Case("check-before", f"make check at {before}",
                                  [sys.executable, "-m", "edition_tools.check"], then))
    missing = pdf_tools()
    if "pdf" not in keys:
        pass
    elif not has_make_target(edition, "pdf"):
        notes["pdf"] = "not measured: the Makefile has no pdf target"
    elif missing:
        notes["pdf"] = f"not measured: {', '.join(missing)} not installed"
    else:
        venv = Path(sys.prefix)
        cases.append(
            Case("pdf", "make pdf, clean", [
                "make", "-s", "pdf", f"VENV={venv}", f"BUILDDIR={work / 'out-pdf'}",
                "-o", str(venv / ".installed-requirements"),
            ], edition, before=_clean(work / "out-pdf"))
        )
    return cases, notes


@dataclass
class Scale:
    """One synthetic edition and its two cases."""

    factor: int
    size: dict[str, int]
    note: str
    build: Case
    incremental: Case
    check: Case

    @property
    def cases(self) -> list[Case]:
        return [self.build, self.incremental, self.check]


def scaling_cases(work: Path, factors: Sequence[int]) -> list[Scale]:
    """Generate a synthetic edition per factor and the cases that measure it."""
    scales = []
    for factor in factors:
        project = copy_project(work / f"synthetic-{factor}")
        start = time.perf_counter()
        size, note = write_synthetic(project, factor)
        _log(f"synthetic edition {factor}×: {size} generated in {time.perf_counter() - start:.1f} s")
        out, edited = work / f"out-synthetic-{factor}", work / f"out-synthetic-{factor}-edited"
        build = Case(f"build-{factor}", f"{factor}× clean build", sphinx_html(project, out), project,
                     before=_clean(out), warm_up=factor == min(factors))
        # Its warm-up is the clean build the edits start from.
        incremental = Case(f"incremental-{factor}", f"{factor}× rebuild after editing one annotation",
                           sphinx_html(project, edited), project,
                           before=lambda run, project=project: edit_one_annotation(project, run))
        check = Case(f"check-{factor}", f"{factor}× make check", [sys.executable, "-m", "edition_tools.check"], project)
        scales.append(Scale(factor, size.to_json(), note, build, incremental, check))
    return scales


# -- Where the time of a clean build goes ---------------------------------------------------

#: What the breakdown of a clean build names: (account, file pattern, function names).
#: Each is the cumulative CPU time of those functions; they are chosen not to
#: contain one another, except the totals at the top.
ACCOUNTS = (
    ("whole process (start-up, imports, build)", r"sphinx/cmd/build\.py$", ("build_main",)),
    ("start-up: configuration and extensions (imports included)", r"sphinx/application\.py$", ("__init__",)),
    ("reading the pages (parsing and read-time transforms)", r"sphinx/builders/__init__\.py$", ("read_doc",)),
    ("post-transforms (links, citations, the edition's fill-ins)", r"sphinx/environment/__init__\.py$",
     ("apply_post_transforms",)),
    ("rendering pages with the theme (handle_page)", r"sphinx/builders/html/__init__\.py$", ("handle_page",)),
    ("search index: words of each page (stemming)", r"sphinx/search/__init__\.py$", ("feed",)),
    ("sphinxcontrib-bibtex: parsing references.bib", r"sphinxcontrib/bibtex/bibfile\.py$", ("parse_bibdata",)),
    ("sphinxcontrib-bibtex: formatting every entry (env-updated)", r"sphinxcontrib/bibtex/domain\.py$",
     ("env_updated",)),
    ("sphinxcontrib-bibtex: resolving each citation", r"sphinxcontrib/bibtex/domain\.py$", ("resolve_xref",)),
    ("citation index: collecting citations", r"edition_tools/ext/citation_index\.py$", ("collect",)),
    ("citation index: filling the page", r"edition_tools/ext/citation_index\.py$", ("run",)),
    ("glossary: collecting and filling backlinks", r"edition_tools/ext/glossary_backlinks\.py$", ("collect", "run")),
    ("general index: names in the article", r"edition_tools/ext/general_index\.py$", ("apply",)),
    ("untrusted content checks", r"edition_tools/ext/untrusted_content\.py$", ("apply", "run")),
    ("margin notes and paragraph numbers", r"edition_tools/ext/(margin_notes|paragraph_numbers)\.py$",
     ("apply", "run")),
    ("page head (description, deferred scripts)", r"edition_tools/ext/page_head\.py$",
     ("add_description", "lighten_assets")),
    ("accessibility and previews", r"edition_tools/ext/(accessibility|previews)\.py$",
     ("generate_named", "add_script", "run", "apply")),
    ("layout.html override (search scripts left out)", r"edition_tools/ext/templates/layout\.html$",
     ("block_extrahead",)),
    ("search-index repair (index entries kept)", r"edition_tools/ext/search_index\.py$", ("load",)),
    ("gzip copies (precompress)", r"edition_tools/ext/precompress\.py$", ("compress_output",)),
    ("LaTeX-only: title page and PDF metadata, in conf.py", r"edition_tools/ext/latex_edition\.py$",
     ("title_page", "pdf_metadata")),
    ("bibliography style: plugin look-up", r"edition_tools/ext/bibliography_style\.py$", ("preload_plugins",)),
)

#: Runs sphinx-build under cProfile with a CPU-time clock: on a shared
#: machine, wall time would count other programs' turns.
PROFILE_RUNNER = (
    "import cProfile, sys, time; from sphinx.cmd.build import main; "
    "profile = cProfile.Profile(time.process_time); status = profile.runcall(main, sys.argv[2:]); "
    "profile.dump_stats(sys.argv[1]); sys.exit(status)"
)


def account_times(stats: dict) -> list[tuple[str, float]]:
    """The CPU seconds of each of :data:`ACCOUNTS` in a cProfile ``stats`` table."""
    result = []
    for label, file_pattern, functions in ACCOUNTS:
        pattern = re.compile(file_pattern)
        seconds = sum(
            cumulative for (filename, _, function), (_, _, _, cumulative, _) in stats.items()
            if function in functions and pattern.search(Path(filename).as_posix())
        )
        result.append((label, seconds))
    return result


#: Functions listed in the profile's top entries: the edition's share of the build.
EDITION_CODE = re.compile(r"edition_tools/|sphinxcontrib/bibtex/|pybtex/(?:database/input|style/formatting/__init__)")


def profile_clean_build(work: Path, top: int) -> str:
    """Profile one clean build of the edition with cProfile; return its breakdown as Markdown.

    cProfile slows Python code by some 2–3 times, unevenly: the shares are a
    guide to where the time goes, the benchmark's paired runs the measure.
    """
    import pstats

    project = copy_project(work / "edition-profiled")
    output, stats_file = work / "out-profiled", work / "clean-build.pstats"
    command = [sys.executable, "-c", PROFILE_RUNNER, str(stats_file), *sphinx_html(project, output)[3:]]
    sample = run_measured(command, cwd=project)
    if sample.returncode != 0:
        return f"The profiled build failed (exit status {sample.returncode}).\n"
    stats = pstats.Stats(str(stats_file)).stats  # type: ignore[attr-defined]
    accounts = account_times(stats)
    total = accounts[0][1] or 1.0
    root = Path(project).as_posix()
    site = re.compile(r"^.*/site-packages/")
    rows = sorted(
        ((cumulative, calls, f"{site.sub('', Path(filename).as_posix().removeprefix(root + '/'))}:{line}({name})")
         for (filename, line, name), (_, calls, _, cumulative, _) in stats.items()
         if EDITION_CODE.search(Path(filename).as_posix())),
        reverse=True,
    )[:top]
    lines = [
        f"One clean build under cProfile, on a CPU-time clock ({sample.cpu:.2f} s CPU with the profiler's "
        "overhead). Each line is the cumulative time of the functions that do it:",
        "",
        "| what | CPU s under the profiler | share of the process |",
        "| --- | ---: | ---: |",
        *(f"| {label} | {seconds:.3f} | {seconds / total:.1%} |" for label, seconds in accounts),
        "",
        f"Top {len(rows)} entries of the edition's own share (its extensions, sphinxcontrib-bibtex, pybtex's parser "
        "and formatter), by cumulative time:",
        "",
        "| cumulative CPU s | calls | function |",
        "| ---: | ---: | --- |",
        *(f"| {cumulative:.3f} | {calls} | `{where}` |" for cumulative, calls, where in rows),
    ]
    return "\n".join(lines) + "\n"


def _fmt(value: Spread | None, unit: str = "") -> str:
    return "failed" if value is None else f"{value}{unit}"


def _paired(a: Case | None, b: Case | None, what: str) -> Spread | None:
    """Run-by-run ratios of two cases measured in turn, if both always succeeded."""
    if a is None or b is None or not a.samples or len(a.samples) != len(b.samples):
        return None
    return paired_ratios(a.values(what), b.values(what))


def _target(what: str, a: Case | None, b: Case | None, limit: float | None, shown: str = "") -> Target:
    """A paired ratio ``a / b`` against ``limit`` (``None``: reported, not judged)."""
    if a is None or b is None:  # left out with --cases
        return Target(what, "not measured", shown or f"≤ {limit}", None)
    cpu, wall = _paired(a, b, "cpu"), _paired(a, b, "wall")
    return Target(what, f"{_fmt(cpu)} (wall {_fmt(wall)})", shown or f"≤ {limit}",
                  None if cpu is None or limit is None else cpu.median <= limit)


def evaluate(cases: dict[str, Case], scales: list[Scale]) -> list[Target]:
    """Set the measurements against the targets (CPU time; see above)."""
    get = cases.get
    targets = [
        _target("clean build, edition / same-pages yardstick", get("edition"), get("same-pages"), 1.15),
        *([_target("clean build, edition before the change / same-pages yardstick", get("before"), get("same-pages"),
                   None, "none (reported beside it)"),
           _target("clean build, edition / edition before the change", get("edition"), get("before"), None,
                   "none (reported)")] if "before" in cases else []),
        # The older yardstick, kept for comparison: it has 6 pages to the edition's 33.
        _target("clean build, edition / bare baseline (article text only)", get("edition"), get("baseline"), None,
                "none (reported beside it)"),
        _target("rebuild after editing one annotation / clean build", get("incremental"), get("edition"), 0.35),
    ]
    noop = cases.get("noop")
    if noop is not None and noop.samples:
        last = noop.samples[-1].output
        read, written, changed = pages_read(last), pages_written(last), configuration_changed(last)
        targets.append(Target(
            "no-op rebuild", f"{read} read, {written} written, configuration {'changed' if changed else 'unchanged'}",
            "0 read, 0 written, unchanged", read == 0 and written == 0 and not changed))
    check = cases.get("check")
    if check is None:
        targets.append(Target("make check on the edition", "not measured", "< 0.2 s", None))
    else:
        cpu, wall = check.spread("cpu"), check.spread("wall")
        targets.append(Target("make check on the edition", f"{_fmt(cpu, ' s')} (wall {_fmt(wall, ' s')})",
                              "< 0.2 s", None if cpu is None else cpu.median < 0.2))
    if "check-before" in cases:
        targets.append(_target("make check, edition / edition before the change", check, get("check-before"), None,
                               "none (reported)"))
    by_factor = {scale.factor: scale for scale in scales}
    if 1 in by_factor and 100 in by_factor:
        one, hundred = by_factor[1], by_factor[100]
        targets.append(_target("100× synthetic edition, clean build / 1×", hundred.build, one.build, 30))
        targets.append(_target("100× synthetic edition, make check / 1×", hundred.check, one.check, 100,
                               "≤ 100 (linear)"))
    return targets


# -- Reporting -------------------------------------------------------------------------------

def machine() -> dict[str, object]:
    """The machine and software the figures come from."""
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu_model": model or platform.processor(),
        "python": platform.python_version(),
        "sphinx": version("sphinx"),
        "sphinx_book_theme": version("sphinx-book-theme"),
        "platform": platform.platform(terse=True),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
    }


def _case_row(case: Case) -> str:
    detail = ""
    if case.samples and case.command[1:3] == ["-m", "sphinx"]:
        last = case.samples[-1].output
        detail = f"{pages_read(last)} / {pages_written(last)}"
    failed = f" ({len(case.failed)} failed)" if case.failed else ""
    return (f"| {case.label}{failed} | {len(case.samples)} | {_fmt(case.spread('wall'))} | "
            f"{_fmt(case.spread('cpu'))} | {_fmt(case.spread('peak_rss_mib'))} | {detail} |")


def markdown_report(info: dict, cases: list[Case], scales: list[Scale], targets: list[Target],
                    notes: dict[str, str], plot: str, reader: str = "", profile: str = "",
                    suite: str = "") -> str:
    """The report as Markdown: machine, costs, targets, scaling, profile, reader, test suite."""
    lines = [
        f"Measured on {info['date']}: {info['cpus']} CPUs ({info['cpu_model']}), Python {info['python']}, "
        f"Sphinx {info['sphinx']}, sphinx-book-theme {info['sphinx_book_theme']}; load average at start "
        f"{', '.join(map(str, info['load_average_at_start']))}. Figures are medians (min–max) over the runs; "
        "ratios are medians (min–max) of ratios between runs made in the same round, on CPU time.",
        "",
        "| what | runs | wall s | CPU s | peak RSS MiB | pages read / written |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *(_case_row(case) for case in cases),
        "",
        targets_table(targets, "measured (median, range of paired ratios)"),
    ]
    if scales:
        one = next((s for s in scales if s.factor == 1), None)
        lines += [
            "",
            "| scale | pages | annotations | glossary terms | bib entries | clean build CPU s (wall) | ×1× | "
            "peak RSS MiB | pages read / written after one edit | edit rebuild / clean | check CPU s | ×1× |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for scale in scales:
            size, build = scale.size, scale.build
            edit = scale.incremental.samples[-1].output if scale.incremental.samples else ""
            lines.append(
                f"| {scale.factor}× | {size['pages']} | {size['annotations']} | {size['glossary_terms']} | "
                f"{size['bibliography_entries']} | {_fmt(build.spread('cpu'))} ({_fmt(build.spread('wall'))}) | "
                f"{_fmt(_paired(build, one.build if one else None, 'cpu'))} | {_fmt(build.spread('peak_rss_mib'))} | "
                f"{pages_read(edit)} / {pages_written(edit)} | {_fmt(_paired(scale.incremental, build, 'cpu'))} | "
                f"{_fmt(scale.check.spread('cpu'))} | {_fmt(_paired(scale.check, one.check if one else None, 'cpu'))} |"
            )
        notes = notes | {f"{s.factor}×": s.note for s in scales if s.note}
        if plot:
            lines += ["", f"Plot of the scaling: `{plot}`."]
    if profile:
        lines += ["", "Profile of a clean build of the edition:", "", profile.rstrip("\n")]
    if reader:
        lines += ["", "Reader (Lighthouse):", "", reader]
    if suite:
        lines += ["", "Test suite:", "", suite]
    if notes:
        lines += ["", *(f"- {key}: {note}" for key, note in notes.items())]
    return "\n".join(lines) + "\n"


def draw_scaling(scales: list[Scale], path: Path) -> bool:
    """Draw CPU time against size, log-log, with the linear and 30× references."""
    measured = [s for s in scales if s.build.samples and s.check.samples]
    if len(measured) < 2:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    factors = [s.factor for s in measured]
    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    for kind, colour in (("build", "tab:blue"), ("check", "tab:orange")):
        times = [getattr(s, kind).spread("cpu").median for s in measured]
        axes.plot(factors, times, "o-", color=colour,
                  label=f"{'clean build' if kind == 'build' else 'make check'} (median)")
        axes.plot(factors, [times[0] * f / factors[0] for f in factors], ":", color=colour, alpha=0.6,
                  label=f"linear from {factors[0]}×")
    first = measured[0].build.spread("cpu").median
    if factors[-1] >= 100:
        axes.plot([100], [first * 30 / factors[0]], "v", color="tab:red", label="target: 100× build ≤ 30× the 1× build")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("size of the edition (× the real edition)")
    axes.set_ylabel("CPU time of the whole process, s")
    axes.set_title("How the build and the check grow with the edition")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return True


def record(page: Path, report: str) -> None:
    """Replace the figures between the record markers of ``page`` with ``report``."""
    text = page.read_text(encoding="utf-8")
    begin, end = text.index(RECORD_BEGIN), text.index(RECORD_END)
    page.write_text(text[: begin + len(RECORD_BEGIN)] + "\n" + report + text[end:], encoding="utf-8")


def _int_list(text: str) -> list[int]:
    return sorted({int(part) for part in text.replace(" ", "").split(",") if part})


# -- The test suite -------------------------------------------------------------

#: A line of pytest's ``--durations`` report: "12.34s call     tests/x.py::test_y".
DURATION = re.compile(r"^(?P<seconds>\d+\.\d+)s (?P<phase>setup|call|teardown)\s+(?P<test>\S.*)$", re.MULTILINE)
#: pytest's last line: "598 passed, 1 deselected in 201.33s (0:03:21)" under ``-q``, as the
#: suite runs here, and between rules of "=" without it.
OUTCOME = re.compile(r"^(?:=+ )?(?P<outcome>\d+ [a-z]+\b.*?) in [\d.]+s(?: \([\d:]+\))?(?: =+)?$", re.MULTILINE)
SLOWEST = 10


@dataclass
class SuiteRun:
    """One run of the offline test suite as ``make test`` runs it."""

    jobs: int
    sample: Sample
    outcome: str
    slowest: list[tuple[float, str, str]]  #: (seconds, phase, test id), slowest first


def suite_command(jobs: int) -> list[str]:
    """``make test``'s pytest command, with pytest's report of the slowest tests."""
    parallel = ["-n", str(jobs)] if jobs > 1 else []
    return [sys.executable, "-m", "pytest", "-m", "not network", *parallel, "-q",
            "-p", "no:cacheprovider", f"--durations={SLOWEST}"]


def read_test_suite(jobs: int, sample: Sample) -> SuiteRun:
    """What the run printed: its outcome line and its slowest test phases."""
    outcomes = OUTCOME.findall(sample.output)
    slowest = [(float(m["seconds"]), m["phase"], m["test"].strip()) for m in DURATION.finditer(sample.output)]
    slowest.sort(key=lambda item: -item[0])
    return SuiteRun(jobs, sample, outcomes[-1] if outcomes else "no summary line", slowest[:SLOWEST])


def run_test_suite(jobs: int) -> SuiteRun:
    """Run the offline test suite once in ``jobs`` processes, timed as a whole."""
    return read_test_suite(jobs, run_measured(suite_command(jobs), cwd=ROOT))


def suite_section(suite: SuiteRun) -> str:
    """The test suite's figures as Markdown: wall time, CPU time, outcome, slowest tests."""
    lines = [
        f"`make test` ({suite.jobs} process{'es' if suite.jobs > 1 else ''}): {suite.sample.wall:.0f} s wall, "
        f"{suite.sample.cpu:.0f} s CPU; {suite.outcome}.",
        "",
        f"| the {len(suite.slowest)} slowest test phases | phase | s |",
        "| --- | --- | ---: |",
        *(f"| `{test}` | {phase} | {seconds:.1f} |" for seconds, phase, test in suite.slowest),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return 1 if a measured command failed."""
    parser = argparse.ArgumentParser(prog="python -m edition_tools.bench.benchmark",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 5)),
                        help="timed runs of each command, after one warm-up (BENCH_RUNS, default 5)")
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES", "1,10,100"),
                        help="sizes of the synthetic editions, comma-separated; empty to skip (BENCH_SCALES)")
    parser.add_argument("--scale-runs", type=int, default=int(os.environ.get("BENCH_SCALE_RUNS", 1)),
                        help="timed runs per synthetic edition (BENCH_SCALE_RUNS, default 1)")
    parser.add_argument("--reader-runs", type=int, default=int(os.environ.get("BENCH_READER_RUNS", 3)),
                        help="Lighthouse runs per page and site; 0 skips the reader section "
                             "(BENCH_READER_RUNS, default 3)")
    parser.add_argument("--cases", default=",".join(CASE_KEYS),
                        help=f"the commands to measure in turn, comma-separated, from {', '.join(CASE_KEYS)} "
                             "(default: all)")
    parser.add_argument("--before", default="", metavar="REV",
                        help="also build (and, with the check case, check) the edition as of the git revision "
                             "REV, in turn with the others, and report the ratios to it")
    parser.add_argument("--profile", type=int, default=int(os.environ.get("BENCH_PROFILE", 25)), metavar="N",
                        help="profile one clean build with cProfile and report its top N entries; 0 skips it "
                             "(BENCH_PROFILE, default 25)")
    parser.add_argument("--test-suite-jobs", type=int, default=int(os.environ.get("BENCH_TEST_JOBS", 2)),
                        help="processes for one timed run of the test suite; 0 skips the test-suite section "
                             "(BENCH_TEST_JOBS, default 2, as make test)")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="where to write the report (default _build/bench)")
    parser.add_argument("--record", type=Path, metavar="PAGE",
                        # argparse formats help with %: the markers' own % are doubled.
                        help=f"also write the report into PAGE between the lines {RECORD_BEGIN!r} and {RECORD_END!r}"
                        .replace("%", "%%"))
    args = parser.parse_args(argv)
    if args.runs < 1 or args.scale_runs < 1 or args.reader_runs < 0 or args.test_suite_jobs < 0:
        parser.error("--runs and --scale-runs must be at least 1, --reader-runs and --test-suite-jobs at least 0")
    keys = [key for key in args.cases.replace(" ", "").split(",") if key]
    if unknown := sorted(set(keys) - set(CASE_KEYS)):
        parser.error(f"--cases: unknown {', '.join(unknown)}; choose from {', '.join(CASE_KEYS)}")
    factors = _int_list(args.scales)
    if factors and 1 not in factors:
        factors = [1, *factors]  # ratios are taken to the 1× edition

    info = machine()
    with tempfile.TemporaryDirectory(prefix="edition-bench-") as temporary:
        work = Path(temporary)
        cases, notes = main_cases(work, keys, args.before)
        _log(f"{len(cases)} commands, {args.runs} runs each in turn after a warm-up")
        run_in_turn(cases, args.runs)
        reader, reader_reason = [], reader_bench.missing_tools() if args.reader_runs else "--reader-runs 0"
        first_paint = None
        built = {case.key for case in cases if case.samples} >= {"edition", "baseline"}
        if not reader_reason and not built:
            reader_reason = "a clean build of the edition or the baseline failed"
        if reader_reason:
            notes["reader"] = f"not measured: {reader_reason}"
            _log(f"reader section skipped: {reader_reason}")
        else:
            _log(f"reader: Lighthouse, {args.reader_runs} run(s) per page and site in turn")
            reader = reader_bench.audit_sites(work / "out-edition", work / "out-baseline", args.reader_runs,
                                              args.out / "lighthouse", log=_log)
            first_paint = reader_bench.first_paint_sizes(work / "out-edition")
        profile = ""
        if args.profile:
            _log(f"profile: one clean build of the edition under cProfile, top {args.profile} entries")
            profile = profile_clean_build(work, args.profile)
        scales = scaling_cases(work, factors) if factors else []
        if scales:
            _log(f"scaling: {factors}, {args.scale_runs} run(s) each in turn")
            run_in_turn([case for scale in scales for case in scale.cases], args.scale_runs)
    suite = None
    if args.test_suite_jobs:
        # After the rest, on its own: it runs the suite's own builds on every core.
        _log(f"test suite: one run in {args.test_suite_jobs} process(es)")
        suite = run_test_suite(args.test_suite_jobs)
    else:
        notes["test suite"] = "not measured: --test-suite-jobs 0"
    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]

    by_key = {case.key: case for case in cases}
    targets = evaluate(by_key, scales) + reader_bench.evaluate(reader, first_paint)
    reader_section = (reader_bench.markdown_section(reader, args.reader_runs, reader_bench.lighthouse_version())
                      if reader else "")
    args.out.mkdir(parents=True, exist_ok=True)
    plot = args.out / "scaling.png"
    plotted = draw_scaling(scales, plot)
    shown = plot.relative_to(ROOT).as_posix() if plot.is_relative_to(ROOT) else plot.name
    report = markdown_report(info, cases, scales, targets, notes, shown if plotted else "", reader_section, profile,
                             suite_section(suite) if suite else "")
    (args.out / "results.md").write_text(report, encoding="utf-8")
    every = cases + [case for scale in scales for case in scale.cases]
    data = {
        "machine": info,
        "runs": args.runs,
        "scale_runs": args.scale_runs,
        "cases": {
            case.key: {
                "label": case.label,
                "samples": [sample.to_json() for sample in case.samples],
                "failed": [sample.to_json() for sample in case.failed],
                **{what: s.to_json() for what in ("wall", "cpu", "peak_rss_mib") if (s := case.spread(what))},
            }
            for case in every
        },
        "scaling": [{"factor": s.factor, "size": s.size, "note": s.note} for s in scales],
        "reader": reader_bench.to_json(reader),
        "test_suite": suite and {"jobs": suite.jobs, **suite.sample.to_json(), "outcome": suite.outcome,
                                 "slowest": [{"seconds": t, "phase": p, "test": n} for t, p, n in suite.slowest]},
        "targets": [vars(target) for target in targets],
        "notes": notes,
    }
    (args.out / "results.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.record:
        record(args.record, report)
    print(report)
    print(f"Written: {args.out / 'results.md'}, {args.out / 'results.json'}" + (f", {plot}" if plotted else ""))
    failed_audits = any(result.errors for pair in reader for result in pair)
    suite_failed = suite is not None and suite.sample.returncode != 0
    return 1 if any(case.failed for case in every) or failed_audits or suite_failed else 0


if __name__ == "__main__":
    sys.exit(main())

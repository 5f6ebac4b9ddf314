"""What one command costs as a whole process (wall time, CPU time, peak memory),
how runs are summarised, and a target set against a measurement.

The benchmark runs every command as a child process and reads its resource
usage with ``os.wait4``, which covers the child and every descendant it waited
for (``make`` and the Python it starts, ``latexmk`` and its ``xelatex``): CPU
is user plus system time, memory is the largest resident set among them.
Interpreter start-up and imports are part of the cost, as a contributor pays
them on every build.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    """One run of a command."""

    wall: float  #: seconds from start to exit
    cpu: float  #: user + system seconds of the process tree
    peak_rss_mib: float  #: largest resident set of one process in the tree, MiB
    returncode: int
    output: str  #: stdout and stderr, interleaved

    def to_json(self) -> dict[str, float | int]:
        """The figures of the run, without its output."""
        return {
            "wall": round(self.wall, 4),
            "cpu": round(self.cpu, 4),
            "peak_rss_mib": round(self.peak_rss_mib, 1),
            "returncode": self.returncode,
        }


def run_measured(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None
) -> Sample:
    """Run ``command`` in ``cwd`` to its end and return what it cost.

    Output goes to a temporary file rather than a pipe, so that a chatty
    command never blocks and reading it costs the measurement nothing.
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command), cwd=cwd, env=None if env is None else dict(env),
            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        # wait4 reaped the child; tell Popen, which would otherwise wait again.
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read()
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss_mib=usage.ru_maxrss / 1024,  # Linux reports KiB
        returncode=process.returncode,
        output=text,
    )


@dataclass(frozen=True)
class Spread:
    """Median and range of a list of figures."""

    median: float
    low: float
    high: float
    count: int

    def __str__(self) -> str:
        return f"{self.median:.3g} ({self.low:.3g}–{self.high:.3g})" if self.count > 1 else f"{self.median:.3g}"

    def to_json(self) -> dict[str, float | int]:
        """The spread as plain numbers."""
        return {"median": round(self.median, 4), "min": round(self.low, 4), "max": round(self.high, 4), "n": self.count}


def spread(values: Sequence[float]) -> Spread:
    """Return the median, minimum and maximum of ``values`` (not empty)."""
    if not values:
        raise ValueError("no figures to summarise")
    return Spread(statistics.median(values), min(values), max(values), len(values))


def paired_ratios(numerators: Sequence[float], denominators: Sequence[float]) -> Spread:
    """Return the spread of run-by-run ratios of two series measured in turn.

    Run *i* of one command and run *i* of the other were taken back to back,
    under the same load from the rest of the machine; their ratio cancels
    most of that load, which the ratio of two medians would not.
    """
    if len(numerators) != len(denominators):
        raise ValueError("paired series must have the same length")
    return spread([a / b for a, b in zip(numerators, denominators, strict=True) if b > 0])


@dataclass
class Target:
    """One target of the benchmark, measured."""

    what: str
    measured: str
    target: str
    met: bool | None  #: None when it could not be measured


def targets_table(targets: Sequence[Target], measured: str = "measured") -> str:
    """The targets as a Markdown table: what, measured, target, met."""
    verdict = {None: "n/a", True: "yes", False: "NO"}
    return "\n".join([
        f"| target | {measured} | target | met |",
        "| --- | --- | --- | --- |",
        *(f"| {t.what} | {t.measured} | {t.target} | {verdict[t.met]} |" for t in targets),
    ])

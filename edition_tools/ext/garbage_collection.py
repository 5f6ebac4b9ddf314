"""Python's cycle collector run less often while Sphinx builds the edition.

Docutils trees hold their parents and children, so every page's tree is a
reference cycle that only the cycle collector frees, and the build keeps a
large, slowly growing heap (the environment: tables of contents, domains, the
search index) that each full collection walks again. With Python's default
thresholds (700 allocations, then every 10th and 100th collection) the
collector took 16 % of the CPU time of a clean build of the edition and about
a quarter at 10 and 30 times its size (see docs/maintainers/benchmark.md).
mypy tunes its collector the same way for the same reason.

While the edition is read and written the thresholds are raised to
:data:`BUILD_THRESHOLDS` (never lowered, should a program running Sphinx have
raised them further); when the build ends, failed or not, the previous ones
are back. Nothing is left uncollected: a collection runs as before, less often.
The price is a peak of memory about a fifth higher (measured on the
benchmark page, with the time saved: about a tenth of a clean build).
"""

from __future__ import annotations

import gc

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from edition_tools.ext import extension

#: Allocations before a young collection, then young collections before a
#: middle one, and middle ones before a full one.
BUILD_THRESHOLDS = (50_000, 20, 100)


def build_thresholds(current: tuple[int, ...]) -> tuple[int, ...]:
    """The thresholds a build runs with: :data:`BUILD_THRESHOLDS`, or ``current`` where higher.

    A threshold of 0 (the collector switched off for that generation) stays 0.
    """
    return tuple(0 if now == 0 else max(now, ours) for now, ours in zip(current, BUILD_THRESHOLDS, strict=True))


class _Pace:
    """The thresholds in force before the build, to be put back at its end."""

    def __init__(self) -> None:
        self.previous: tuple[int, ...] | None = None

    def raise_thresholds(self, app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
        if self.previous is None:
            self.previous = gc.get_threshold()
            gc.set_threshold(*build_thresholds(self.previous))

    def restore(self, app: Sphinx, exception: Exception | None) -> None:
        if self.previous is not None:
            gc.set_threshold(*self.previous)
            self.previous = None


@extension
def setup(app: Sphinx) -> None:
    """Raise the thresholds when reading begins and restore them when the build finishes.

    Reading begins (``env-before-read-docs``) inside every build, a no-op one
    included, and ``build-finished`` is emitted whether the build succeeded
    or raised.
    """
    pace = _Pace()
    app.connect("env-before-read-docs", pace.raise_thresholds)
    app.connect("build-finished", pace.restore, priority=900)

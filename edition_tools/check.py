"""``make check``: validate the edition's content without a Sphinx build.

Run as ``python -m edition_tools.check [PATH ...]``. With no paths it checks
the whole edition. Every problem is printed as ``path:line: message (rule)``,
followed by a count; the exit status is 0 when clean, 1 when problems were
found and 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .article_source import SourceError
from .problems import Problem
from .source_fidelity import check_fidelity, edition_paragraphs_from_myst


def check_edition() -> list[Problem]:
    """Return every problem found in the edition."""
    try:
        return check_fidelity(edition_paragraphs_from_myst())
    except SourceError as error:
        return [Problem("sources/article.txt", 1, str(error), "source-pinned")]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the problems of the edition and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m edition_tools.check", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    problems = sorted(check_edition())
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
        return 1
    print("No problems found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The one shape in which every check of the edition reports what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """A problem at a place in a file: ``path:line: message (rule)``."""

    path: str
    line: int
    message: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message} ({self.rule})"


def display_path(path: Path | str, root: Path) -> str:
    """Return ``path`` relative to ``root`` when it lies inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)

"""Reading the edition's small TOML data files, with errors that name the file."""

from __future__ import annotations

import tomllib
from pathlib import Path


def read_toml(path: Path) -> dict:
    """Return the parsed file; raise ``ValueError`` naming it if unreadable or malformed."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path}: {error}") from error

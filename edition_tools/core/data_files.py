"""Reading the edition's small TOML data files, with errors that name the file."""

from __future__ import annotations

import tomllib
from pathlib import Path


def read_toml(path: Path) -> dict:
    """Return the parsed file; raise ``ValueError`` naming it if unreadable or malformed."""
    return read_toml_and_text(path)[0]


def read_toml_and_text(path: Path) -> tuple[dict, str]:
    """Return the parsed file and its text, read once (for callers that find its tables' lines).

    Raise ``ValueError`` naming the file if it is unreadable or malformed.
    """
    try:
        with path.open("rb") as fh:
            text = fh.read().decode("utf-8")
        return tomllib.loads(text), text
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path}: {error}") from error

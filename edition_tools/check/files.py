"""Read a contributed file safely: a clear problem instead of a traceback.

Before any rule looks at a file, it must be a regular file (not a symbolic
link, which could make the build read something outside the edition), small
enough to be a page, free of NUL bytes (which mark binary files) and valid
UTF-8. Each failure is one problem that names the place and says what to do.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from edition_tools.check.registry import rule
from edition_tools.core.problems import Problem

#: The largest page accepted; the longest page of the edition is a few KB.
MAX_BYTES = 200 * 1024


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of ``offset`` in ``data``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


@rule("file-encoding", "a file that is not valid UTF-8; the message gives the line and the byte",
      "save the file as UTF-8", scope="file")
@rule("file-binary", "a file with a NUL byte: a binary file, not a page", "remove it, or save the page as plain text",
      scope="file")
@rule("file-too-large", "a page in `docs/` or `glossary/` larger than 200 KB",
      "split it, or remove what does not belong", scope="file")
@rule("file-symlink", "a symbolic link, which could make the build publish a file from elsewhere",
      "replace it with the file itself", scope="file")
@rule("file-unreadable", "a file that cannot be read, or is not a regular file", "check the path and its permissions",
      scope="file")
def read_text(path: Path, shown: str, max_bytes: int | None = MAX_BYTES) -> tuple[str | None, list[Problem]]:
    """Return the text of ``path`` and no problems, or ``None`` and what is wrong.

    ``shown`` is the path as problems print it; ``max_bytes`` (``None``: no
    limit) is the largest size accepted.
    """
    try:
        info = path.lstat()
    except OSError as error:
        return None, [Problem(shown, 1, f"cannot be read ({error.strerror}); check the path and its permissions",
                              "file-unreadable")]
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(path)
        return None, [
            Problem(
                shown, 1,
                f"is a symbolic link (to {target}); a link could make the build publish a file "
                "from outside the edition: replace it with the file itself",
                "file-symlink",
            )
        ]
    if not stat.S_ISREG(info.st_mode):
        return None, [Problem(shown, 1, "is not a regular file; only text files belong here", "file-unreadable")]
    if max_bytes is not None and info.st_size > max_bytes:
        return None, [
            Problem(
                shown, 1,
                f"is {info.st_size:,} bytes, more than the {max_bytes // 1024} KB a page may have; "
                "split it into smaller pages or remove what does not belong in the edition",
                "file-too-large",
            )
        ]
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [Problem(shown, 1, f"cannot be read ({error.strerror}); check the path and its permissions",
                              "file-unreadable")]
    nul = data.find(b"\0")
    if nul >= 0:
        line, column = _line_and_column(data, nul)
        return None, [
            Problem(
                shown, line,
                f"contains a NUL byte at byte offset {nul} (column {column}), so it is a binary "
                "file, not a text page; remove it, or save the page again as plain UTF-8 text",
                "file-binary",
            )
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line, column = _line_and_column(data, error.start)
        bad = " ".join(f"0x{byte:02X}" for byte in data[error.start:error.end])
        return None, [
            Problem(
                shown, line,
                f"is not valid UTF-8 at byte offset {error.start} (column {column}): {bad}, "
                f"{error.reason}; save the file as UTF-8 "
                "(it was probably saved as Latin-1 or Windows-1252)",
                "file-encoding",
            )
        ]

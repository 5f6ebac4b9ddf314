"""The pinned source of the article: its metadata and its body paragraphs.

``sources/article.txt`` is the article exactly as received; ``sources/article.toml``
pins its sha256, names the blocks of the capture that are not body text, and
lists the run-in labels (``BACKGROUND:`` ...) that the edition turns into page
headings. Everything else in the capture is a body paragraph, in order.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: The repository root (the folder holding conf.py).
ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "sources"
METADATA = SOURCES / "article.toml"


class SourceError(Exception):
    """The pinned source does not match its metadata."""


@dataclass(frozen=True)
class BodyParagraph:
    """One body paragraph of the article, numbered from 1."""

    number: int
    text: str
    #: The run-in label removed from the start of the paragraph, if any.
    run_in_label: str
    #: 1-based line of the paragraph in ``sources/article.txt``.
    line: int


def load_metadata(path: Path = METADATA) -> dict:
    """Return the parsed ``article.toml``."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _blocks(text: str) -> list[tuple[int, str]]:
    """Split the capture into blank-line separated blocks with their first line."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, "\n".join(current)))
            current = []
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def normalise_space(text: str) -> str:
    """Collapse every run of white space (no-break spaces included) to one space."""
    return re.sub(r"\s+", " ", text).strip()


def body_paragraphs_from_text(text: str, metadata: dict) -> list[BodyParagraph]:
    """Return the body paragraphs of ``text``, classified by ``metadata``.

    Header and furniture blocks are recognised with white space normalised,
    since the capture mixes no-break spaces into the publisher's blurb.
    """
    listed = metadata["blocks"]["header"] + metadata["blocks"]["furniture"]
    skipped = {normalise_space(block) for block in listed}
    labels = metadata["article"]["run_in_labels"]
    paragraphs: list[BodyParagraph] = []
    for line, block in _blocks(text):
        if normalise_space(block) in skipped:
            continue
        label = next((lab for lab in labels if block.startswith(lab)), "")
        paragraphs.append(
            BodyParagraph(len(paragraphs) + 1, block[len(label):], label.strip(), line)
        )
    return paragraphs


@cache
def body_paragraphs(sources: Path = SOURCES) -> tuple[BodyParagraph, ...]:
    """Return the article's body paragraphs after checking the pinned sha256.

    Raises :class:`SourceError` if the file's hash or paragraph count does not
    match ``article.toml``.
    """
    metadata = load_metadata(sources / "article.toml")
    article = metadata["article"]
    path = sources / article["file"]
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != article["sha256"]:
        raise SourceError(
            f"{path}: sha256 is {digest}, but sources/article.toml pins "
            f"{article['sha256']}; the article as received must never change"
        )
    paragraphs = body_paragraphs_from_text(data.decode("utf-8"), metadata)
    if len(paragraphs) != article["paragraphs"]:
        raise SourceError(
            f"{path}: found {len(paragraphs)} body paragraphs, expected "
            f"{article['paragraphs']}; is a block of page furniture missing "
            "from [blocks] in sources/article.toml?"
        )
    return tuple(paragraphs)

"""Rules for the fact checks' receipts (``sources/receipts.toml``).

A verdict is only as good as the words it rests on. For every Fact check
note the receipts file names the article's words that were checked and, for
each source the note cites, the words of that source the verdict rests on
(read by :mod:`edition_tools.core.receipts`). These rules hold the file and
the notes to each other, and the checked words to the article.
"""

from __future__ import annotations

from collections.abc import Iterator

from edition_tools.check.context import EditionContext
from edition_tools.check.registry import rule
from edition_tools.core.article import SourceError, body_paragraphs, normalise_space
from edition_tools.core.conventions import KindLineError, read_kind_line
from edition_tools.core.problems import Problem
from edition_tools.core.receipts import MAX_WORDS, RECEIPTS_FILE, CheckedClaim, load_receipts


def _fact_checks(pages: list) -> Iterator[tuple[str, object, set[str], dict[str, int]]]:
    """Each Fact check note of ``pages``: where it is, the note, its keys and their lines.

    Only the pages that hold the article's paragraphs count: a Fact check
    checks the article, and its label names it in the whole edition.
    """
    for _, shown, page in pages:
        if not page.paragraphs:
            continue
        cited: dict[str, dict[str, int]] = {}
        for citation in page.citations:
            if citation.role.footnote is not None:
                for key in citation.keys:
                    cited.setdefault(citation.role.footnote.lower(), {}).setdefault(key, citation.line)
        for note in page.footnotes:
            try:
                kind = read_kind_line(note.kind_text) if note.kind_text else None
            except KindLineError:
                continue  # a kind line in error is reported by its own rule; receipts wait for a verdict
            if kind is None or kind.kind.name != "Fact check":
                continue
            keys = cited.get(note.label.lower(), {})
            yield shown, note, set(keys), keys


def _claims(context: EditionContext) -> tuple[dict[str, CheckedClaim], list[Problem]]:
    """The receipts file, read once for the rules of one check."""
    path = context.root / RECEIPTS_FILE
    if path not in context.data_files:
        try:
            context.data_files[path] = load_receipts(path), []
        except ValueError as error:
            where, _, message = str(error).partition(": ")
            line = int(where.rsplit(":", 1)[1]) if where.rsplit(":", 1)[-1].isdigit() else 1
            context.data_files[path] = {}, [Problem(RECEIPTS_FILE.as_posix(), line, message, "receipt-file")]
    return context.data_files[path]


@rule("receipt-file", "`sources/receipts.toml` that cannot be read, or a table without `checked`, or a receipt "
      "without `key`, `excerpt` or `language`", "follow the form in CONTRIBUTING's section on fact checks",
      scope="edition")
@rule("receipt-missing", "a source cited in a Fact check note without its receipt in `sources/receipts.toml`",
      "copy the words of that source the verdict rests on into a receipt of the note (at most 40 words)",
      scope="edition")
def check_every_citation_has_its_receipt(context: EditionContext) -> Iterator[Problem]:
    """Each Fact check note has a table, and each source it cites a receipt there."""
    claims, problems = _claims(context)
    yield from problems
    if problems:
        return
    for shown, note, keys, lines in _fact_checks(context.checked):
        if not keys:
            continue  # a note that cites nothing is reported by annotation-uncited
        claim = claims.get(note.label)
        if claim is None:
            yield Problem(shown, note.line, f"the Fact check [^{note.label}] has no table [{note.label}] in "
                          f"{RECEIPTS_FILE.as_posix()}: add the article's words it checks and a receipt for each "
                          "source it cites", "receipt-missing")
            continue
        for key in sorted(keys - {receipt.key for receipt in claim.receipts}, key=lines.get):
            yield Problem(shown, lines[key], f"the Fact check [^{note.label}] cites {key} without a receipt: "
                          f"add [[{note.label}.receipts]] key = \"{key}\" with the words of the source the "
                          "verdict rests on", "receipt-missing")


@rule("receipt-too-long", f"an excerpt of more than {MAX_WORDS} words", "cut it to the words the verdict rests on",
      scope="edition")
@rule("receipt-english", "an excerpt not in English without its English rendering",
      "add `english = \"…\"` with your rendering", scope="edition")
@rule("receipt-orphan", "a receipt of no Fact check note, or of a source the note does not cite",
      "remove it, or cite the source in the note", scope="edition")
@rule("receipt-checked-words", "checked words that are not the article's words exactly",
      "copy the words from `sources/article.txt`; never retype them", scope="edition")
def check_the_receipts_file(context: EditionContext) -> Iterator[Problem]:
    """The file itself: short excerpts, English renderings, no orphans, the article's own words."""
    if not context.whole:
        return
    claims, problems = _claims(context)
    if problems:
        return  # reported by check_every_citation_has_its_receipt
    shown = RECEIPTS_FILE.as_posix()
    notes = {note.label: keys for _, note, keys, _ in _fact_checks(context.every)}
    try:
        article = " ".join(normalise_space(p.text) for p in body_paragraphs(context.root / "sources"))
    except SourceError:
        article = None  # reported by the article's own rule
    for label, claim in claims.items():
        if label not in notes:
            yield Problem(shown, claim.line, f"[{label}] names no Fact check note of the edition", "receipt-orphan")
        if article is not None and normalise_space(claim.checked) not in article:
            yield Problem(shown, claim.line, f"[{label}]: the checked words “{claim.checked}” are not in the "
                          "article as written", "receipt-checked-words")
        for receipt in claim.receipts:
            if receipt.words > MAX_WORDS:
                yield Problem(shown, receipt.line, f"[{label}] {receipt.key}: the excerpt has {receipt.words} "
                              f"words; keep at most {MAX_WORDS}", "receipt-too-long")
            if receipt.language != "en" and not receipt.english:
                yield Problem(shown, receipt.line, f"[{label}] {receipt.key}: the excerpt is in "
                              f"{receipt.language}; add english = \"…\"", "receipt-english")
            if label in notes and receipt.key not in notes[label]:
                yield Problem(shown, receipt.line, f"[{label}] {receipt.key}: the note does not cite this "
                              "source", "receipt-orphan")

"""The edition's conventions, each defined once.

Whatever the validator accepts, the build must render and the export must
carry; so the grammar of what contributors write (the kinds of annotation and
their bold kind line, citation keys with their notes, term keys, the folders
that hold content, the web addresses allowed, how a date is written) lives
here and nowhere else. ``check``, ``export``, ``ext`` and ``bench`` import it;
it imports nothing of the edition.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass

# -- Where content lives ---------------------------------------------------------

#: The folders of contributed content, relative to the root.
CONTENT_FOLDERS = ("docs", "glossary")
#: The folder of glossary terms: one term a file, except ``index.md``.
GLOSSARY_FOLDER = "glossary"
#: MyST target naming an article paragraph: ``(p7)=`` has the label ``p7``.
PARAGRAPH_LABEL = re.compile(r"^p([1-9][0-9]*)$")


# -- Roles ---------------------------------------------------------------------------

#: A role's content with an explicit target: ``Moscow Format <moscow-format>``.
ROLE_WITH_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


def role_text(content: str) -> str:
    """The text a role shows: ``the talks <Moscow Format>`` shows "the talks"."""
    match = ROLE_WITH_TARGET.match(content)
    return match.group("text") if match else content


def role_target(content: str) -> str:
    """The target a role points at: ``the talks <Moscow Format>`` points at "Moscow Format"."""
    match = ROLE_WITH_TARGET.match(content)
    return match.group("target") if match else content


def term_key(text: str) -> str:
    """The key under which Sphinx files and matches a term: white space collapsed, lower case."""
    return " ".join(text.split()).lower()


# -- Citations -------------------------------------------------------------------------

#: ``{cite:p}`{see}key{p. 3}```: text in braces is a pre- or post-note, not a key
#: (sphinxcontrib-bibtex's syntax).
CITATION_NOTE = re.compile(r"\{[^{}]*\}")


def is_citation_role(name: str) -> bool:
    """True for the bibliography roles: ``{cite}``, ``{cite:p}``, ``{cite:t}`` ..."""
    return name == "cite" or name.startswith("cite:")


#: One cited key with its notes: ``{see}key{p. 3}``.
CITATION_PART = re.compile(r"(?:\{(?P<pre>[^{}]*)\})?\s*(?P<key>[^{},\s]+)\s*(?:\{(?P<post>[^{}]*)\})?")


def citation_parts(content: str) -> list[tuple[str, str, str]]:
    """Each key of a citation with its pre- and post-note: ``[("see", "key", "p. 3")]``."""
    return [(m["pre"] or "", m["key"], m["post"] or "") for m in CITATION_PART.finditer(content)]


def citation_keys(content: str) -> list[str]:
    """The keys of a citation role's content, notes removed: ``{see}a2025x{p. 3},b2024y``."""
    return [key.strip() for key in CITATION_NOTE.sub("", content).split(",")]


# -- Annotation kinds and their kind line ---------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of annotation, as its bold kind line names it."""

    name: str
    #: Whether a note of this kind must cite a source.
    must_cite: bool
    #: The W3C Web Annotation motivation of the kind.
    motivation: str
    #: What follows the em dash, if the kind takes a qualifier (``None``: it takes none).
    qualifier: str | None
    #: The tag the export gives every note of the kind, if any.
    tag: str | None = None

    @property
    def example(self) -> str:
        """The kind line as a contributor writes it."""
        return f"**{self.name}{' — ' + self.qualifier if self.qualifier else ''}.**"


#: The verdicts of a Fact check, in the order the guide gives them.
VERDICTS = ("accurate", "imprecise", "incorrect", "unsupported", "overtaken")
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("Context", True, "commenting", None),
        Kind("Fact check", True, "assessing", "<verdict>"),
        Kind("Since publication", True, "commenting", "as of <Month> <YYYY>", "since-publication"),
        Kind("Term", False, "describing", None),
    )
}
KIND_LIST = ", ".join(kind.example for kind in KINDS.values())
#: The text of a kind line in bold: ``Fact check — imprecise.``.
KIND_LINE = re.compile(r"^(?P<kind>[A-Z][a-z]+(?: [a-z]+)?)(?:\s*(?P<dash>[—–-]+)\s*(?P<qualifier>.*?))?\.$", re.DOTALL)
#: ``as of June 2025``.
AS_OF = re.compile(r"^as of (?P<month>[A-Za-z]+) (?P<year>[0-9]{4})$")
MONTHS = tuple(calendar.month_name)[1:]


@dataclass(frozen=True)
class KindLine:
    """A kind line read: the kind, and its qualifier if it has one."""

    kind: Kind
    qualifier: str | None
    #: A Fact check's verdict, when its qualifier is one.
    verdict: str | None = None
    #: A Since publication note's month, when its qualifier names one: ``2025-06``.
    as_of: str | None = None


class KindLineError(ValueError):
    """A bold opening that names a kind but is not a valid kind line."""

    def __init__(self, message: str, kind: Kind) -> None:
        super().__init__(message)
        #: What to write instead, and the kind the line names.
        self.message, self.kind = message, kind


def read_kind_line(text: str, today: _dt.date | None = None) -> KindLine | None:
    """Read the text in bold that opens a note.

    Returns ``None`` when ``text`` names no kind at all; raises
    :class:`KindLineError` when it names a kind but its qualifier is missing,
    not allowed or malformed; ``today`` (default: the day of the build) bounds
    the month of *Since publication*.
    """
    match = KIND_LINE.match(text.strip())
    if not match or match["kind"] not in KINDS:
        return None
    kind, qualifier = KINDS[match["kind"]], match["qualifier"]
    if match["dash"] is not None and match["dash"] != "—":
        raise KindLineError(f"separate the kind from its qualifier with an em dash (—): {kind.example}", kind)
    qualifier = " ".join(qualifier.split()) if qualifier is not None else None
    if kind.qualifier is None:
        if qualifier is not None:
            raise KindLineError(f"the kind {kind.name} takes no qualifier; write **{kind.name}.**", kind)
        return KindLine(kind, None)
    if kind.name == "Fact check":
        if not qualifier:
            raise KindLineError(
                f"state the verdict: **Fact check — <verdict>.** with one of {', '.join(VERDICTS)}", kind
            )
        if qualifier not in VERDICTS:
            raise KindLineError(f"“{qualifier}” is not a verdict; write one of {', '.join(VERDICTS)}", kind)
        return KindLine(kind, qualifier, verdict=qualifier)
    # Since publication: the month as of which the note is true.
    if not qualifier:
        raise KindLineError(
            "say when it was last true: **Since publication — as of <Month> <YYYY>.**, e.g. as of June 2025", kind
        )
    as_of = AS_OF.match(qualifier)
    if not as_of or as_of["month"] not in MONTHS:
        raise KindLineError(
            f"“{qualifier}” is not “as of <Month> <YYYY>” with the month in English, e.g. as of June 2025", kind
        )
    month = _dt.date(int(as_of["year"]), MONTHS.index(as_of["month"]) + 1, 1)
    today = today or _dt.date.today()
    if month > today.replace(day=1):
        raise KindLineError(
            f"{as_of['month']} {as_of['year']} is after the month of the build ({today:%B %Y}); "
            "write the month the note was last verified",
            kind,
        )
    return KindLine(kind, qualifier, as_of=f"{month:%Y-%m}")


# -- Web addresses --------------------------------------------------------------------

#: MyST's own test for a scheme (myst_parser.mdit_to_docutils.base.REGEX_SCHEME).
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
#: Schemes a link in content may use: web pages and e-mail addresses.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
#: Schemes a bibliography entry's ``url`` may use: a source is a web page that was read.
SOURCE_SCHEMES = frozenset({"http", "https"})
#: MyST's scheme for references inside the project (``project:#p3``).
INTERNAL_SCHEMES = frozenset({"project"})


# -- Dates ----------------------------------------------------------------------------


def written_date(iso: str) -> str:
    """Write ``2025-04-17`` as ``17 April 2025`` and ``2025-04`` as ``April 2025``.

    Anything else (a year alone, a malformed date) is returned as it is.
    """
    parts = iso.split("-")
    try:
        if len(parts) == 3:
            return _dt.date(*map(int, parts)).strftime("%-d %B %Y")
        if len(parts) == 2:
            return _dt.date(int(parts[0]), int(parts[1]), 1).strftime("%B %Y")
    except ValueError:
        pass
    return iso

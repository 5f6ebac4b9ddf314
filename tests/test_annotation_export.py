"""``make annotations``: one W3C Web Annotation per footnote, re-anchoring on the source."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from bs4 import BeautifulSoup
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from edition_tools.core.article import load_metadata, normalise_space
from edition_tools.export import w3c as annotation_export
from edition_tools.export.w3c import (
    annotation_id,
    content_pages,
    export,
    load_article,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "annotation_export"
W3C = ROOT / "tests" / "fixtures" / "w3c-annotation-model"
SCHEMA = ROOT / "edition_tools" / "export" / "annotations.schema.json"
DEFINITION = re.compile(r"^\[\^(?P<label>[^\]]+)\]:", re.MULTILINE)
EXPECT = re.compile(r"^% expect: (?P<line>\d+) (?P<rule>[a-z-]+) (?P<message>.+)$", re.MULTILINE)


@pytest.fixture(scope="module")
def exported() -> dict:
    collection, problems = export()
    assert [str(p) for p in problems] == []
    return collection


@pytest.fixture(scope="module")
def items(exported: dict) -> list[dict]:
    return exported["first"]["items"]


def by_label(items: list[dict], labels: list[str]) -> dict[str, dict]:
    """Map labels to their exported annotations through the label-derived ids."""
    article = load_article()
    ids = {annotation_id(article, label): label for label in labels}
    return {ids[item["id"]]: item for item in items if item["id"] in ids}


def edition_labels() -> list[str]:
    """Every footnote defined in the edition's pages, read without markdown-it."""
    return [m["label"] for page in content_pages() for m in DEFINITION.finditer(page.read_text(encoding="utf-8"))]


# -- The file ----------------------------------------------------------------


def test_make_annotations_writes_the_same_file_every_time(tmp_path: Path, exported: dict) -> None:
    outputs = []
    for name in ("first.jsonld", "second.jsonld"):
        output = tmp_path / name
        result = subprocess.run(
            [sys.executable, "-m", "edition_tools.export.w3c", "--output", str(output)],
            capture_output=True, text=True, cwd=ROOT,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith(f"Wrote {exported['total']} annotations to ")
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0]) == exported


def test_every_footnote_is_exported_exactly_once(items: list[dict]) -> None:
    labels = edition_labels()
    assert labels and len(labels) == len(set(labels))
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(annotation_id(load_article(), label) for label in labels)


def test_ids_do_not_depend_on_the_other_annotations() -> None:
    alone, problems = export([ROOT / "docs" / "introduction.md"])
    assert problems == []
    everything, _ = export()
    assert {a["id"] for a in alone["first"]["items"]} < {a["id"] for a in everything["first"]["items"]}


# -- Anchoring ---------------------------------------------------------------


def the_resource(source: str) -> str:
    """The text of the resource a target names: the file whose sha256 its ``ni:`` name carries."""
    scheme, digest = source.split(";")
    assert scheme == "ni:///sha-256"
    data = (ROOT / "sources" / "article.txt").read_bytes()
    assert base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4)) == hashlib.sha256(data).digest()
    # Decoded as is, not read in text mode: positions count the file's own code points.
    return data.decode("utf-8")


def test_the_export_records_what_its_selectors_count_over(exported: dict) -> None:
    data = (ROOT / "sources" / "article.txt").read_bytes()
    [article] = exported["schema:isBasedOn"]
    assert article["schema:sha256"] == hashlib.sha256(data).hexdigest() == load_metadata()["article"]["sha256"]
    assert {item["target"]["source"] for item in exported["first"]["items"]} == {article["id"]}


def test_the_target_is_the_article_named_by_its_hash_while_its_address_is_unknown(items: list[dict]) -> None:
    assert load_metadata()["article"]["url"] == ""
    sources = {item["target"]["source"] for item in items}
    assert len(sources) == 1
    scheme, digest = sources.pop().split(";")
    assert scheme == "ni:///sha-256"
    decoded = base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4))
    assert decoded.hex() == load_metadata()["article"]["sha256"]


def test_every_position_counts_code_points_of_the_target_source(items: list[dict]) -> None:
    """Each selector, read against the very resource ``target.source`` names, finds its quote."""
    for item in items:
        text = the_resource(item["target"]["source"])
        quote, position = item["target"]["selector"]
        start, end = position["start"], position["end"]
        assert 0 <= start < end <= len(text)
        assert text[start:end] == quote["exact"]
        assert text[max(0, start - 32):start] == quote["prefix"]
        assert text[end:end + 32] == quote["suffix"]
        # The quote is the only one with that context.
        assert text.count(quote["prefix"] + quote["exact"] + quote["suffix"]) == 1


def test_each_quote_is_the_sentence_up_to_its_marker(items: list[dict]) -> None:
    labels = edition_labels()
    annotations = by_label(items, labels)
    compared = 0
    for page in content_pages():
        for line in page.read_text(encoding="utf-8").splitlines():
            for label in re.findall(r"\[\^([^\]]+)\](?!:)", line):
                before = line[: line.index(f"[^{label}]")]
                before = re.sub(r"\[\^[^\]]+\]", "", before)  # other markers on the line
                if "{" not in before:  # roles change the visible text
                    exact = annotations[label]["target"]["selector"][0]["exact"]
                    assert normalise_space(exact) == normalise_space(before)
                    compared += 1
    assert compared > 0


# -- Bodies, kinds, citations --------------------------------------------------


def test_each_kind_maps_to_its_motivation_and_citations_become_links() -> None:
    collection, problems = export([FIXTURES / "kinds.md"])
    assert problems == []
    found = by_label(collection["first"]["items"], ["fixture-context", "fixture-fact", "fixture-since", "fixture-term"])
    summary = {
        label: (
            item["motivation"],
            [b["purpose"] for b in item["body"][0]["items"]],
            [(b["type"], b["purpose"], b.get("value") or b.get("source")) for b in item["body"][1:]],
            item["target"]["selector"][0]["exact"],
        )
        for label, item in found.items()
    }
    bib = {key: entry.fields["url"] for key, entry in _bibliography().entries.items()}
    assert summary == {
        "fixture-context": (
            "commenting", ["commenting", "commenting"],
            [("SpecificResource", "linking", bib["lbci2025court"])],
            "On March 31, 2025, the Prosecutor General's Office of the Russian Federation submitted a "
            "proposal to the Supreme Court to allow the Taliban to operate in the country.",
        ),
        "fixture-fact": (
            "assessing", ["assessing", "assessing"],
            [("TextualBody", "tagging", "verdict:imprecise"),
             ("SpecificResource", "linking", bib["asiaplus2025delisted"]),
             ("SpecificResource", "linking", bib["lbci2025court"])],
            "On April 17, 2025,",
        ),
        "fixture-since": (
            "commenting", ["commenting", "commenting"],
            [("TextualBody", "tagging", "since-publication"), ("TextualBody", "tagging", "as-of:2025-07")],
            "A year earlier, there had been no legal mechanism to delist terrorist groups.",
        ),
        "fixture-term": (
            "describing", ["describing", "describing"], [],
            "That mechanism was introduced through amendments to the Federal Law “On Countering Terrorism” "
            "by the Ministries of Foreign Affairs and Justice in May 2024, with the endorsement of "
            "President Vladimir Putin.",
        ),
    }
    plain, html = (b["value"] for b in found["fixture-since"]["body"][0]["items"])
    assert plain == "Since publication — as of July 2025. A note on what happened later.\n\nIt has a second paragraph."
    assert html == ("<p><strong>Since publication — as of July 2025.</strong>\nA note on what happened later.</p>\n"
                    "<p>It has a second paragraph.</p>")
    plain, html = (b["value"] for b in found["fixture-fact"]["body"][0]["items"])
    # A citation's pre- and post-notes stay with their key; the key is linked alone.
    assert plain.endswith("against two sources [Asia-Plus 2025, see LBCI 2025, p. 2].")
    links = BeautifulSoup(html, "html.parser").find_all("a")
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("Asia-Plus 2025", bib["asiaplus2025delisted"]), ("LBCI 2025", bib["lbci2025court"]),
    ]


def _bibliography():
    from pybtex.database import parse_file

    return parse_file(str(ROOT / "sources" / "references.bib"))


def test_html_bodies_carry_no_markup_from_the_source_that_could_run(items: list[dict]) -> None:
    collection, _ = export([FIXTURES / "kinds.md"])
    for item in items + collection["first"]["items"]:
        html = BeautifulSoup(item["body"][0]["items"][1]["value"], "html.parser")
        assert {tag.name for tag in html.find_all(True)} <= {"p", "strong", "em", "a", "code", "br", "ul", "ol", "li"}
        assert all(set(tag.attrs) <= {"href"} for tag in html.find_all(True))
        assert all(urlsplit(a["href"]).scheme in ("http", "https") for a in html.find_all("a"))
    term = by_label(collection["first"]["items"], ["fixture-term"])["fixture-term"]
    assert "&lt;b onclick=" in term["body"][0]["items"][1]["value"]


def test_citation_labels_are_those_the_site_prints(items: list[dict], html_dir: Path) -> None:
    labels = edition_labels()
    annotations = by_label(items, labels)
    compared = 0
    for page in content_pages():
        built = html_dir / page.relative_to(ROOT).with_suffix(".html")
        soup = BeautifulSoup(built.read_text(encoding="utf-8"), "html.parser")
        for label in DEFINITION.findall(page.read_text(encoding="utf-8")):
            site = [a.get_text() for a in soup.find(id=f"note-{label}").select("span.bibtex-citation a")]
            export_html = BeautifulSoup(annotations[label]["body"][0]["items"][1]["value"], "html.parser")
            assert [a.get_text() for a in export_html.find_all("a")] == site, label
            compared += len(site)
    assert compared > 0


def test_notes_that_cannot_be_exported_are_reported_at_their_line() -> None:
    path = FIXTURES / "broken.md"
    collection, problems = export([path])
    assert collection is None
    expected = [(int(m["line"]), m["rule"], m["message"]) for m in EXPECT.finditer(path.read_text(encoding="utf-8"))]
    found = sorted(problems)
    assert [(p.path, p.line, p.rule) for p in found] == [
        ("tests/fixtures/annotation_export/broken.md", line, rule) for line, rule, _ in sorted(expected)
    ]
    for problem, (_, _, message) in zip(found, sorted(expected), strict=True):
        assert problem.message.startswith(message)


def test_the_export_reports_under_the_names_of_make_check_rules() -> None:
    from edition_tools.check.registry import RULES, load

    load()
    _, problems = export([FIXTURES / "broken.md"])
    assert problems and {p.rule for p in problems} <= {name for name, rule in RULES.items() if rule.scope != "built"}


def test_a_page_that_is_not_utf8_is_reported_not_a_traceback(tmp_path: Path) -> None:
    page = tmp_path / "latin1.md"
    page.write_bytes("(p1)=\nCaf\u00e9 society.\n".encode("latin-1"))
    collection, problems = export([page])
    assert collection is None
    assert [(p.line, p.rule, p.message) for p in problems] == [
        (2, "file-encoding", "byte 0xe9 is not valid UTF-8; save the page as UTF-8"),
    ]


# -- Dates from git ----------------------------------------------------------


def test_created_and_modified_come_from_the_history(items: list[dict]) -> None:
    if not annotation_export._history_available():
        pytest.skip("needs a git checkout with its full history (not a shallow clone)")
    commit_times = {
        int(t) for t in subprocess.run(["git", "log", "--format=%at"], capture_output=True, text=True,
                                        cwd=ROOT, check=True).stdout.split()
    }
    for item in items:
        created = datetime.fromisoformat(item["created"]).timestamp()
        modified = datetime.fromisoformat(item["modified"]).timestamp()
        assert created <= modified <= time.time()
        assert int(created) in commit_times and int(modified) in commit_times


def test_dates_are_left_out_without_a_full_history(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(annotation_export, "_history_available", lambda: False)
    collection, _ = export([ROOT / "docs" / "introduction.md"])
    assert all("created" not in a and "modified" not in a for a in collection["first"]["items"])


# -- Schemas -----------------------------------------------------------------


def test_the_export_validates_against_its_json_schema(exported: dict) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert [e.message for e in validator.iter_errors(exported)] == []
    kinds, _ = export([FIXTURES / "kinds.md"])
    assert [e.message for e in validator.iter_errors(kinds)] == []
    # The schema is strict enough to notice a broken export.
    broken = copy.deepcopy(exported)
    del broken["first"]["items"][0]["target"]["selector"][0]["exact"]
    broken["first"]["items"][-1]["bodyValue"] = "not in the model used"
    assert len(list(validator.iter_errors(broken))) == 2


def _w3c_registry() -> Registry:
    definitions = (W3C / "definitions").glob("*.json")
    return Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT4))
        for path in definitions
    )


def _formats() -> jsonschema.FormatChecker:
    """The draft-04 formats, with ``uri`` and ``date-time`` checked too.

    jsonschema checks these two only when optional packages are installed;
    without them every string would pass.
    """
    checker = jsonschema.FormatChecker()

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$", value))

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", value):
            return False
        datetime.fromisoformat(value)
        return True

    return checker


def _assertions() -> list[dict]:
    listing = json.loads((W3C / "annotations" / "annotationMusts.test").read_text(encoding="utf-8"))
    return [json.loads((W3C / name).read_text(encoding="utf-8")) for name in listing["assertions"]]


def test_every_annotation_passes_the_w3c_annotation_musts(items: list[dict]) -> None:
    registry, formats = _w3c_registry(), _formats()
    assertions = _assertions()
    assert len(assertions) == 14 and all(a["assertionType"] == "must" for a in assertions)
    failures = []
    for assertion in assertions:
        validator = jsonschema.Draft4Validator(assertion, registry=registry, format_checker=formats)
        for item in items:
            if validator.is_valid(item) != (assertion["expectedResult"] == "valid"):
                failures.append((assertion["id"], item["id"]))
    assert failures == []


def test_the_w3c_musts_would_catch_an_annotation_that_breaks_them(items: list[dict]) -> None:
    registry, formats = _w3c_registry(), _formats()
    bad = copy.deepcopy(items[0])
    bad["id"] = "note-court-suspended"  # a relative reference, not a URI
    bad["modified"] = "28 November 2026"
    bad["bodyValue"] = "both body and bodyValue"
    failing = {
        a["id"] for a in _assertions()
        if not jsonschema.Draft4Validator(a, registry=registry, format_checker=formats).is_valid(bad)
    }
    assert failing == {
        "3.1-annotationIdValidated.json",
        "3.3.1-annotationModifiedValidated.json",
        "3.2.5-notBodyBodyValue.json",
    }


def test_every_target_and_selector_meets_the_w3c_specific_resource_definitions(items: list[dict]) -> None:
    registry, formats = _w3c_registry(), _formats()

    def check(definition: str, instance: object) -> bool:
        schema = {"$schema": "http://json-schema.org/draft-04/schema#",
                  "$ref": f"specificResource.json#/definitions/{definition}"}
        return jsonschema.Draft4Validator(schema, registry=registry, format_checker=formats).is_valid(instance)

    for item in items:
        target = item["target"]
        assert check("specificeResourceDetected", target)
        assert check("selectorDefined", target)
        quote, position = target["selector"]
        assert check("textQuoteSelectorDetected", quote) and check("textQuoteSelectorTypeValidIfPresent", quote)
        assert (
            check("textPositionSelectorDetected", position)
            and check("textPositionSelectorTypeValidIfPresent", position)
        )
        for body in item["body"][1:]:
            if body["type"] == "SpecificResource":
                assert check("specificeResourceDetected", body)
    # A selector missing its required key fails the same definitions.
    assert not check("textPositionSelectorDetected", {"type": "TextPositionSelector", "start": 0})


def test_every_fact_check_carries_its_receipts_as_evidence(items: list[dict]) -> None:
    from edition_tools.core.receipts import load_receipts

    claims = load_receipts()
    annotations = by_label(items, list(claims))
    for label, claim in claims.items():
        evidence = [
            body for body in annotations[label]["body"]
            if (body.get("purpose") == "assessing" and body["type"] == "TextualBody")
            or (body["type"] == "Choice" and body["items"][0].get("schema:isBasedOn"))
            or "schema:isBasedOn" in body
        ]
        words = [body["items"][0] if body["type"] == "Choice" else body for body in evidence]
        assert sorted(w["value"] for w in words) == sorted(r.excerpt for r in claim.receipts), label
        for word, body in zip(words, evidence, strict=True):
            receipt = next(r for r in claim.receipts if r.excerpt == word["value"])
            assert word["language"] == receipt.language
            if receipt.english:
                assert body["items"][1] == {"type": "TextualBody", "value": receipt.english,
                                            "format": "text/plain", "language": "en", "purpose": "assessing"}

"""The contributor workflow files: CI, hosted previews, pre-commit, owners, citation."""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

from edition_tools.core.article import load_metadata

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED_ACTION = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def triggers(workflow: dict) -> dict:
    """The ``on:`` mapping (YAML 1.1 reads the bare key ``on`` as True)."""
    return workflow.get("on", workflow.get(True)) or {}


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_there_are_two_workflows() -> None:
    assert [path.name for path in WORKFLOWS] == ["build.yml", "linkcheck.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_read_only_without_secrets_or_pull_request_target(path: Path) -> None:
    workflow = load(path)
    # The comments may name what is forbidden; the workflow itself may not.
    code = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.strip().startswith("#")]
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job.get("permissions", {}) in ({}, {"contents": "read"})
    assert not {"pull_request_target", "workflow_run"} & set(triggers(workflow))
    assert not [line for line in code if "pull_request_target" in line or "secrets." in line]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_and_checkout_keeps_no_token(path: Path) -> None:
    uses = [step["uses"] for step in steps(load(path)) if "uses" in step]
    assert uses and all(PINNED_ACTION.match(action) for action in uses), uses
    for step in steps(load(path)):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_build_runs_on_every_pull_request_and_push_to_main() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "build.yml")
    on = triggers(workflow)
    assert set(on) == {"pull_request", "push"}
    assert on["pull_request"] is None  # every pull request, whatever its branch
    assert on["push"] == {"branches": ["main"]}


def test_build_makes_html_and_pdf_strictly_tests_and_uploads_the_site() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "build.yml")
    runs = [step.get("run", "").strip() for step in steps(workflow)]
    # The one CI script, as everywhere: the Debian packages, then make lint and make test.
    assert runs.count("bash .ci/run") == 1
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".ci/debian-packages.txt" in ci and "apt-get install" in ci
    assert [line for line in ci.splitlines() if line.startswith("make ")] == ["make lint", "make test"]
    # Then the site with its gzip copies (make dist builds it strictly), the PDF and the export.
    commands = [run for run in runs if run.startswith("make ")]
    assert commands == ["make dist pdf annotations"]
    assert re.search(r"^dist: html\b", (ROOT / "Makefile").read_text(), re.M)
    upload = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    checkout = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # annotation dates come from the history
    # make html and make pdf build strictly: the Makefile's default options.
    assert re.search(r"^SPHINXOPTS\s*\?=\s*-W --keep-going -n$", (ROOT / "Makefile").read_text(), re.M)


def test_link_check_runs_weekly_and_on_demand() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "linkcheck.yml")
    on = triggers(workflow)
    assert set(on) == {"schedule", "workflow_dispatch"}
    (schedule,) = on["schedule"]
    _minute, _hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit()
    assert [s["run"] for s in steps(workflow) if "run" in s] == ["make linkcheck", "make test-online"]


def test_read_the_docs_builds_like_make_html() -> None:
    config = load(ROOT / ".readthedocs.yaml")
    assert config["version"] == 2
    assert config["build"]["tools"]["python"] == "3.11"
    assert config["python"]["install"] == [{"requirements": "requirements.txt"}]
    assert config["sphinx"] == {"configuration": "conf.py", "fail_on_warning": True}
    assert (ROOT / config["sphinx"]["configuration"]).exists()


def test_pre_commit_runs_the_validator_and_never_touches_the_article() -> None:
    config = load(ROOT / ".pre-commit-config.yaml")
    local = next(repo for repo in config["repos"] if repo["repo"] == "local")
    check, lint = local["hooks"]
    assert check["entry"] == "make check" and check["pass_filenames"] is False
    assert lint["entry"] == "make lint" and lint["pass_filenames"] is False
    assert re.search(r"\$\(BIN\)/python -m edition_tools\.check", (ROOT / "Makefile").read_text())
    hygiene = next(repo for repo in config["repos"] if repo["repo"].endswith("/pre-commit/pre-commit-hooks"))
    assert re.match(r"^v\d+\.\d+\.\d+$", hygiene["rev"])
    hooks = {h["id"]: h for h in hygiene["hooks"]}
    assert set(hooks) == {"trailing-whitespace", "end-of-file-fixer", "check-yaml", "check-toml"}
    for fixer in ("trailing-whitespace", "end-of-file-fixer"):
        exclude = hooks[fixer]["exclude"]
        assert re.search(exclude, "sources/article.txt")
        assert re.search(exclude, "tests/fixtures/fidelity/dropped-sentence.md")
        assert not re.search(exclude, "docs/introduction.md")
        assert not re.search(exclude, "sources/references.bib")


def code_owner(rules: list[tuple[str, str]], path: str) -> str:
    """The owner GitHub would pick for ``path``: the last matching rule wins."""
    owner = ""
    for pattern, team in rules:
        if pattern == "*":
            owner = team
        elif pattern.endswith("/"):
            if path.startswith(pattern[1:]):
                owner = team
        elif fnmatch(path, pattern[1:]):
            owner = team
    return owner


def test_codeowners_send_machinery_to_maintainers_and_content_to_editors() -> None:
    lines = (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    rules = [tuple(line.split()) for line in lines if line.strip() and not line.startswith("#")]
    # Only the forms code_owner understands: the catch-all and anchored paths.
    assert all(len(rule) == 2 and (rule[0] == "*" or rule[0].startswith("/")) for rule in rules)
    maintainers, editors = "@edition/maintainers", "@edition/editors"
    expected = {
        "conf.py": maintainers,
        "edition_tools/untrusted_content.py": maintainers,
        "Makefile": maintainers,
        ".ci/run": maintainers,
        ".github/workflows/build.yml": maintainers,
        "sources/article.txt": maintainers,
        "requirements.txt": maintainers,
        "docs/introduction.md": editors,
        "glossary/moscow-format.md": editors,
        "sources/references.bib": editors,
    }
    assert {path: code_owner(rules, path) for path in expected} == expected


def test_citation_cff_cites_the_edition_and_lists_the_article() -> None:
    citation = load(ROOT / "CITATION.cff")
    article = load_metadata()["article"]
    assert citation["cff-version"] == "1.2.0"
    assert citation["message"] and citation["title"] and citation["authors"]
    (reference,) = citation["references"]
    assert reference["type"] == "article"
    assert reference["title"] == article["title"]
    assert [f"{a['given-names']} {a['family-names']}" for a in reference["authors"]] == article["authors"]
    assert reference["journal"] == article["publication"]
    assert reference["publisher"] == {"name": article["publisher"]}
    assert reference["date-published"] == article["date"] == "2025-06-11"
    assert (reference["year"], reference["month"]) == (2025, 6)
    # No address or identifier that nobody has verified.
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(url|doi|repository\w*|identifiers):", text, re.M)

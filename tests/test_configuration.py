"""What ``conf.py`` promises about the folders Sphinx reads."""

from __future__ import annotations

import subprocess

from sphinx.util.matching import Matcher

import conf
from edition_tools.core.article import ROOT
from edition_tools.core.conventions import CONTENT_FOLDERS


def tracked_top_level_folders() -> set[str]:
    """The repository's top-level folders that hold a tracked file."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {path.split("/", 1)[0] for path in listed.splitlines() if "/" in path}


def test_every_folder_without_pages_is_excluded_so_sphinx_does_not_walk_it() -> None:
    excluded = Matcher(conf.exclude_patterns)
    folders = tracked_top_level_folders() | {".git", "_build", ".venv"}
    walked = sorted(folder for folder in folders - set(CONTENT_FOLDERS) if not excluded(folder))
    assert not walked, f"add {walked} to NOT_CONTENT in conf.py: Sphinx walks every folder it does not exclude"


def test_no_content_folder_is_excluded() -> None:
    excluded = Matcher(conf.exclude_patterns)
    assert [folder for folder in CONTENT_FOLDERS if excluded(folder) or excluded(f"{folder}/page.md")] == []


def test_node_modules_are_excluded_wherever_they_are() -> None:
    excluded = Matcher(conf.exclude_patterns)
    assert excluded("tests/browser/node_modules") and excluded("docs/node_modules")

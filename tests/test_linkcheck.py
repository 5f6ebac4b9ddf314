"""The online link check: Sphinx's linkcheck builder over every external address.

Marked ``network``: it runs when the sources' hosts can be reached and is
skipped, with the reason, when they cannot (offline machines, CI without the
internet). ``make linkcheck`` runs the same builder by hand.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, sphinx_build

#: How long to wait for a host before calling the network unreachable.
PROBE_SECONDS = 5
#: How many of the bibliography's hosts to try.
PROBE_HOSTS = 3


def bibliography_hosts() -> list[str]:
    """The hosts of the bibliography's addresses, in order of first appearance."""
    text = (ROOT / "sources" / "references.bib").read_text(encoding="utf-8")
    hosts = [urlsplit(url).hostname for url in re.findall(r"^\s*url\s*=\s*\{([^}]+)\}", text, re.M)]
    return list(dict.fromkeys(host for host in hosts if host))


def reachable(host: str) -> bool:
    """Whether ``host`` resolves and accepts a connection on port 443."""
    try:
        with socket.create_connection((host, 443), timeout=PROBE_SECONDS):
            return True
    except OSError:
        return False


def test_the_bibliography_names_hosts_to_probe() -> None:
    assert len(bibliography_hosts()) >= 2


@pytest.mark.network
def test_every_external_address_answers(tmp_path: Path) -> None:
    hosts = bibliography_hosts()[:PROBE_HOSTS]
    if not any(reachable(host) for host in hosts):
        pytest.skip(f"no network: none of {', '.join(hosts)} answered on port 443 within {PROBE_SECONDS} s")
    build = sphinx_build(tmp_path, builder="linkcheck")
    results = [json.loads(line) for line in (tmp_path / "output.json").read_text(encoding="utf-8").splitlines()]
    assert results, "linkcheck found no external address"
    broken = [f"{r['filename']}:{r['lineno']}: {r['uri']} ({r['status']}: {r['info']})"
              for r in results if r["status"] == "broken"]
    # A timeout is reported but not failed (conf.py: linkcheck_report_timeouts_as_broken).
    assert broken == []
    assert build.returncode == 0, build.stderr

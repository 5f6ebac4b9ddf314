"""Fixtures of the browser tests: the built site served on loopback, Debian's
Chromium driven by Playwright, and axe-core from tests/browser/node_modules.

The browser is always the system one (``executable_path``); nothing is
downloaded. Where Chromium or axe-core is missing the tests are skipped with a
reason that names the Debian package; under CI (``CI`` set) they fail
instead, since .ci/run installs both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from edition_tools.bench.site_server import serve

from .browser_support import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    LOOPBACK,
    ROOT,
    SIZES,
    WIDE,
    annotated_paths,
    article_paths,
    missing,
    page_paths,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``page_path`` (every page), ``article_path`` (the cover and
    the article's pages), ``annotated_path`` (the pages with annotations) and
    ``screen`` (wide, narrow) wherever a test asks for them."""
    if "page_path" in metafunc.fixturenames:
        metafunc.parametrize("page_path", page_paths())
    if "article_path" in metafunc.fixturenames:
        metafunc.parametrize("article_path", article_paths())
    if "annotated_path" in metafunc.fixturenames:
        metafunc.parametrize("annotated_path", annotated_paths())
    if "screen" in metafunc.fixturenames:
        metafunc.parametrize("screen", list(SIZES.values()), ids=list(SIZES))


@pytest.fixture(scope="session")
def site_url(html_dir: Path) -> Iterator[str]:
    """The session's HTML build served on loopback, gzip-compressed as a host would send it."""
    with serve(html_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, launched once for the session."""
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"{CHROMIUM} not found: install the Debian package chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe.min.js as installed by ``npm ci`` in tests/browser (``make test`` runs it)."""
    if not AXE.exists():
        missing(
            f"{AXE.relative_to(ROOT)} not found: install the Debian package nodejs "
            "(it brings npm) and run `make test`, which runs `npm ci` in tests/browser"
        )
    return AXE


@dataclass
class Visit:
    """What happened while a page was open: the page and its complaints."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def complaints(self) -> list[str]:
        """Every console error, failed request and request that left the site."""
        return (
            [f"console: {text}" for text in self.console_errors]
            + [f"failed: {text}" for text in self.failed_requests]
            + [f"outside the site: {url}" for url in self.outside_requests]
        )


class PageOpener:
    """Opens pages of the site, each in a fresh browser context; closes them all at the end.

    ``opener("docs/introduction.html", NARROW)`` returns a :class:`Visit`.
    Requests for anything outside the test server are recorded and aborted,
    so no test ever reaches the internet.
    """

    def __init__(self, browser, site_url: str) -> None:
        self.browser = browser
        self.site_url = site_url
        self.contexts: list = []

    def __call__(self, path: str, size: tuple[int, int] = WIDE, *, color_scheme: str = "light",
                 touch: bool = False, javascript: bool = True) -> Visit:
        context = self.browser.new_context(
            viewport={"width": size[0], "height": size[1]},
            color_scheme=color_scheme,
            has_touch=touch,
            java_script_enabled=javascript,
            reduced_motion="reduce",
        )
        self.contexts.append(context)
        page = context.new_page()
        visit = Visit(page)

        def route(route) -> None:
            if urlsplit(route.request.url).hostname == LOOPBACK:
                route.continue_()
            else:
                visit.outside_requests.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page.on("console", lambda message: message.type == "error" and visit.console_errors.append(
            f"{message.text} ({message.location.get('url', '')})"))
        page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
        page.on("requestfailed", lambda request: visit.failed_requests.append(
            f"{request.url}: {request.failure}"))
        page.on("response", lambda response: response.status >= 400 and visit.failed_requests.append(
            f"{response.url}: HTTP {response.status}"))
        page.goto(self.site_url + path, wait_until="load")
        return visit

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def open_page(browser, site_url: str) -> Iterator[PageOpener]:
    """A :class:`PageOpener` for one test: its pages close when the test ends."""
    opener = PageOpener(browser, site_url)
    yield opener
    opener.close()


@pytest.fixture(scope="module")
def open_module_page(browser, site_url: str) -> Iterator[PageOpener]:
    """A :class:`PageOpener` whose pages stay open for the module, for what several tests read."""
    opener = PageOpener(browser, site_url)
    yield opener
    opener.close()

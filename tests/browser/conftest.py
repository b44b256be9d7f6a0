"""The browser suite: Playwright driving Debian's Chromium against a live server, at a desktop
width and a phone width, with axe-core (from npm) checking what the page shows.

Skipped, with the reason, where Chromium or axe-core is missing (`make test` on a machine
without Debian's `chromium`); `.ci/run` installs both and runs it. Every page a test opens also
fails the test on a browser console error or an uncaught exception: a script blocked by the CSP,
a missing stylesheet or a broken htmx swap shows up there.
"""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# What a probe of this machine found Chromium needs headless as root with no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    mine = [item for item in items if Path(item.fspath).is_relative_to(here)]
    reason = None
    if not chromium_path():
        reason = "needs Debian's chromium (apt-get install chromium); .ci/run installs it"
    elif not AXE.exists():
        reason = "needs axe-core from npm (npm ci); make test installs it where npm exists"
    for item in mine:
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="package")
def browser():
    # Playwright's synchronous API keeps an event loop in this thread; Django refuses database
    # calls from a thread with a running loop unless told that this one is safe (it is: the
    # loop only waits on the browser). Set for this package's tests only.
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Problems:
    """What the browser complained of while a test ran."""

    seen: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)

    def expect(self, text: str) -> None:
        """A console error containing `text` is what this test is about (a 404 it asks for)."""
        self.expected.append(text)

    def unexpected(self) -> list[str]:
        return [p for p in self.seen if not any(text in p for text in self.expected)]


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def problems() -> Problems:
    return Problems()


def new_page(browser, live_server, problems: Problems, viewport: str, **options):
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORTS[viewport], accept_downloads=True, **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on(
        "console",
        lambda message: message.type == "error" and problems.seen.append(message.text),
    )
    page.on("pageerror", lambda error: problems.seen.append(f"uncaught: {error}"))
    return page


@pytest.fixture
def open_page(browser, live_server, problems, viewport) -> Iterator:
    """`open_page(**context_options)`: a page in a fresh browser context (its own cookies) at
    the test's viewport; two of them are two people at two browsers."""
    opened = []

    def open_page(**options):
        opened.append(new_page(browser, live_server, problems, viewport, **options))
        return opened[-1]

    yield open_page
    for page in opened:
        page.context.close()
    assert problems.unexpected() == [], "the browser reported errors"


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture
def page_without_js(open_page):
    """A page with JavaScript switched off: every flow must still work by plain forms. (Nothing
    can be evaluated in it either: check_page needs a page with JavaScript.)"""
    return open_page(java_script_enabled=False)


@pytest.fixture
def sign_in(live_server):
    """`sign_in(page, user)`: the page's browser carries the session cookie a real sign-in
    would set (the sign-in form has tests of its own)."""

    def sign_in(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it stands, one line each."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
    )
    return result


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scrolling)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def check_page(page) -> None:
    """What every page must satisfy: axe-core clean and nothing wider than the screen, once its
    fade-ins are over (axe measures contrast on what is painted)."""
    page.wait_for_function(
        "() => document.getAnimations().every(animation => animation.playState !== 'running')"
    )
    assert axe_violations(page) == [], page.url
    assert overflow(page) <= 0, f"{page.url} scrolls sideways by {overflow(page)} px"

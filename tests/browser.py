"""Browser tests: Debian's headless Chromium driven by Playwright (a pytest plugin, loaded by tests/conftest.py).

A test marked ``browser`` asks for ``page``: a fresh page in a context of its own, from one Chromium per test
process (with pytest-xdist, one per worker that runs a browser test). Without /usr/bin/chromium browser tests
are skipped, unless FAZHI_REQUIRE_BROWSER=1 (.ci/run sets it): then they fail.
"""

import asyncio
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = f"Debian chromium is not installed at {CHROMIUM} (.ci/run installs it and sets FAZHI_REQUIRE_BROWSER=1)"


def browser_required() -> bool:
    return os.environ.get("FAZHI_REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or browser_required():
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=MISSING))


class Chromium:
    """The Chromium of this test process, and the event loop of Playwright's sync API that drives it.

    Between its calls the sync API leaves its loop marked as running in this thread. Django refuses ORM calls
    while a loop runs (SynchronousOnlyOperation), and so would asyncio another loop: the loop is marked running
    only while a browser test runs (resume), and cleared for the tests in between (pause).
    """

    def __init__(self):
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.loop = asyncio.get_running_loop()
        try:
            self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except BaseException:
            self.playwright.stop()
            raise
        self.pause()

    def resume(self):
        asyncio.events._set_running_loop(self.loop)

    def pause(self):
        asyncio.events._set_running_loop(None)

    def close(self):
        self.resume()
        try:
            self.browser.close()
        finally:
            self.playwright.stop()


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        if browser_required():
            pytest.fail(f"FAZHI_REQUIRE_BROWSER=1 but {MISSING}", pytrace=False)
        pytest.skip(MISSING)
    chromium = Chromium()
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def browser(chromium):
    """The Chromium of this test process (of this worker, under pytest-xdist)."""
    return chromium.browser


@pytest.fixture
def page(chromium, browser, monkeypatch):
    """A new page in a browser context of its own (no cookies or storage from another test)."""
    # Playwright's loop runs in this thread; the test's ORM calls are not concurrent with it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    chromium.resume()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    try:
        yield context.new_page()
    finally:
        try:
            context.close()
        finally:
            chromium.pause()

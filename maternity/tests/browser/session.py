"""The browser for every browser test (the professional UI's and the portal's): one Chromium, driven by
Playwright, for the whole session, and fresh contexts per test. Registered once, from the root conftest
(`pytest_plugins`), so the session has one Playwright however many test folders use it."""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see maternity/tests/browser/conftest.py

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Pages in fresh browser contexts (separate cookies: separate people or tabs of one person)."""
    contexts = []

    def make(viewport=LAPTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()

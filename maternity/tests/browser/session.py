"""The browser for every browser test (the professional UI's and the portal's): one Chromium, driven by
Playwright, for the whole session, and fresh contexts per test. Registered once, from the root conftest
(`pytest_plugins`), so the session has one Playwright however many test folders use it.

Every page runs under the real Content Security Policy: anything it blocks (Chromium reports each in the
console) fails the test that met it."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

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


def is_csp_violation(message) -> bool:
    return message.type == "error" and "Content Security Policy" in message.text


def csp_violation(message) -> str:
    """Where and what: Chromium's console message for a violation does not name the page."""
    return f"{message.location.get('url') or message.page.url}: {message.text}"


@pytest.fixture
def new_page(browser, live_server):
    """Pages in fresh browser contexts (separate cookies: separate people or tabs of one person)."""
    contexts, blocked = [], []

    def make(viewport=LAPTOP, locale="en-GB"):
        # The browser's language (Accept-Language and navigator.language): English unless a test says.
        context = browser.new_context(viewport=viewport, base_url=live_server.url, locale=locale)
        context.set_default_timeout(10_000)
        context.on(
            "console",
            lambda message: blocked.append(csp_violation(message)) if is_csp_violation(message) else None,
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert blocked == [], "The Content Security Policy blocked something:\n" + "\n".join(blocked)


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where a test's screenshots go: docs/screenshots/ with UPDATE_SCREENSHOTS=1 (the README's), else a
    temporary folder (taken all the same, so a page that cannot be drawn still fails)."""
    if os.environ.get("UPDATE_SCREENSHOTS"):
        return Path(settings.BASE_DIR) / "docs" / "screenshots"
    return tmp_path

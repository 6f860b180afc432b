"""Browser tests: Playwright driving Debian's Chromium (installed by .ci/run: `apt-get install chromium`;
the `browser` and `new_page` fixtures are in session.py) against pytest-django's live server, with an
axe-core accessibility check (from npm: `make test` runs `npm ci`). Without Chromium they are skipped,
saying why.

Playwright's sync API keeps an event loop running in the test's thread; the ORM calls the tests make to
set up data are ordinary blocking calls, so Django's async guard is told so (tests only)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from maternity import services

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def page(new_page):
    return new_page()


def make_midwife(username: str, *locations, name: str = "Kari Jordmor", hpr_nr: str = "9144889"):
    """A midwife with a password, belonging to the given Care Locations."""
    return services.practitioner_create(
        username=username,
        display_name=name,
        care_locations=list(locations),
        hpr_nr=hpr_nr,
        password=PASSWORD,
    )


@pytest.fixture
def midwife(location_a):
    return make_midwife("kari", location_a)


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def accessibility_violations(page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now, one line each."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    # Evaluated rather than added as a <script>: the page's Content Security Policy refuses inline scripts.
    page.evaluate(f"() => {{ {AXE.read_text()}\n}}")
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page) -> None:
    problems = accessibility_violations(page)
    assert problems == [], "\n".join(problems)

"""Production serves its own static files: gunicorn with DEBUG off, after `collectstatic`, as a deployment
runs it (no web server in front for /static/). Chromium loads the caseload, the portal, the admin and the
API's Swagger UI, and each page's stylesheets arrive and apply: hashed names, compressed, cached for a year.
Nothing the pages ask for is missing (the favicon included)."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from loadtools.server import GunicornServer

HASHED = re.compile(r"/static/.+\.[0-9a-f]{12}\.(css|js)$")
YEAR = 365 * 24 * 3600


def manage(*args: str, env: dict) -> str:
    run = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return run.stdout


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """A production server of its own: a fresh SQLite database with the demo data, static files collected
    with DEBUG off, gunicorn in front of it."""
    home = tmp_path_factory.mktemp("production")
    database_url = f"sqlite:///{home / 'db.sqlite3'}"
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")},
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_STATIC_ROOT": str(home / "static"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    manage("migrate", "--noinput", env=env)
    manage("seed_demo", env=env)
    manage("collectstatic", "--noinput", env=env)
    with GunicornServer(
        database_url=database_url, workers=1, threads=4, env={"DJANGO_STATIC_ROOT": env["DJANGO_STATIC_ROOT"]}
    ) as server:
        yield server


@pytest.fixture
def visit(browser, production):
    """Open a path on the production server; every response it causes is kept (url, status, headers)."""
    context = browser.new_context(base_url=production.url, viewport={"width": 1024, "height": 768})
    context.set_default_timeout(15_000)
    responses = []
    context.on("response", lambda response: responses.append(response))
    page = context.new_page()
    page.responses = responses
    yield page
    context.close()


def sign_in(page, path: str, username: str, password: str) -> None:
    page.goto(path)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form:not(.language-switch) [type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def stylesheets(page) -> list[dict]:
    """Each stylesheet the page links: its URL and how many rules the browser took from it."""
    return page.evaluate(
        """() => [...document.querySelectorAll('link[rel=stylesheet]')].map(link => ({
            href: link.href,
            rules: (() => { try { return link.sheet.cssRules.length } catch { return 0 } })(),
        }))"""
    )


def assert_styled_and_complete(page) -> None:
    sheets = stylesheets(page)
    assert sheets, f"{page.url} links no stylesheet"
    for sheet in sheets:
        assert HASHED.search(sheet["href"]), f"not a hashed name: {sheet['href']}"
        assert sheet["rules"] > 0, f"{sheet['href']} did not load or is empty"
    missing = [f"{r.status} {r.url}" for r in page.responses if r.status >= 400]
    assert missing == [], f"{page.url} asked for what the server does not have: {missing}"
    for response in page.responses:
        if "/static/" in response.url:
            headers = response.headers
            max_age = int(re.search(r"max-age=(\d+)", headers["cache-control"])[1])
            assert max_age >= YEAR and "immutable" in headers["cache-control"], (response.url, headers)
            if response.url.endswith((".css", ".js")):
                assert headers.get("content-encoding") in {"gzip", "br"}, (response.url, headers)


def background(page, selector: str = "html") -> str:
    return page.eval_on_selector(selector, "element => getComputedStyle(element).backgroundColor")


def test_the_caseload_is_styled_by_its_hashed_stylesheet(visit):
    sign_in(visit, "/login/", "midwife", "midwife")
    assert visit.get_by_role("heading", name=re.compile("caseload", re.I)).first.is_visible()
    assert_styled_and_complete(visit)
    assert background(visit) == "rgb(246, 247, 249)"  # app.css's --bg, not the browser's white
    assert background(visit, ".topbar") == "rgb(29, 79, 145)"  # its --brand


def test_the_portal_is_styled_by_its_hashed_stylesheet(visit):
    visit.goto("/portal/")
    visit.wait_for_load_state("networkidle")
    assert_styled_and_complete(visit)
    assert background(visit) == "rgb(247, 245, 242)"  # portal.css's --bg
    assert background(visit, ".bar") == "rgb(122, 46, 95)"  # its --brand


def test_the_admin_is_styled_and_a_signed_in_admin_sees_its_index_styled_too(visit):
    visit.goto("/admin/login/")
    assert_styled_and_complete(visit)
    sign_in(visit, "/admin/login/", "admin", "admin")
    assert visit.get_by_role("heading", name="Site administration").is_visible()
    assert_styled_and_complete(visit)
    header = visit.eval_on_selector("#header", "element => getComputedStyle(element).backgroundColor")
    assert header != "rgba(0, 0, 0, 0)"  # the admin's own stylesheet paints its header


def test_the_api_docs_render_swagger_ui_with_its_styles_and_script(visit):
    visit.goto("/api/docs/")
    title = visit.locator(".swagger-ui .info .title")
    title.wait_for()
    assert "Shared maternity care record API" in title.inner_text()
    assert_styled_and_complete(visit)
    font = visit.eval_on_selector(
        ".swagger-ui .info .title", "element => getComputedStyle(element).fontFamily"
    )
    assert "sans-serif" in font  # Swagger UI's stylesheet, not the browser's default serif


def test_the_favicon_and_robots_txt_are_served_at_the_root(visit, production):
    icon = visit.request.get(f"{production.url}/favicon.ico")
    assert icon.status == 200
    assert icon.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert icon.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    robots = visit.request.get(f"{production.url}/robots.txt")
    assert robots.status == 200 and "Disallow: /" in robots.text()


def test_a_static_file_that_does_not_exist_is_a_plain_404(visit, production):
    response = visit.request.get(f"{production.url}/static/maternity/no-such-file.css")
    assert response.status == 404

"""The Content Security Policy in Chromium: what it blocks is reported (so every browser test fails on a
violation, see maternity/tests/browser/session.py), the Swagger UI works under its own policy, and the admin
pages work under the strict one."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from maternity.tests.browser.conftest import PASSWORD
from maternity.tests.browser.session import is_csp_violation
from spine.models import SubscriptionState, WebhookSubscription
from spine.services import subscription_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(new_page):
    return new_page()


def test_the_browser_reports_an_inline_script_the_policy_blocks(browser, live_server, db):
    context = browser.new_context(base_url=live_server.url)
    reported = []
    context.on("console", lambda msg: reported.append(msg.text) if is_csp_violation(msg) else None)
    page = context.new_page()
    page.goto("/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = true';"
        " document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    context.close()
    assert len(reported) == 1 and "script-src 'self'" in reported[0]


def test_the_api_docs_show_every_operation_under_their_policy(page):
    page.goto("/api/docs/")
    page.get_by_text("/spine/fhir/Patient/$find-pregnancy").first.wait_for()
    assert page.get_by_role("button", name="Authorize").is_visible()


def test_the_admin_pages_work_under_the_strict_policy(page, client_a, record):
    get_user_model().objects.create_superuser("national", password=PASSWORD)
    subscription = subscription_create(client=client_a.client, url="http://127.0.0.1:9/hook").subscription
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        state=SubscriptionState.FAILING, failing_since=timezone.now()
    )
    page.goto("/admin/")
    page.get_by_label("Username").fill("national")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Site administration").wait_for()
    for url in [
        "/admin/spine/webhooksubscription/",
        f"/admin/spine/webhooksubscription/{subscription.pk}/change/",
        f"/admin/maternity/pregnancy/{record.pk}/change/",
        f"/admin/maternity/pregnancy/{record.pk}/history/",
        "/admin/maternity/accesslog/",
    ]:
        response = page.goto(url)
        assert response.status == 200, url

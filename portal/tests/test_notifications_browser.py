"""Her email choices on her phone (390 x 844) in Chromium, with axe-core: a bad address refused with the
error beside the field, then her choices saved. With UPDATE_SCREENSHOTS=1, the page as
docs/screenshots/portal-notifications.png."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from portal.models import NotificationPreference

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_she_turns_on_emails_on_her_phone_after_a_bad_address_is_refused(phone, record):
    phone.goto("/portal/")
    phone.get_by_role("link", name="Emails to you").click()
    phone.get_by_label("when someone who is not caring for me opens my record").check()
    phone.get_by_label("Your email address").fill("astrid@")
    phone.get_by_role("button", name="Save my choices").click()
    assert phone.locator("#id_email_error").inner_text().startswith("'astrid@' is not an email address")
    assert_accessible(phone)
    assert not NotificationPreference.objects.exists()

    phone.get_by_label("Your email address").fill("astrid@example.no")
    phone.get_by_label("when my midwife has read my birth plan").check()
    phone.get_by_role("button", name="Save my choices").click()
    assert "Your email choices are saved." in phone.locator("[role=status]").inner_text()
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    if os.environ.get("UPDATE_SCREENSHOTS"):
        phone.screenshot(path=Path(settings.BASE_DIR) / "docs" / "screenshots" / "portal-notifications.png")
    saved = NotificationPreference.objects.get(person=record.person)
    assert (saved.email, saved.on_break_glass, saved.on_birth_plan_read) == ("astrid@example.no", True, True)

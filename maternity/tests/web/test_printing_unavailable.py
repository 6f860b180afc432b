"""A server without WeasyPrint's system libraries cannot make the printed notes: "Print notes" answers 503
with a page that says so, the audit entry says why, and the deploy check warns. The library's absence is
real here: its import is made to fail as it does without pango."""

import sys

import pytest
from django.core import checks

from maternity.http.checks import printing_check
from maternity.http.pdf import printing_unavailable
from maternity.models import AccessLog

from .conftest import midwife

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_weasyprint(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` raises ImportError
    printing_unavailable.cache_clear()
    yield
    printing_unavailable.cache_clear()


def test_print_notes_answers_503_saying_so_and_the_audit_entry_says_why(
    without_weasyprint, record, location_a
):
    client, _ = midwife("kari", location_a)

    response = client.get(f"/records/{record.pk}/notes.pdf")

    assert response.status_code == 503
    assert "The notes cannot be printed on this server at the moment" in response.content.decode()
    entry = AccessLog.objects.order_by("-id").first()
    assert entry.status_code == 503
    assert entry.detail.startswith("Printing the hand-held notes failed: WeasyPrint cannot load (")


def test_the_deploy_check_warns_that_printing_is_unavailable(without_weasyprint):
    (warning,) = printing_check(None)

    assert warning.id == "maternity.W002" and warning.level == checks.WARNING
    assert "apt-get install libpango-1.0-0" in warning.hint

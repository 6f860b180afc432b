""" "Print notes" in Chromium on a tablet, held either way: the button is on the record page, within the
screen, the page passes axe, and the link gives her notes as a PDF (fetched with the midwife's own
session cookie, as the browser would open it)."""

import pytest

from maternity import services

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", [{"width": 1024, "height": 768}, {"width": 768, "height": 1024}])
def test_print_notes_on_a_tablet_gives_her_notes_as_a_pdf(new_page, midwife, record, midwife_actor, viewport):
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Nora Hansen"}, actor=midwife_actor
    )
    page = new_page(viewport=viewport)
    sign_in(page, "kari")
    page.goto(f"/records/{record.pk}/")
    button = page.get_by_role("link", name="Print notes")
    assert button.is_visible()
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= viewport["width"]
    assert_accessible(page)

    response = page.request.get(button.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert response.body().startswith(b"%PDF-")

"""A Care Location without a phone number or an address is a data-quality finding about the location, not
about any of its records: the data quality page says so at the top, to the location's own staff only, and
no record's completeness changes."""

import pytest

from maternity import services
from maternity.rules.data_quality import location_findings

from .factories import edd_at, make_pregnancy

pytestmark = pytest.mark.django_db

QUALITY = "/reports/data-quality/"
CONTACT = {
    "phone": "+47 73 86 80 00",
    "address": "Prinsesse Kristinas gate 3, 7030 Trondheim",
    "opening_hours": "",
    "urgent_phone": "",
}


def test_the_finding_names_what_is_missing(location_a):
    assert location_findings(location_a) == [
        "St Olavs hospital, fødeavdelingen has no phone number and no address on record, so the portal "
        "cannot tell the pregnant people it looks after how to reach you. Your Care Location's admins add "
        "them in the admin, under Care Locations."
    ]
    location_a.phone = "73 86 80 00"
    assert "has no address on record" in location_findings(location_a)[0]
    location_a.address = "Prinsesse Kristinas gate 3"
    assert location_findings(location_a) == []


def test_the_data_quality_page_shows_the_finding_to_the_locations_staff(web_a, actor_a):
    make_pregnancy(actor_a, name="Astrid Berg", edd=edd_at(30))

    response = web_a.get(QUALITY)

    content = response.content.decode()
    assert 'data-finding="location-contact"' in content
    assert "has no phone number and no address on record" in content
    (row,) = response.context["page"].object_list
    assert "location-contact" not in [failure.rule.code for failure in row.failures]


def test_the_finding_goes_once_the_location_has_a_phone_and_an_address(web_a, actor_a, location_a):
    services.care_location_contact_update(care_location=location_a, **CONTACT, by=None)

    content = web_a.get(QUALITY).content.decode()

    assert 'data-finding="location-contact"' not in content


def test_another_locations_missing_details_are_not_shown(web_b, location_a, location_b):
    services.care_location_contact_update(care_location=location_b, **CONTACT, by=None)

    assert 'data-finding="location-contact"' not in web_b.get(QUALITY).content.decode()

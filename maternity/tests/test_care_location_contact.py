"""How to contact a Care Location (issue 19): its phone (digits, spaces and a leading "+", stored as typed,
with a tap-to-call form), address, opening hours and urgent line. The national administration keeps every
location; a location's own admins change only these contact details of their own locations, each change a
version with who and when; a location without a phone or an address is a data-quality finding."""

import pytest

from maternity import services
from maternity.errors import Invalid
from maternity.models import CareLocation

from .test_admin_care_locations import LIST, change_url, form

pytestmark = pytest.mark.django_db

CONTACT = {
    "phone": "+47 73 86 80 00",
    "address": "Prinsesse Kristinas gate 3, 7030 Trondheim",
    "opening_hours": "Weekdays 08:00-15:30",
    "urgent_phone": "72 57 30 00",
}


def contact_form(location: CareLocation, **changes) -> dict:
    """What the change page posts for its own admin: the contact fields only."""
    data = {name: getattr(location, name) for name in CONTACT} | {"_save": "Save"} | changes
    return data


# --- the model and the service -----------------------------------------------------------------------


def test_a_phone_is_stored_as_typed_with_a_tap_to_call_form(location_a):
    services.care_location_contact_update(care_location=location_a, **CONTACT, by=None)

    location = CareLocation.objects.get(pk=location_a.pk)
    assert location.phone == "+47 73 86 80 00"
    assert location.phone_tel == "tel:+4773868000"
    assert location.urgent_phone_tel == "tel:72573000"
    assert location.missing_contact == []


@pytest.mark.parametrize(
    "bad", ["73 86 80 OO", "+47-73868000", "47 + 73", "ring me", "+", "12", "73 86 80 00 "]
)
def test_a_phone_that_is_not_one_is_refused_and_nothing_changes(location_a, bad):
    with pytest.raises(Invalid):
        services.care_location_contact_update(care_location=location_a, **(CONTACT | {"phone": bad}), by=None)
    with pytest.raises(Invalid):
        services.care_location_contact_update(
            care_location=location_a, **(CONTACT | {"urgent_phone": bad}), by=None
        )

    location = CareLocation.objects.get(pk=location_a.pk)
    assert (location.phone, location.address, location.urgent_phone) == ("", "", "")
    assert location_a.history.count() == 1


def test_a_contact_change_is_one_version_with_who_and_none_when_nothing_changed(location_a, admin_a):
    services.care_location_contact_update(care_location=location_a, **CONTACT, by=admin_a)
    services.care_location_contact_update(care_location=location_a, **CONTACT, by=admin_a)

    assert location_a.history.count() == 2
    latest = location_a.history.first()
    assert (latest.history_user, latest.phone, latest.opening_hours) == (
        admin_a,
        "+47 73 86 80 00",
        "Weekdays 08:00-15:30",
    )


def test_the_national_update_keeps_contact_details_it_is_not_given(location_a):
    services.care_location_contact_update(care_location=location_a, **CONTACT, by=None)
    services.care_location_update(
        care_location=location_a,
        name="Renamed",
        org_nr=location_a.org_nr,
        kind=location_a.kind,
        active=True,
        by=None,
    )

    location = CareLocation.objects.get(pk=location_a.pk)
    assert (location.name, location.phone, location.address) == (
        "Renamed",
        CONTACT["phone"],
        CONTACT["address"],
    )


def test_a_location_is_created_with_its_contact_details(db):
    location = services.care_location_create(name="Fjordvik", org_nr="999888777", **CONTACT)

    assert CareLocation.objects.get(pk=location.pk).urgent_phone == "72 57 30 00"


def test_missing_contact_names_what_the_portal_lacks(location_a):
    assert location_a.missing_contact == ["phone", "address"]
    location_a.phone = "73 86 80 00"
    assert location_a.missing_contact == ["address"]


# --- the admin -------------------------------------------------------------------------------------------


def test_the_national_administration_sets_the_contact_details(client, superuser, location_a):
    client.force_login(superuser)

    response = client.post(change_url(location_a), form(location_a, **CONTACT))

    assert response.status_code == 302, response.context and response.context["adminform"].errors
    location = CareLocation.objects.get(pk=location_a.pk)
    assert (location.phone, location.urgent_phone) == ("+47 73 86 80 00", "72 57 30 00")
    assert location.history.first().history_user == superuser


def test_its_own_admin_changes_only_the_contact_details_of_their_location(client, admin_a, location_a):
    client.force_login(admin_a)

    assert client.get(change_url(location_a)).status_code == 200
    response = client.post(
        change_url(location_a),
        contact_form(location_a, **CONTACT, name="Renamed", org_nr="111111111", active="", admins=[]),
    )

    assert response.status_code == 302, response.context and response.context["adminform"].errors
    location = CareLocation.objects.get(pk=location_a.pk)
    assert (location.phone, location.address) == (CONTACT["phone"], CONTACT["address"])
    assert (location.name, location.org_nr, location.active) == (
        location_a.name,
        location_a.org_nr,
        location_a.active,
    )
    assert list(location.admins.all()) == [admin_a]
    assert location.history.first().history_user == admin_a


def test_its_own_admin_sees_a_bad_phone_refused_and_nothing_saved(client, admin_a, location_a):
    client.force_login(admin_a)

    response = client.post(
        change_url(location_a), contact_form(location_a, **(CONTACT | {"phone": "ring me"}))
    )

    assert response.status_code == 200 and "phone" in response.context["adminform"].form.errors
    assert CareLocation.objects.get(pk=location_a.pk).phone == ""


def test_its_own_admin_sees_only_their_locations_and_cannot_add_or_delete(
    client, admin_a, location_a, location_b
):
    client.force_login(admin_a)

    listed = client.get(LIST)
    assert [row.pk for row in listed.context["cl"].result_list] == [location_a.pk]
    assert client.get(change_url(location_b)).status_code in (302, 403, 404)
    assert client.post(change_url(location_b), contact_form(location_b, **CONTACT)).status_code in (
        302,
        403,
        404,
    )
    assert CareLocation.objects.get(pk=location_b.pk).phone == ""
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}{location_a.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CareLocation.objects.filter(pk=location_a.pk).exists()


def test_staff_who_administer_nothing_get_403(client, plain_staff, location_a):
    client.force_login(plain_staff)

    assert client.get(LIST).status_code == 403
    assert client.post(change_url(location_a), contact_form(location_a, **CONTACT)).status_code == 403
    assert CareLocation.objects.get(pk=location_a.pk).phone == ""


def test_the_list_marks_locations_without_a_phone_or_an_address(client, superuser, location_a, location_b):
    services.care_location_contact_update(care_location=location_b, **CONTACT, by=None)
    client.force_login(superuser)

    missing = client.get(LIST, {"contact": "missing"}).context["cl"].result_list
    complete = client.get(LIST, {"contact": "complete"}).context["cl"].result_list

    assert [row.pk for row in missing] == [location_a.pk]
    assert [row.pk for row in complete] == [location_b.pk]
    assert "phone and address" in client.get(LIST).content.decode().lower()


def test_its_own_admin_reads_the_history_of_their_location_only(client, admin_a, location_a, location_b):
    services.care_location_contact_update(care_location=location_a, **CONTACT, by=admin_a)
    client.force_login(admin_a)

    assert client.get(f"{LIST}{location_a.pk}/history/").status_code == 200
    assert client.get(f"{LIST}{location_b.pk}/history/").status_code in (302, 403, 404)

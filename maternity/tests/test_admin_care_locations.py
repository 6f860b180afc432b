"""Care Locations in the admin, kept by the national administration (superusers): each add, change and
delete goes through the services and is a version with who and when; who administers a location is
chosen from its staff. Other staff do not get in; a location's own admins change only its contact details
(test_care_location_contact.py)."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from maternity import services
from maternity.models import CareLocation

from .conftest import make_user

pytestmark = pytest.mark.django_db

LIST = "/admin/maternity/carelocation/"


def change_url(location: CareLocation) -> str:
    return f"{LIST}{location.pk}/change/"


def form(location: CareLocation, **changes) -> dict:
    """What the change page posts for the location as it is, with `changes`."""
    data = {
        "name": location.name,
        "org_nr": location.org_nr,
        "kind": location.kind,
        "active": "on" if location.active else "",
        "admins": [str(pk) for pk in location.admins.values_list("pk", flat=True)],
        "_save": "Save",
        **changes,
    }
    return {name: value for name, value in data.items() if value != ""}


@pytest.fixture
def national(client, superuser):
    client.force_login(superuser)
    return client


def test_the_national_administration_renames_a_location_and_its_history_says_who_and_when(
    national, superuser, location_a
):
    before = timezone.now()

    response = national.post(change_url(location_a), form(location_a, name="St Olavs hospital, fødeposten"))

    assert response.status_code == 302, response.context and response.context["adminform"].errors
    assert CareLocation.objects.get(pk=location_a.pk).name == "St Olavs hospital, fødeposten"
    latest = location_a.history.first()
    assert (latest.history_type, latest.name) == ("~", "St Olavs hospital, fødeposten")
    assert latest.history_user == superuser
    assert before <= latest.history_date <= timezone.now()
    assert location_a.history.count() == 2  # made, then renamed


def test_making_a_location_inactive_and_renumbering_it_is_one_version_and_its_group_follows(
    national, superuser, location_a
):
    national.post(change_url(location_a), form(location_a, active="", org_nr="974749026"))

    location = CareLocation.objects.select_related("group").get(pk=location_a.pk)
    assert (location.active, location.org_nr) == (False, "974749026")
    assert location.group.name == "Care Location 974749026"
    latest = location.history.first()
    assert (latest.active, latest.org_nr, latest.history_user) == (False, "974749026", superuser)
    assert location.history.count() == 2

    again = services.care_location_create(name="A new unit", org_nr="974749025")  # the old number is free
    assert again.group.name == "Care Location 974749025"


def test_saving_a_location_unchanged_makes_no_version(national, location_a):
    response = national.post(change_url(location_a), form(location_a))

    assert response.status_code == 302
    assert location_a.history.count() == 1


def test_the_national_administration_adds_a_location_with_its_group_and_a_first_version(national, superuser):
    response = national.post(
        f"{LIST}add/",
        {"name": "Fjordvik fødestue", "org_nr": "912345678", "kind": "MIDWIFE_LED_UNIT", "_save": "Save"},
    )

    assert response.status_code == 302
    location = CareLocation.objects.get(org_nr="912345678")
    assert location.active is False  # as the form said: the box was not ticked
    assert location.group.name == "Care Location 912345678"
    first = location.history.get()
    assert (first.history_type, first.history_user) == ("+", superuser)


def test_the_national_administration_deletes_an_unused_location_and_its_history_keeps_who(
    national, superuser
):
    unused = services.care_location_create(name="Made by mistake", org_nr="912345679")

    response = national.post(f"{LIST}{unused.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not CareLocation.objects.filter(pk=unused.pk).exists()
    last = CareLocation.history.filter(id=unused.pk).first()
    assert (last.history_type, last.history_user) == ("-", superuser)


def test_a_location_that_records_refer_to_is_not_deleted(national, record, location_a):
    response = national.post(f"{LIST}{location_a.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200  # the page that says what protects it
    assert CareLocation.objects.filter(pk=location_a.pk).exists()
    assert location_a.history.count() == 1


def test_admins_are_chosen_from_its_staff_and_get_into_the_admin_or_leave_it(national, location_a):
    midwife = services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a]
    )
    stranger = make_user("stranger")

    refused = national.post(change_url(location_a), form(location_a, admins=[str(stranger.pk)]))
    assert refused.status_code == 200 and "admins" in refused.context["adminform"].form.errors
    assert not location_a.admins.exists()

    national.post(change_url(location_a), form(location_a, admins=[str(midwife.pk)]))
    midwife.refresh_from_db()
    assert list(location_a.admins.all()) == [midwife] and midwife.is_staff

    national.post(change_url(location_a), form(location_a, admins=[]))
    midwife.refresh_from_db()
    assert not location_a.admins.exists() and not midwife.is_staff
    assert location_a.history.count() == 1  # who administers it is not a version of it


def test_other_staff_get_403(client, plain_staff, location_a):
    client.force_login(plain_staff)

    assert client.get(LIST).status_code == 403
    assert client.get(change_url(location_a)).status_code == 403
    assert client.post(change_url(location_a), form(location_a, name="Renamed")).status_code == 403
    assert CareLocation.objects.get(pk=location_a.pk).name == location_a.name


def test_location_admins_cannot_rename_their_location(client, admin_a, location_a):
    client.force_login(admin_a)

    response = client.post(change_url(location_a), form(location_a, name="Renamed"))

    assert response.status_code == 302
    assert CareLocation.objects.get(pk=location_a.pk).name == location_a.name


def test_its_history_is_shown_and_never_saved_back(national, location_a):
    national.post(change_url(location_a), form(location_a, name="Renamed"))
    first = location_a.history.last()

    assert national.get(f"{LIST}{location_a.pk}/history/").status_code == 200
    url = f"{LIST}{location_a.pk}/history/{first.history_id}/"
    assert national.get(url).status_code == 200
    assert national.post(url, form(location_a)).status_code == 403
    assert national.get(f"{LIST}not-an-id/history/{first.history_id}/").status_code == 404
    assert CareLocation.objects.get(pk=location_a.pk).name == "Renamed"
    assert Group.objects.filter(care_location=location_a).exists()

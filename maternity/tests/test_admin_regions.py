"""Regions in the admin, kept by the national administration (superusers) only: each add, change and
delete goes through the services and is a version with who and when, including which locations and
viewers the region has. Care Location admins and other staff do not see regions."""

import pytest

from maternity import services
from maternity.models import Region

from .conftest import make_user

pytestmark = pytest.mark.django_db

LIST = "/admin/maternity/region/"


@pytest.fixture
def national(client, superuser):
    client.force_login(superuser)
    return client


def test_the_national_administration_adds_a_region_with_locations_and_a_viewer(
    national, superuser, location_a, location_b
):
    viewer = make_user("randi")
    response = national.post(
        f"{LIST}add/",
        {
            "name": "Helse Midt-Norge",
            "code": "midt",
            "care_locations": [location_a.pk, location_b.pk],
            "viewers": [viewer.pk],
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context and response.context["adminform"].errors
    region = Region.objects.get(code="midt")
    assert set(region.care_locations.all()) == {location_a, location_b}
    assert list(region.viewers.all()) == [viewer]
    assert {row.history_user for row in region.history.all()} == {superuser}
    assert {m.carelocation for m in region.history.first().care_locations.all()} == {location_a, location_b}


def test_a_change_of_locations_is_a_version_with_who_and_the_locations_then(
    national, superuser, location_a, location_b
):
    region = services.region_create(name="Nettverk", code="nett", care_locations=[location_a], by=superuser)
    response = national.post(
        f"{LIST}{region.pk}/change/",
        {"name": "Nettverk", "code": "nett", "care_locations": [location_b.pk], "_save": "Save"},
    )
    assert response.status_code == 302
    assert list(region.care_locations.all()) == [location_b]
    latest = region.history.first()
    assert latest.history_user == superuser
    assert [m.carelocation for m in latest.care_locations.all()] == [location_b]
    history = national.get(f"{LIST}{region.pk}/history/")
    assert history.status_code == 200


def test_a_code_taken_or_not_a_code_is_refused_and_nothing_is_saved(national, superuser):
    services.region_create(name="Helse Vest", code="vest", by=superuser)
    taken = national.post(f"{LIST}add/", {"name": "Other", "code": "vest", "_save": "Save"})
    assert taken.status_code == 200
    bad = national.post(f"{LIST}add/", {"name": "Other", "code": "helse vest/<x>", "_save": "Save"})
    assert bad.status_code == 200
    assert Region.objects.count() == 1


def test_the_national_administration_deletes_a_region_and_its_history_keeps_who(
    national, superuser, location_a
):
    region = services.region_create(name="Gone", code="gone", care_locations=[location_a], by=superuser)
    response = national.post(f"{LIST}{region.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Region.objects.exists()
    assert Region.history.filter(id=region.pk, history_type="-").get().history_user == superuser
    assert location_a.__class__.objects.filter(pk=location_a.pk).exists()


@pytest.mark.parametrize("who", ["admin_a", "plain_staff"])
def test_other_staff_do_not_see_regions(client, superuser, location_a, who, request):
    region = services.region_create(
        name="Helse Midt-Norge", code="midt", care_locations=[location_a], by=superuser
    )
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{region.pk}/change/").status_code == 403
    assert "Regions" not in client.get("/admin/").content.decode()

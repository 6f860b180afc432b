"""A Care Location's staff in the admin: each location admin lists, takes on, edits and lets go of their own
locations' practitioners and makes them location admins; nobody deletes a user here."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from maternity import services
from maternity.errors import AlreadyExists, Invalid, NotAllowed
from maternity.models import Practitioner

CHANGELIST = "/admin/maternity/practitioner/"
GOOD_PASSWORD = "Fødselshjelp-2025-kveld"

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari(location_a):
    return services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a], hpr_nr="9144889"
    )


@pytest.fixture
def berit(location_b):
    return services.practitioner_create(
        username="berit", display_name="Berit Jordmor", care_locations=[location_b], hpr_nr="1234567"
    )


@pytest.fixture
def siri(location_a, location_b):
    """A midwife who works at both locations."""
    return services.practitioner_create(
        username="siri", display_name="Siri Begge", care_locations=[location_a, location_b]
    )


def shown(response) -> set[str]:
    assert response.status_code == 200
    return {practitioner.display_name for practitioner in response.context["cl"].result_list}


def change_page(user) -> str:
    return f"{CHANGELIST}{user.practitioner.pk}/change/"


def act(client, action: str, *users):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [str(user.practitioner.pk) for user in users]}
    )


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def can_sign_in(username: str, password: str) -> bool:
    return Client().login(username=username, password=password)


# The services


def test_staff_create_makes_a_user_who_can_sign_in_at_the_location(location_a):
    user = services.staff_create(
        care_location=location_a,
        username="ingrid",
        display_name="Ingrid Jordmor",
        password=GOOD_PASSWORD,
        hpr_nr=" 7654321 ",
        role_code="jo",
    )
    assert user.groups.filter(pk=location_a.group_id).exists()
    assert (user.practitioner.hpr_nr, user.practitioner.role_code) == ("7654321", "JO")
    assert not user.is_staff and can_sign_in("ingrid", GOOD_PASSWORD)


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"username": "KARI"}, AlreadyExists, "username"),
        ({"password": "123"}, Invalid, "password1"),
        ({"hpr_nr": "HPR-1"}, Invalid, "hpr_nr"),
        ({"display_name": "  "}, Invalid, "display_name"),
    ],
)
def test_staff_create_refuses_bad_input_and_creates_nothing(location_a, kari, changes, error, field):
    data = {"username": "ingrid", "display_name": "Ingrid", "password": GOOD_PASSWORD, **changes}
    users = get_user_model().objects.count()
    with pytest.raises(error) as raised:
        services.staff_create(care_location=location_a, **data)
    assert raised.value.field == field
    assert get_user_model().objects.count() == users


def test_a_location_admin_role_lets_into_the_admin_and_removing_it_lets_out(location_a, kari):
    services.staff_set_location_admin(user=kari, care_location=location_a, admin=True)
    assert fresh(kari).is_staff and location_a.admins.filter(pk=kari.pk).exists()
    services.staff_set_location_admin(user=kari, care_location=location_a, admin=False)
    assert not fresh(kari).is_staff and not location_a.admins.filter(pk=kari.pk).exists()


def test_only_staff_of_the_location_can_be_its_admin(location_b, kari):
    with pytest.raises(NotAllowed):
        services.staff_set_location_admin(user=kari, care_location=location_b, admin=True)


def test_removing_from_the_last_location_deactivates(location_a, kari, superuser):
    assert services.staff_remove(user=kari, care_locations=[location_a], by=superuser) is True
    assert not fresh(kari).is_active and not fresh(kari).groups.exists()


def test_removing_from_one_of_two_locations_keeps_the_user_active(location_a, location_b, siri, superuser):
    assert services.staff_remove(user=siri, care_locations=[location_a], by=superuser) is False
    siri = fresh(siri)
    assert siri.is_active and list(siri.groups.all()) == [location_b.group]


def test_nobody_removes_themselves(location_a, kari):
    with pytest.raises(NotAllowed):
        services.staff_remove(user=kari, care_locations=[location_a], by=kari)


# The admin pages


def test_each_location_admin_lists_only_their_staff_and_superuser_all(
    client, superuser, admin_a, admin_b, kari, berit, siri
):
    client.force_login(admin_a)
    assert shown(client.get(CHANGELIST)) == {"Kari Jordmor", "Siri Begge"}
    client.force_login(admin_b)
    assert shown(client.get(CHANGELIST)) == {"Berit Jordmor", "Siri Begge"}
    client.force_login(superuser)
    assert shown(client.get(CHANGELIST)) == {"Kari Jordmor", "Berit Jordmor", "Siri Begge"}


def test_client_service_users_are_not_listed_as_staff(client, admin_a, client_a, kari):
    client.force_login(admin_a)
    assert shown(client.get(CHANGELIST)) == {"Kari Jordmor"}


def test_admin_cannot_open_another_locations_practitioner(client, admin_b, kari):
    client.force_login(admin_b)
    assert client.get(change_page(kari)).status_code == 302  # "doesn't exist", back to the index
    client.post(change_page(kari), {"display_name": "Hacked", "hpr_nr": "", "role_code": "LE"})
    assert Practitioner.objects.get(user=kari).display_name == "Kari Jordmor"


def test_staff_who_administer_nothing_get_403(client, plain_staff, kari):
    client.force_login(plain_staff)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.get(change_page(kari)).status_code == 403


def test_admin_takes_someone_on_with_a_first_password(client, admin_a, location_a):
    client.force_login(admin_a)
    assert client.get(f"{CHANGELIST}add/").status_code == 200
    response = client.post(
        f"{CHANGELIST}add/",
        {
            "care_location": location_a.pk,
            "username": "ingrid",
            "display_name": "Ingrid Jordmor",
            "hpr_nr": "7654321",
            "role_code": "JO",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
            "location_admin": "on",
        },
    )
    assert response.status_code == 302
    ingrid = get_user_model().objects.get(username="ingrid")
    assert ingrid.groups.filter(pk=location_a.group_id).exists()
    assert ingrid.practitioner.display_name == "Ingrid Jordmor"
    assert ingrid.is_staff and location_a.admins.filter(pk=ingrid.pk).exists()
    assert can_sign_in("ingrid", GOOD_PASSWORD)


def test_add_form_shows_errors_and_creates_nothing(client, admin_a, location_a, location_b, kari):
    client.force_login(admin_a)
    users = get_user_model().objects.count()
    data = {
        "care_location": location_b.pk,  # not theirs
        "username": "kari",  # taken
        "display_name": "Someone",
        "role_code": "JO",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    errors = client.post(f"{CHANGELIST}add/", data).context["adminform"].form.errors
    assert "care_location" in errors
    errors = (
        client.post(f"{CHANGELIST}add/", {**data, "care_location": location_a.pk})
        .context["adminform"]
        .form.errors
    )
    assert "username" in errors
    data = {**data, "care_location": location_a.pk, "username": "new", "password2": "different"}
    assert "password2" in client.post(f"{CHANGELIST}add/", data).context["adminform"].form.errors
    data = {**data, "password1": "short", "password2": "short"}
    assert "password1" in client.post(f"{CHANGELIST}add/", data).context["adminform"].form.errors
    assert get_user_model().objects.count() == users


def test_admin_changes_role_name_and_hpr_number(client, admin_a, kari):
    client.force_login(admin_a)
    response = client.post(
        change_page(kari), {"display_name": "Kari Lege", "hpr_nr": "1111111", "role_code": "le"}
    )
    assert response.status_code == 302
    practitioner = Practitioner.objects.get(user=kari)
    assert (practitioner.display_name, practitioner.hpr_nr, practitioner.role_code) == (
        "Kari Lege",
        "1111111",
        "LE",
    )
    page = client.get(change_page(kari)).content.decode()
    assert 'name="username"' not in page and 'name="password1"' not in page  # only professional details


def test_make_and_revoke_location_admin(client, admin_a, location_a, kari):
    client.force_login(admin_a)
    assert act(client, "make_location_admin", kari).status_code == 302
    assert fresh(kari).is_staff and location_a.admins.filter(pk=kari.pk).exists()
    act(client, "revoke_location_admin", kari)
    assert not fresh(kari).is_staff and not location_a.admins.filter(pk=kari.pk).exists()


def test_admin_makes_a_shared_midwife_admin_only_of_their_own_location(client, admin_a, location_a, siri):
    client.force_login(admin_a)
    act(client, "make_location_admin", siri)
    assert list(fresh(siri).administered_locations.all()) == [location_a]


def test_remove_deactivates_someone_whose_only_location_it_was(client, admin_a, kari):
    client.force_login(admin_a)
    assert act(client, "remove_from_location", kari).status_code == 302
    assert not fresh(kari).is_active
    assert not can_sign_in("kari", "anything")
    assert shown(client.get(CHANGELIST)) == set()


def test_remove_takes_a_shared_midwife_off_this_location_only(client, admin_a, location_b, siri):
    client.force_login(admin_a)
    act(client, "remove_from_location", siri)
    siri = fresh(siri)
    assert siri.is_active and list(siri.groups.all()) == [location_b.group]


def test_admin_of_another_location_cannot_act_on_my_staff(client, admin_b, location_a, kari):
    client.force_login(admin_b)
    act(client, "remove_from_location", kari)
    act(client, "make_location_admin", kari)
    kari = fresh(kari)
    assert kari.is_active and not kari.is_staff and kari.groups.filter(pk=location_a.group_id).exists()


def test_nobody_deletes_staff_in_the_admin(client, superuser, kari):
    client.force_login(superuser)
    assert client.get(f"{CHANGELIST}{kari.practitioner.pk}/delete/").status_code == 403
    act(client, "delete_selected", kari)
    assert Practitioner.objects.filter(user=kari).exists()

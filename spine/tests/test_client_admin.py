"""The client systems admin: each location admin their own clients; add one and see its secret once;
rotate the secret (the old one and its tokens stop working); change the record filter; deactivate
(its tokens are revoked at once). All through the services; nothing deleted."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from oauth2_provider.models import AccessToken, Application, RefreshToken

from conftest import fetch_token
from maternity.errors import Invalid, NotAllowed
from maternity.tests import conftest as admin_users
from spine.models import SpineClient
from spine.services import (
    spine_client_deactivate,
    spine_client_rotate_secret,
    spine_client_set_filter,
)

CHANGELIST = "/admin/spine/spineclient/"

pytestmark = pytest.mark.django_db

superuser, admin_a, admin_b = admin_users.superuser, admin_users.admin_a, admin_users.admin_b
plain_staff = admin_users.plain_staff


def change_page(new) -> str:
    return f"{CHANGELIST}{new.client.pk}/change/"


def token_response(client_id: str, client_secret: str):
    return Client().post(
        "/o/token/",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret},
    )


def records_with(token: str):
    return Client().get("/spine/v1/records", headers={"Authorization": f"Bearer {token}"})


def shown(response) -> set[str]:
    assert response.status_code == 200
    return {client.name for client in response.context["cl"].result_list}


def act(client, action: str, *new_clients, **data):
    selected = [str(new.client.pk) for new in new_clients]
    return client.post(CHANGELIST, {"action": action, "_selected_action": selected, **data})


# The services


def test_rotating_the_secret_stops_the_old_one_and_its_tokens_and_the_new_one_works(client_a):
    old_token = fetch_token(client_a.client_id, client_a.client_secret)
    assert records_with(old_token).status_code == 200

    new = spine_client_rotate_secret(client=client_a.client)

    assert new.client_id == client_a.client_id and new.client_secret != client_a.client_secret
    assert token_response(client_a.client_id, client_a.client_secret).status_code == 401
    assert records_with(old_token).status_code == 401
    assert records_with(fetch_token(new.client_id, new.client_secret)).status_code == 200
    stored = Application.objects.get(client_id=new.client_id).client_secret
    assert new.client_secret not in stored and stored.startswith("md5$")  # hashed (fast hasher in tests)


def test_deactivating_revokes_every_token_at_once_and_no_new_token_is_given(client_a):
    token = fetch_token(client_a.client_id, client_a.client_secret)
    fetch_token(client_a.client_id, client_a.client_secret)
    assert records_with(token).status_code == 200

    revoked = spine_client_deactivate(client=client_a.client)

    assert revoked == 2
    assert not AccessToken.objects.filter(application__client_id=client_a.client_id).exists()
    assert not RefreshToken.objects.filter(application__client_id=client_a.client_id).exists()
    assert records_with(token).status_code == 401
    assert token_response(client_a.client_id, client_a.client_secret).status_code == 401
    assert SpineClient.objects.get(pk=client_a.client.pk).active is False


def test_a_deactivated_client_gets_no_new_secret(client_a):
    spine_client_deactivate(client=client_a.client)
    with pytest.raises(NotAllowed):
        spine_client_rotate_secret(client=client_a.client)


def test_deactivating_one_client_leaves_the_others_tokens_alone(client_a, client_b):
    token_b = fetch_token(client_b.client_id, client_b.client_secret)
    spine_client_deactivate(client=client_a.client)
    assert records_with(token_b).status_code == 200


def test_record_filter_is_checked_against_the_resource_types(client_a):
    with pytest.raises(Invalid) as error:
        spine_client_set_filter(client=client_a.client, record_filter=["mother", "horoscope"])
    assert error.value.field == "record_filter" and "horoscope" in error.value.message
    assert SpineClient.objects.get(pk=client_a.client.pk).record_filter == []

    spine_client_set_filter(client=client_a.client, record_filter=["mother", "births", "mother"])
    assert SpineClient.objects.get(pk=client_a.client.pk).record_filter == ["mother", "births"]


# Who sees what


def test_each_location_admin_sees_only_their_own_clients_and_superuser_all(
    client, superuser, admin_a, admin_b, client_a, client_b
):
    client.force_login(admin_a)
    assert shown(client.get(CHANGELIST)) == {"EPJ at St Olav"}
    assert client.get(change_page(client_a)).status_code == 200
    assert client.get(change_page(client_b)).status_code == 302  # "doesn't exist", back to the index
    client.force_login(admin_b)
    assert shown(client.get(CHANGELIST)) == {"EPJ at Munkholmen"}
    client.force_login(superuser)
    assert shown(client.get(CHANGELIST)) == {"EPJ at St Olav", "EPJ at Munkholmen"}


def test_staff_who_administer_nothing_get_403(client, plain_staff, client_a):
    client.force_login(plain_staff)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.get(f"{CHANGELIST}{client_a.client.pk}/rotate-secret/").status_code == 403


def test_location_filter_offers_only_the_admins_own_locations(client, admin_a, location_a, location_b):
    client.force_login(admin_a)
    page = client.get(CHANGELIST).content.decode()
    assert location_a.name in page and location_b.name not in page


# Adding


def test_adding_a_client_shows_its_id_and_secret_once_and_they_work(client, admin_a, location_a):
    client.force_login(admin_a)
    assert client.get(f"{CHANGELIST}add/").status_code == 200

    response = client.post(
        f"{CHANGELIST}add/",
        {"name": "Partus at St Olav", "care_location": location_a.pk, "record_filter": ["mother", "births"]},
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [new] = response.context["new_clients"]
    page = response.content.decode()
    assert new.client_id in page and new.client_secret in page
    created = SpineClient.objects.get(name="Partus at St Olav")
    assert (created.care_location, created.record_filter) == (location_a, ["mother", "births"])
    assert created.service_user.groups.filter(pk=location_a.group_id).exists()
    assert records_with(fetch_token(new.client_id, new.client_secret)).status_code == 200
    assert LogEntry.objects.filter(object_id=str(created.pk)).exists()
    # Never again: not on its change page, nowhere in the list.
    for later in (client.get(f"{CHANGELIST}{created.pk}/change/"), client.get(CHANGELIST)):
        assert new.client_id in later.content.decode() and new.client_secret not in later.content.decode()


def test_a_location_admin_cannot_add_a_client_to_another_location(client, admin_a, location_a, location_b):
    client.force_login(admin_a)
    response = client.post(f"{CHANGELIST}add/", {"name": "Sneaky", "care_location": location_b.pk})
    assert response.status_code == 200 and response.context["adminform"].form.errors["care_location"]
    assert not SpineClient.objects.filter(name="Sneaky").exists()


def test_an_unknown_resource_type_is_refused_by_the_form(client, admin_a, location_a):
    client.force_login(admin_a)
    response = client.post(
        f"{CHANGELIST}add/", {"name": "Odd", "care_location": location_a.pk, "record_filter": ["horoscope"]}
    )
    assert response.context["adminform"].form.errors["record_filter"]
    assert not SpineClient.objects.filter(name="Odd").exists()


# Changing the record filter


def test_admin_changes_the_record_filter_through_the_service(client, admin_a, client_a):
    client.force_login(admin_a)
    response = client.post(change_page(client_a), {"record_filter": ["antenatalAppointments"]})
    assert response.status_code == 302
    client_a.client.refresh_from_db()
    assert client_a.client.record_filter == ["antenatalAppointments"]
    assert client_a.client.name == "EPJ at St Olav"  # not editable here


HELSEID = {"issuer": "https://helseid-sts.test.nhn.no", "audience": "nhn:maternity-record"}


def test_admin_links_a_client_to_its_client_id_at_a_trusted_issuer(client, admin_a, client_a, settings):
    settings.SPINE_TOKEN_ISSUERS = [HELSEID]
    client.force_login(admin_a)

    page = client.get(change_page(client_a))
    response = client.post(
        change_page(client_a),
        {"token_issuer": HELSEID["issuer"], "token_client_id": "a1b2c3-helseid", "record_filter": []},
    )

    assert HELSEID["issuer"] in page.content.decode()  # offered in the issuer's list
    assert response.status_code == 302
    client_a.client.refresh_from_db()
    assert (client_a.client.token_issuer, client_a.client.token_client_id) == (
        HELSEID["issuer"],
        "a1b2c3-helseid",
    )


@pytest.mark.parametrize(
    "form, says",
    [
        ({"token_issuer": HELSEID["issuer"], "token_client_id": ""}, "or neither"),
        ({"token_issuer": "https://evil.example", "token_client_id": "x"}, "Select a valid choice"),
        ({"token_issuer": HELSEID["issuer"], "token_client_id": "taken"}, "already has the client ID"),
    ],
)
def test_a_link_that_cannot_be_made_is_an_error_on_the_form_and_changes_nothing(
    client, admin_a, client_a, client_c, settings, form, says
):
    settings.SPINE_TOKEN_ISSUERS = [HELSEID]
    from spine.services import spine_client_set_token_client

    spine_client_set_token_client(client=client_c.client, issuer=HELSEID["issuer"], client_id="taken")
    client.force_login(admin_a)

    response = client.post(change_page(client_a), {**form, "record_filter": []})

    assert response.status_code == 200
    assert says in response.content.decode()
    client_a.client.refresh_from_db()
    assert (client_a.client.token_issuer, client_a.client.token_client_id) == ("", "")


def test_admin_of_another_location_cannot_change_the_filter(client, admin_b, client_a):
    client.force_login(admin_b)
    client.post(change_page(client_a), {"record_filter": ["mother"]})
    client_a.client.refresh_from_db()
    assert client_a.client.record_filter == []


# Rotating


def test_rotate_asks_first_then_shows_the_new_secret_once(client, admin_a, client_a):
    client.force_login(admin_a)
    url = f"{CHANGELIST}{client_a.client.pk}/rotate-secret/"

    asked = client.get(url)
    assert asked.status_code == 200 and "stops working" in asked.content.decode()
    assert token_response(client_a.client_id, client_a.client_secret).status_code == 200  # nothing yet

    response = client.post(url, {"post": "yes"})

    [new] = response.context["new_clients"]
    assert new.client_secret in response.content.decode() and "no-store" in response["Cache-Control"]
    assert token_response(client_a.client_id, client_a.client_secret).status_code == 401
    assert token_response(new.client_id, new.client_secret).status_code == 200
    assert "rotate-secret" in client.get(change_page(client_a)).content.decode()


def test_rotate_as_an_action_for_a_client_of_another_location_rotates_nothing(client, admin_b, client_a):
    client.force_login(admin_b)
    act(client, "rotate_secret", client_a, post="yes")
    assert client.get(f"{CHANGELIST}{client_a.client.pk}/rotate-secret/").status_code == 404
    assert token_response(client_a.client_id, client_a.client_secret).status_code == 200


def test_rotate_as_an_action(client, admin_a, client_a):
    client.force_login(admin_a)
    response = act(client, "rotate_secret", client_a, post="yes")
    [new] = response.context["new_clients"]
    assert token_response(new.client_id, new.client_secret).status_code == 200


# Deactivating


def test_deactivate_action_revokes_the_token_at_once(client, admin_a, client_a):
    token = fetch_token(client_a.client_id, client_a.client_secret)
    client.force_login(admin_a)

    response = act(client, "deactivate", client_a)

    assert response.status_code == 302
    assert records_with(token).status_code == 401
    assert SpineClient.objects.get(pk=client_a.client.pk).active is False
    page = client.get(change_page(client_a)).content.decode()
    assert "rotate-secret" not in page and 'name="_save"' not in page  # read-only once deactivated


def test_admin_of_another_location_cannot_deactivate(client, admin_b, client_a):
    token = fetch_token(client_a.client_id, client_a.client_secret)
    client.force_login(admin_b)
    act(client, "deactivate", client_a)
    assert records_with(token).status_code == 200


def test_nobody_deletes_a_client_in_the_admin(client, superuser, client_a):
    client.force_login(superuser)
    assert client.get(f"{CHANGELIST}{client_a.client.pk}/delete/").status_code == 403
    act(client, "delete_selected", client_a, post="yes")
    assert SpineClient.objects.filter(pk=client_a.client.pk).exists()

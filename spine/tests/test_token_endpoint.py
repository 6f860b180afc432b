"""Client systems get tokens with client credentials (POST /o/token/); `create_spine_client` registers one."""

import base64
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from oauth2_provider.models import AccessToken, Application

from conftest import RecordApi, fetch_token
from spine.models import SpineClient
from spine.services import spine_client_deactivate

from .helpers import outcome


def _token_request(client_id: str, client_secret: str, grant_type: str = "client_credentials"):
    return Client().post(
        "/o/token/", {"grant_type": grant_type, "client_id": client_id, "client_secret": client_secret}
    )


def _create_client(*args) -> tuple[str, str, str]:
    """Run the command; return (its output, the printed client id, the printed secret)."""
    out = StringIO()
    call_command("create_spine_client", *args, stdout=out)
    text = out.getvalue()
    values = dict(line.split(":", 1) for line in text.splitlines() if line.startswith("client_"))
    return text, values["client_id"].strip(), values["client_secret"].strip()


def test_client_credentials_give_a_bearer_token_that_opens_the_api(client_a, nin):
    response = _token_request(client_a.client_id, client_a.client_secret)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] > 0
    assert body["scope"] == "record"
    assert body["access_token"]
    assert "refresh_token" not in body
    api = RecordApi(body["access_token"], nin)
    assert api.get("status").status_code == 200


def test_credentials_in_a_basic_auth_header_work_too(client_a):
    basic = base64.b64encode(f"{client_a.client_id}:{client_a.client_secret}".encode()).decode()
    response = Client().post(
        "/o/token/", {"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "Bearer"


def test_a_wrong_secret_gets_401_invalid_client_and_no_token(client_a):
    response = _token_request(client_a.client_id, client_a.client_secret + "x")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert AccessToken.objects.count() == 0


def test_an_unknown_client_id_gets_401_invalid_client(client_a):
    response = _token_request("no-such-client", client_a.client_secret)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert AccessToken.objects.count() == 0


def test_a_client_system_cannot_use_any_other_grant(client_a):
    User.objects.create_user("kari", password="hemmelig-passord-1")
    credentials = {"client_id": client_a.client_id, "client_secret": client_a.client_secret}
    for grant, expected in [
        (
            {"grant_type": "password", "username": "kari", "password": "hemmelig-passord-1"},
            "unauthorized_client",
        ),
        (
            {"grant_type": "authorization_code", "code": "abc", "redirect_uri": "https://x/"},
            "unauthorized_client",
        ),
        ({"grant_type": "implicit"}, "unsupported_grant_type"),
    ]:
        response = Client().post("/o/token/", {**grant, **credentials})
        assert response.status_code == 400, grant
        assert response.json()["error"] == expected
    assert AccessToken.objects.count() == 0


def test_the_token_belongs_to_the_clients_care_location(client_a, location_a, nin):
    api = RecordApi(fetch_token(client_a.client_id, client_a.client_secret), nin)
    response = api.post("record")
    assert response.status_code == 201, response.content
    by = response.json()["metadata"]["lastUpdatedBy"]
    assert (by["orgNr"], by["orgName"]) == (location_a.org_nr, location_a.name)


def test_create_spine_client_prints_an_id_and_secret_that_work(location_a, nin):
    text, client_id, secret = _create_client("--care-location", "974749025", "--name", "DIPS Arena")
    assert "cannot be shown again" in text
    client = SpineClient.objects.get(application__client_id=client_id)
    assert (client.name, client.care_location) == ("DIPS Arena", location_a)
    assert client.record_filter == []
    assert client.service_user.groups.filter(pk=location_a.group_id).exists()
    api = RecordApi(fetch_token(client_id, secret), nin)
    assert api.post("record").status_code == 201


def test_create_spine_client_stores_the_secret_hashed_not_in_plain_text(location_a):
    _, client_id, secret = _create_client("--care-location", "974749025", "--name", "DIPS Arena")
    application = Application.objects.get(client_id=client_id)
    assert application.client_secret != secret
    assert secret not in application.client_secret
    assert check_password(secret, application.client_secret)
    assert application.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    assert application.client_type == Application.CLIENT_CONFIDENTIAL


def test_create_spine_client_with_a_record_filter(location_a):
    _, client_id, _ = _create_client(
        "--care-location", "974749025", "--name", "Lab", "--record-filter", "clinicalTests, rhesusDNegative"
    )
    assert SpineClient.objects.get(application__client_id=client_id).record_filter == [
        "clinicalTests",
        "rhesusDNegative",
    ]


def test_create_spine_client_for_an_unknown_org_number_is_a_clean_command_error(location_a):
    users = User.objects.count()
    with pytest.raises(CommandError, match="No Care Location with org number 123456785"):
        call_command("create_spine_client", "--care-location", "123456785", "--name", "X", stdout=StringIO())
    assert SpineClient.objects.count() == 0
    assert Application.objects.count() == 0
    assert User.objects.count() == users


def test_create_spine_client_with_an_unknown_resource_type_is_a_clean_command_error(location_a):
    with pytest.raises(CommandError, match="ultrasound"):
        call_command(
            "create_spine_client",
            "--care-location",
            "974749025",
            "--name",
            "X",
            "--record-filter",
            "mother,ultrasound",
            stdout=StringIO(),
        )
    assert SpineClient.objects.count() == 0
    assert Application.objects.count() == 0


def test_a_deactivated_client_systems_token_gets_401(api, client_a, record_id, db_state):
    assert api.get(f"record/{record_id}").status_code == 200
    SpineClient.objects.filter(pk=client_a.client.pk).update(active=False)
    before = db_state()
    for response in [
        api.get(f"record/{record_id}"),
        api.get("status"),
        api.post(f"record/{record_id}/medication", {"drugAllergy": True}),
    ]:
        assert outcome(response) == (401, "DHG-0005", "DHG-0005")
        assert "deactivated" in response.json()["errorMessage"]
    assert db_state() == before


def test_a_client_of_a_deactivated_care_location_gets_401(api, location_a, record_id):
    location_a.active = False
    location_a.save(update_fields=["active"])
    response = api.get(f"record/{record_id}")
    assert outcome(response) == (401, "DHG-0005", "DHG-0005")


def test_a_token_of_an_application_that_is_not_a_client_system_gets_401(location_a, nin):
    user = User.objects.create_user("someone")
    Application.objects.create(
        name="Not a spine client",
        client_id="loose-app",
        client_secret="loose-secret-loose-secret",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        user=user,
    )
    api = RecordApi(fetch_token("loose-app", "loose-secret-loose-secret"), nin)
    response = api.get("status")
    assert outcome(response) == (401, "DHG-0005", "DHG-0005")


def _credentials(client) -> dict:
    return {
        "grant_type": "client_credentials",
        "client_id": client.client_id,
        "client_secret": client.client_secret,
    }


def test_a_deactivated_client_system_gets_no_new_token_but_401_invalid_client(client_a):
    SpineClient.objects.filter(pk=client_a.client.pk).update(
        active=False
    )  # its secret still the one it knows
    for send in [
        lambda: Client().post("/o/token/", _credentials(client_a)),
        lambda: Client().post(
            "/o/token/",
            {"grant_type": "client_credentials"},
            headers={
                "Authorization": "Basic "
                + base64.b64encode(f"{client_a.client_id}:{client_a.client_secret}".encode()).decode()
            },
        ),
    ]:
        response = send()
        assert response.status_code == 401, response.content
        assert response.json() == {
            "error": "invalid_client",
            "error_description": "This client system has been deactivated.",
        }
    assert AccessToken.objects.count() == 0


def test_a_client_system_of_a_deactivated_care_location_gets_no_new_token(client_a, location_a):
    location_a.active = False
    location_a.save(update_fields=["active"])
    response = Client().post("/o/token/", _credentials(client_a))
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    assert AccessToken.objects.count() == 0


def test_a_client_system_deactivated_in_the_admin_gets_invalid_client_too(client_a):
    spine_client_deactivate(client=client_a.client)
    response = Client().post("/o/token/", _credentials(client_a))
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


def test_a_wrong_secret_of_a_deactivated_client_is_not_told_it_was_deactivated(client_a):
    SpineClient.objects.filter(pk=client_a.client.pk).update(active=False)
    response = Client().post("/o/token/", {**_credentials(client_a), "client_secret": "guess"})
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


def test_a_deactivated_client_system_cannot_revoke_either(api, client_a):
    SpineClient.objects.filter(pk=client_a.client.pk).update(active=False)
    response = Client().post("/o/revoke_token/", {**_credentials(client_a), "token": api.token})
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


@pytest.mark.parametrize("grant_type", [None, ""])
def test_a_token_request_without_grant_type_is_invalid_request(client_a, grant_type):
    body = {k: v for k, v in _credentials(client_a).items() if k != "grant_type"}
    if grant_type is not None:
        body["grant_type"] = grant_type
    response = Client().post("/o/token/", body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "grant_type" in response.json()["error_description"]
    assert response["Cache-Control"] == "no-store"
    assert AccessToken.objects.count() == 0


def test_a_json_token_request_is_invalid_request_since_the_body_must_be_form_encoded(client_a):
    response = Client().post("/o/token/", _credentials(client_a), content_type="application/json")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_the_device_grant_without_a_device_code_is_invalid_request_not_a_500(client_a):
    body = {**_credentials(client_a), "grant_type": "urn:ietf:params:oauth:grant-type:device_code"}
    response = Client(raise_request_exception=False).post("/o/token/", body)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


@pytest.mark.parametrize("path", ["/o/token/", "/o/revoke_token/"])
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "head"])
def test_a_method_other_than_post_is_a_json_405_with_allow(path, method):
    response = getattr(Client(), method)(path)
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert response["Content-Type"] == "application/json"
    if method != "head":
        assert response.json() == {
            "error": "invalid_request",
            "error_description": f"{method.upper()} is not allowed here: use POST.",
        }


def test_the_token_endpoint_without_its_trailing_slash_gives_a_token_not_a_redirect(client_a):
    response = Client().post("/o/token", _credentials(client_a))
    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "Bearer"
    revoked = Client().post(
        "/o/revoke_token", {**_credentials(client_a), "token": response.json()["access_token"]}
    )
    assert revoked.status_code == 200
    assert AccessToken.objects.count() == 0

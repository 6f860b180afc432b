"""`make run`'s local sign-in server knows the demo patients (by national ID) and midwives (by user name)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from maternity.tests.browser.conftest import make_midwife

pytestmark = pytest.mark.django_db


def test_every_person_and_practitioner_gets_an_account_and_both_apps_a_client(record, nin, location_a):
    make_midwife("kari", location_a, hpr_nr="9144889")
    out = StringIO()
    call_command("dev_idp_config", "--issuer", "http://127.0.0.1:9000", stdout=out)
    config = json.loads(out.getvalue())
    assert config["issuer"] == "http://127.0.0.1:9000"
    assert config["accounts"][nin]["pid"] == nin
    assert config["accounts"]["kari"]["hpr_number"] == "9144889"
    assert {c["client_id"] for c in config["clients"]} == {"portal-dev", "web-dev", "epj-dev"}
    portal = next(c for c in config["clients"] if c["client_id"] == "portal-dev")
    assert portal["redirect_uris"] == ["http://127.0.0.1:8000/portal/oidc/callback/"]


def test_it_issues_helseid_style_record_api_tokens_with_the_practitioners_claims(location_a):
    make_midwife("kari", location_a, hpr_nr="9144889")
    out = StringIO()
    call_command("dev_idp_config", "--issuer", "http://127.0.0.1:9000", stdout=out)
    config = json.loads(out.getvalue())

    assert config["resource"]["audience"] == "nhn:maternity-record"
    epj = next(c for c in config["clients"] if c["client_id"] == "epj-dev")
    assert "client_credentials" in epj["grant_types"]
    claims = config["accounts"]["kari"]["access_token_claims"]
    assert claims["helseid://claims/hpr/hpr_number"] == "9144889"

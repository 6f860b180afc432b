"""Print the configuration of the local development OpenID Connect provider (tools/oidc-provider) for
`make run`: a client for the portal and one for the professional app, and an account for every person
(login: her national ID; claim `pid`) and every practitioner (login: the user name; claim `hpr_number`)
in the database. Development only: the provider accepts any password.

It also issues access tokens for the record API as HelseID does (spine/trusted_tokens.py; docs/api.md):
JWTs for the resource `nhn:maternity-record` to the client `epj-dev` (client credentials, or a
practitioner's authorization code), with HelseID's claim names; seed_demo links its demo client system to
`epj-dev`."""

import json

from django.core.management.base import BaseCommand

from maternity.models import Mother, Person, Practitioner

BASE = "http://127.0.0.1:8000"
DEV_EPJ_CLIENT_ID = "epj-dev"
RECORD_API_AUDIENCE, RECORD_API_SCOPE = "nhn:maternity-record", "nhn:maternity-record/api"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--issuer", default="http://127.0.0.1:9000")
        parser.add_argument("--secret", default="development-only-secret")

    def handle(self, *args, issuer, secret, **options):
        names = dict(Mother.objects.values_list("record__person_id", "name"))
        accounts = {}
        for person in Person.objects.order_by("pk"):
            given, _, family = (names.get(person.pk) or "").partition(" ")
            accounts[person.identifier_value] = {
                "pid": person.identifier_value,
                "given_name": given,
                "family_name": family,
            }
        for practitioner in Practitioner.objects.select_related("user").exclude(hpr_nr=""):
            accounts[practitioner.user.username] = {
                "hpr_number": practitioner.hpr_nr,
                "name": practitioner.display_name,
                "access_token_claims": {
                    "helseid://claims/hpr/hpr_number": practitioner.hpr_nr,
                    "helseid://claims/identity/security_level": "4",
                    "name": practitioner.display_name,
                },
            }
        config = {
            "issuer": issuer,
            "clients": [
                {
                    "client_id": "portal-dev",
                    "client_secret": secret,
                    "redirect_uris": [f"{BASE}/portal/oidc/callback/"],
                    "post_logout_redirect_uris": [f"{BASE}/portal/login/?signed-out"],
                },
                {
                    "client_id": "web-dev",
                    "client_secret": secret,
                    "redirect_uris": [f"{BASE}/oidc/callback/"],
                    "post_logout_redirect_uris": [f"{BASE}/login/"],
                },
                {
                    "client_id": DEV_EPJ_CLIENT_ID,
                    "client_secret": secret,
                    "grant_types": ["client_credentials", "authorization_code"],
                    "redirect_uris": ["http://127.0.0.1:8000/epj-dev/callback"],
                },
            ],
            "resource": {"audience": RECORD_API_AUDIENCE, "scope": RECORD_API_SCOPE, "ttl": 600},
            "accounts": accounts,
        }
        self.stdout.write(json.dumps(config, indent=2, ensure_ascii=False))

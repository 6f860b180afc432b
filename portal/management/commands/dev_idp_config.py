"""Print the configuration of the local development OpenID Connect provider (tools/oidc-provider) for
`make run`: a client for the portal and one for the professional app, and an account for every person
(login: her national ID; claim `pid`) and every practitioner (login: the user name; claim `hpr_number`)
in the database. Development only: the provider accepts any password."""

import json

from django.core.management.base import BaseCommand

from maternity.models import Mother, Person, Practitioner

BASE = "http://127.0.0.1:8000"


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
            ],
            "accounts": accounts,
        }
        self.stdout.write(json.dumps(config, indent=2, ensure_ascii=False))

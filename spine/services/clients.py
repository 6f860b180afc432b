"""Writes for client systems: create one (the secret is returned once, stored hashed)."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from oauth2_provider.models import Application

from maternity.errors import Invalid
from maternity.models import CareLocation
from maternity.resources import RESOURCE_TYPES

from ..models import SpineClient


@dataclass(frozen=True)
class NewClient:
    client: SpineClient
    client_id: str
    client_secret: str  # plain text: shown once, never stored


@transaction.atomic
def spine_client_create(
    *, care_location: CareLocation, name: str, record_filter: list[str] | None = None
) -> NewClient:
    record_filter = record_filter or []
    unknown = [t for t in record_filter if t not in RESOURCE_TYPES]
    if unknown:
        raise Invalid(
            f"Unknown resource type(s) in the record filter: {', '.join(unknown)}.", field="record_filter"
        )
    secret = secrets.token_urlsafe(40)
    user = get_user_model().objects.create_user(username=f"client-{secrets.token_hex(8)}", password=None)
    user.first_name = name[:150]
    user.save(update_fields=["first_name"])
    user.groups.add(care_location.group)
    application = Application.objects.create(
        name=f"{name} ({care_location.org_nr})",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
        user=user,
    )
    client = SpineClient.objects.create(
        name=name,
        care_location=care_location,
        application=application,
        service_user=user,
        record_filter=record_filter,
    )
    return NewClient(client=client, client_id=application.client_id, client_secret=secret)

"""Writes for client systems: create one, rotate its secret (each secret is returned once and stored
hashed), change its record filter, link it to its id at a trusted token issuer, deactivate it (its tokens
are revoked at once)."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AccessToken, Application, RefreshToken

from maternity.errors import Invalid, NotAllowed
from maternity.models import CareLocation, RestrictionCategory
from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.wording import worded

from ..context import CONTROL_CHARACTERS
from ..models import SpineClient
from ..token_issuers import trusted_issuer


@dataclass(frozen=True)
class NewClient:
    client: SpineClient
    client_id: str
    client_secret: str  # plain text: shown once, never stored


@transaction.atomic
def spine_client_create(
    *, care_location: CareLocation, name: str, record_filter: list[str] | None = None
) -> NewClient:
    record_filter = _check_record_filter(record_filter or [])
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


def _check_record_filter(record_filter: list[str]) -> list[str]:
    unknown = [t for t in record_filter if t not in RESOURCE_TYPES]
    if unknown:
        raise Invalid(
            worded(_("Unknown resource type(s) in the record filter: %(types)s."), types=", ".join(unknown)),
            field="record_filter",
        )
    return list(dict.fromkeys(record_filter))  # in the order given, once each


def _revoke_tokens(application: Application) -> int:
    """Delete every access and refresh token of the application: they stop working at once."""
    refresh, _ = RefreshToken.objects.filter(application=application).delete()
    access, _ = AccessToken.objects.filter(application=application).delete()
    return refresh + access


def _locked(client: SpineClient) -> SpineClient:
    return SpineClient.objects.select_for_update().select_related("application").get(pk=client.pk)


@transaction.atomic
def spine_client_rotate_secret(*, client: SpineClient) -> NewClient:
    """A new secret, returned once: the old one stops working, and so do the tokens obtained with it."""
    client = _locked(client)
    if not client.active:
        raise NotAllowed(_("A deactivated client system gets no new secret."))
    secret = secrets.token_urlsafe(40)
    application = client.application
    application.client_secret = secret  # hashed when saved (hash_client_secret)
    application.save(update_fields=["client_secret", "updated"])
    _revoke_tokens(application)
    return NewClient(client=client, client_id=application.client_id, client_secret=secret)


@transaction.atomic
def spine_client_deactivate(*, client: SpineClient) -> int:
    """Deactivate a client system: its tokens are revoked at once and its secret is replaced by one nobody
    knows, so it can get no new token either. Returns how many tokens were revoked."""
    client = _locked(client)
    client.active = False
    client.save(update_fields=["active"])
    application = client.application
    application.client_secret = secrets.token_urlsafe(40)  # never shown: nobody can use it
    application.save(update_fields=["client_secret", "updated"])
    return _revoke_tokens(application)


@transaction.atomic
def spine_client_set_filter(
    *, client: SpineClient, record_filter: list[str], restricted_categories: list[str] | None = None
) -> SpineClient:
    """The resource types the client may read and write (empty: all), and the categories of its own Care
    Location's restricted entries it may see (empty: none; None: unchanged)."""
    record_filter = _check_record_filter(record_filter)
    fields = ["record_filter"]
    client = _locked(client)
    client.record_filter = record_filter
    if restricted_categories is not None:
        client.restricted_categories = check_restricted_categories(restricted_categories)
        fields.append("restricted_categories")
    client.save(update_fields=fields)
    return client


def check_restricted_categories(categories: list[str]) -> list[str]:
    """The categories of restricted entries a client may see: RestrictionCategory values, once each."""
    unknown = [str(c)[:40] for c in categories if c not in RestrictionCategory.values]
    if unknown:
        raise Invalid(
            worded(
                _("Unknown restriction categories in the record filter: %(categories)s."),
                categories=", ".join(unknown),
            ),
            field="restricted_categories",
        )
    return list(dict.fromkeys(categories))


def check_token_client(*, client: SpineClient, issuer: str, client_id: str) -> tuple[str, str]:
    """(issuer, client id) as they would be stored, or Invalid saying what is wrong (the admin's form
    shows it before saving)."""
    issuer, client_id = issuer.strip(), client_id.strip()
    if bool(issuer) != bool(client_id):
        raise Invalid(
            _("Give both the token issuer and the client ID at it, or neither."), field="token_client_id"
        )
    if issuer and trusted_issuer(issuer) is None:
        trusted = ", ".join(i["issuer"] for i in settings.SPINE_TOKEN_ISSUERS) or _("none is set")
        raise Invalid(
            worded(
                _("%(issuer)s is not a trusted token issuer here (SPINE_TOKEN_ISSUERS: %(trusted)s)."),
                issuer=issuer,
                trusted=trusted,
            ),
            field="token_issuer",
        )
    if CONTROL_CHARACTERS.search(client_id) or len(client_id) > 200:
        raise Invalid(
            _("The client ID must be at most 200 characters, without control characters."),
            field="token_client_id",
        )
    taken = SpineClient.objects.filter(token_issuer=issuer, token_client_id=client_id).exclude(pk=client.pk)
    if client_id and taken.exists():
        raise Invalid(
            worded(
                _("Another client system already has the client ID %(client_id)s at %(issuer)s."),
                client_id=client_id,
                issuer=issuer,
            ),
            field="token_client_id",
        )
    return issuer, client_id


@transaction.atomic
def spine_client_set_token_client(*, client: SpineClient, issuer: str, client_id: str) -> SpineClient:
    """The client's id at a trusted token issuer (HelseID): its signed tokens then act as this client
    system. Both blank: unlinked. One client system per issuer and client id."""
    issuer, client_id = check_token_client(client=client, issuer=issuer, client_id=client_id)
    client = _locked(client)
    client.token_issuer, client.token_client_id = issuer, client_id
    client.save(update_fields=["token_issuer", "token_client_id"])
    return client

"""System checks for `manage.py check --deploy`: webhook safety switches left on in production, and a
trusted token issuer whose keys would be fetched over plain http://."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

W001 = Warning(
    "WEBHOOK_ALLOW_HTTP is on while DEBUG is off: webhooks may be sent over plain http://, so the events "
    "and their signatures can be read and replayed on the way.",
    hint="Unset WEBHOOK_ALLOW_HTTP in production; receivers must use https://.",
    id="spine.W001",
)
W002 = Warning(
    "WEBHOOK_ALLOW_PRIVATE_NETWORKS is on while DEBUG is off: a client system can make this server call "
    "addresses on its own network (server-side request forgery).",
    hint="Unset WEBHOOK_ALLOW_PRIVATE_NETWORKS in production.",
    id="spine.W002",
)


W003 = (
    "SPINE_TOKEN_ISSUERS names {where} over plain http:// while DEBUG is off: anyone on the way could serve "
    "their own keys, and their tokens would be accepted."
)


@register(Tags.security, deploy=True)
def token_issuer_check(app_configs, **kwargs) -> list[Warning]:
    if settings.DEBUG:
        return []
    plain = [
        value
        for entry in settings.SPINE_TOKEN_ISSUERS
        if isinstance(entry, dict)
        for value in (entry.get("issuer"), entry.get("jwks_uri"))
        if isinstance(value, str) and value.lower().startswith("http://")
    ]
    if not plain:
        return []
    return [
        Warning(
            W003.format(where=", ".join(plain)),
            hint="Use the issuer's https:// addresses, as its discovery document states them.",
            id="spine.W003",
        )
    ]


@register(Tags.security, deploy=True)
def webhook_settings_check(app_configs, **kwargs) -> list[Warning]:
    if settings.DEBUG:
        return []
    warnings = []
    if settings.WEBHOOK_ALLOW_HTTP:
        warnings.append(W001)
    if settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        warnings.append(W002)
    return warnings

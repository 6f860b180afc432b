from django.apps import AppConfig


class SpineConfig(AppConfig):
    name = "spine"
    verbose_name = "Spine: client systems and the record API"

    def ready(self):
        from . import checks, schema  # noqa: F401  (register the deploy checks and the OpenAPI extensions)
        from .token_issuers import trusted_issuer

        trusted_issuer("")  # reads SPINE_TOKEN_ISSUERS now: a mistake in it stops start-up with the reason

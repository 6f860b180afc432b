from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SpineConfig(AppConfig):
    name = "spine"
    verbose_name = gettext_lazy("Spine: client systems and the record API")

    def ready(self):
        from . import checks, schema  # noqa: F401  (register the deploy checks and the OpenAPI extensions)
        from .token_issuers import trusted_issuer

        trusted_issuer("")  # reads SPINE_TOKEN_ISSUERS now: a mistake in it stops start-up with the reason

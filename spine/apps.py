from django.apps import AppConfig


class SpineConfig(AppConfig):
    name = "spine"
    verbose_name = "Spine: client systems and the record API"

    def ready(self):
        from . import checks, schema  # noqa: F401  (register the deploy checks and the OpenAPI extensions)

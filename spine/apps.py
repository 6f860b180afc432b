from django.apps import AppConfig


class SpineConfig(AppConfig):
    name = "spine"
    verbose_name = "Spine: client systems and the record API"

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI extensions)

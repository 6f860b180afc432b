from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = gettext_lazy("The pregnant person's portal")

    def ready(self) -> None:
        from . import notifications

        notifications.connect()

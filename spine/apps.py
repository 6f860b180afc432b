from django.apps import AppConfig


class SpineConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "spine"

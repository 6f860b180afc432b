from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DatasetConfig(AppConfig):
    name = "dataset"
    verbose_name = gettext_lazy("Data set")
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class MaternityConfig(AppConfig):
    name = "maternity"
    verbose_name = "Maternity record"

from django.apps import AppConfig


class MaternityConfig(AppConfig):
    name = "maternity"
    verbose_name = "Maternity record"

    def ready(self):
        from maternity.http import (
            checks,  # noqa: F401  (register the deploy checks; renew sessions at sign-in)
        )

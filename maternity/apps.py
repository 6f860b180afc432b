from django.apps import AppConfig
from django.utils.translation import gettext_lazy

from maternity import model_names

model_names.connect()  # before any model is made: their names are read in the reader's language


class MaternityConfig(AppConfig):
    name = "maternity"
    verbose_name = gettext_lazy("Maternity record")

    def ready(self):
        from maternity.http import (
            checks,  # noqa: F401  (register the deploy checks; renew sessions at sign-in)
        )
        from maternity.signin import regions  # noqa: F401  (remember at sign-in who reads regions)

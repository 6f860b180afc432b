from django.apps import AppConfig
from django.utils.translation import gettext_lazy

from maternity import model_names

model_names.connect()  # before any model is made: their names are read in the reader's language


class MaternityConfig(AppConfig):
    name = "maternity"
    verbose_name = gettext_lazy("Maternity record")

    def ready(self):
        from django.db.backends.signals import connection_created

        from maternity.audit.chain import install_sqlite_functions

        # SQLite's audit trigger hashes in Python (maternity/audit/chain.py): every connection gets it
        connection_created.connect(install_sqlite_functions, dispatch_uid="maternity-audit-chain")
        from maternity.http import (
            checks,  # noqa: F401  (register the deploy checks; renew sessions at sign-in)
        )
        from maternity.signin import regions  # noqa: F401  (remember at sign-in who reads regions)

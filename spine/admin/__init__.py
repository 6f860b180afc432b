"""The spine's admin: client systems (clients.py) and their webhook subscriptions (subscriptions.py).

Subscriptions are read-only here: a Care Location admin sees those of its own client systems, a superuser
all of them, and pauses, resumes, redelivers or deletes them only through `spine.services`.
"""

from . import clients, subscriptions  # noqa: F401  (each module registers its ModelAdmins)

"""How long to wait before trying a failing receiver again: exponential, capped, with jitter.

"Equal jitter": half the delay is fixed and half random, so retries never come at once after an outage
(many subscriptions of one receiver spread out) and never come sooner than half the exponential delay.
"""

import random

from django.conf import settings


def retry_delay(failed_attempts: int, *, rng: random.Random | None = None) -> float:
    """Seconds to wait after `failed_attempts` failures in a row (1 for the first failure)."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    ceiling = min(settings.WEBHOOK_RETRY_MAX_SECONDS, base * 2 ** min(max(failed_attempts - 1, 0), 32))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)

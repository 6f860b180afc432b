"""For the security tests: the shared cache as production has it (the real Redis), a clock the rate-limit
windows can be moved on by, and small limits so a test reaches them in a few attempts."""

import os
import uuid

import pytest

from maternity.http import rate_limits

REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
SMALL_LIMITS = {
    "token-client": (3, 60),
    "token-ip": (5, 60),
    "login-username": (3, 900),
    "login-ip": (5, 900),
    "oidc-ip": (3, 300),
    "break-glass-user": (2, 3600),
    "break-glass-client": (3, 3600),
}


@pytest.fixture
def redis_cache(settings):
    """Redis as the default cache, under a key prefix of this test's own, so parallel test runs (and anyone
    else using this Redis) never share a count; this test's keys are deleted afterwards. Skipped, saying
    why, when no Redis answers at TEST_REDIS_URL."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"No Redis at {REDIS_URL} (TEST_REDIS_URL); the rate limits are tested against Redis")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield client
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


class Clock:
    def __init__(self, at: float):
        self.at = at

    def advance(self, seconds: float) -> None:
        self.at += seconds


@pytest.fixture
def clock(monkeypatch):
    """The time the rate limits see; `clock.advance(seconds)` moves it on."""
    clock = Clock(1_900_000_000.0)
    monkeypatch.setattr(rate_limits, "now", lambda: clock.at)
    return clock


@pytest.fixture
def limits(settings, redis_cache, clock):
    """Small limits, counted in Redis, on a clock the test controls."""
    settings.RATE_LIMITS = dict(SMALL_LIMITS)
    return settings.RATE_LIMITS

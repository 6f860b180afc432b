"""System checks for `manage.py check --deploy`: the rate limits need a cache every app server shares, and
the printed notes need WeasyPrint's system libraries."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

from .pdf import PRINTING_PACKAGES, printing_unavailable

# Backends whose counters all processes (and hosts) share, with an atomic increment.
SHARED_CACHES = {
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}


def w001(backend: str) -> Warning:
    return Warning(
        f"The rate limits count in the default cache, {backend}, while DEBUG is off: each app server "
        "process keeps its own counts (or none), so sign-in, token and break-glass attempts are limited per "
        "process, not for the site.",
        hint="Set REDIS_URL (e.g. redis://redis.internal:6379/0) so every process shares the counts.",
        id="maternity.W001",
    )


@register(Tags.security, Tags.caches, deploy=True)
def rate_limit_cache_check(app_configs, **kwargs) -> list[Warning]:
    if settings.DEBUG or not any(settings.RATE_LIMITS.values()):
        return []
    default: dict[str, Any] = settings.CACHES.get("default", {})
    backend = default.get("BACKEND", "")
    return [] if backend in SHARED_CACHES else [w001(backend or "no cache")]


@register(deploy=True)
def printing_check(app_configs, **kwargs) -> list[Warning]:
    reason = printing_unavailable()
    if reason is None:
        return []
    return [
        Warning(
            f'The printed notes cannot be made on this server: {reason}. "Print notes" answers 503.',
            hint=f"Install the libraries WeasyPrint loads: apt-get install {PRINTING_PACKAGES}.",
            id="maternity.W002",
        )
    ]

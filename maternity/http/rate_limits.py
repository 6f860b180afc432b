"""Rate limits, counted in the shared cache (Redis in production) so every app server process sees the same
counts. Which limits there are, and their sizes, is `settings.RATE_LIMITS` (docs/security.md).

Each limit is a fixed window per counted thing (a client_id, a user name, an IP address): the window's first
attempt creates its counter with `cache.add` (atomic: one process wins), the others `cache.incr` it (atomic
in Redis), and the counter expires with its window. Windows are staggered per counted thing, so not every
counter in the system starts afresh at the same second. An attempt takes its place in the count before it is
tried, so parallel attempts cannot slip past the limit; one that should not count (a sign-in that succeeded)
is given back with `Attempt.refund()`. Cache keys carry a keyed hash (HMAC with SECRET_KEY) of what is
counted, never the user name or address itself.

A cache that cannot be reached lets the attempt through and logs the error: the limits are a second line of
defence, and a midwife signing in to a clinical record must not depend on them.
"""

import ipaddress
import logging
import math
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from maternity.actors import Actor

log = logging.getLogger("maternity.security")


def now() -> float:
    """The clock the windows are measured by (tests move it)."""
    return time.time()


@dataclass(frozen=True)
class Counted:
    """One attempt counted against one limit."""

    limit: str
    subject: str  # what was counted (for the log; not stored in the cache)
    key: str  # the cache key of this window's counter
    count: int
    allowed: int
    retry_after: int  # seconds until this window ends

    @property
    def over(self) -> bool:
        return self.count > self.allowed


@dataclass(frozen=True)
class Attempt:
    """An attempt counted against one or more limits; refused when it is over any of them."""

    counted: list[Counted] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(each.over for each in self.counted)

    @property
    def retry_after(self) -> int:
        """Seconds until every limit it is over has a new window (0 when it was not refused)."""
        return max((each.retry_after for each in self.counted if each.over), default=0)

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))

    def refund(self) -> None:
        """Give the attempt back (it succeeded and should not count). A counter already gone is fine."""
        for each in self.counted:
            try:
                cache.decr(each.key)
            except ValueError:
                pass
            except Exception:  # the cache is down: the count expires with its window anyway
                log.exception("Could not give back a rate-limit count (%s)", each.limit)

    def log_refusal(self, request, what: str) -> None:
        over = [f"{each.limit} ({each.subject})" for each in self.counted if each.over]
        log.warning(
            "Too many %s: refused %s %s from %s over %s; retry after %s s",
            what,
            request.method,
            request.path,
            client_ip(request),
            ", ".join(over),
            self.retry_after,
        )


def rate_limits_count(subjects: dict[str, str]) -> Attempt:
    """Count one attempt against each named limit (settings.RATE_LIMITS) for its subject. Limits that are
    off, and empty subjects (e.g. no user name sent), are not counted."""
    at = now()
    counted = []
    for limit, subject in subjects.items():
        rate = settings.RATE_LIMITS.get(limit)
        if rate is None or not subject:
            continue
        count, seconds = rate
        digest = salted_hmac(
            "maternity.http.rate_limits", f"{limit}\0{subject}", algorithm="sha256"
        ).hexdigest()
        offset = int(digest[:8], 16) % seconds  # staggers this subject's windows
        window = math.floor((at - offset) / seconds)
        ends = (window + 1) * seconds + offset
        key = f"rate-limit:{limit}:{digest[:32]}:{window}"
        try:
            current = _increment(key, timeout=math.ceil(ends - at) + 1)
        except Exception:
            log.exception("Rate limit %s not counted: the cache is not reachable", limit)
            continue
        retry_after = max(1, math.ceil(ends - at))
        counted.append(Counted(limit, subject, key, current, count, retry_after))
    return Attempt(counted)


def _increment(key: str, *, timeout: int) -> int:
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=timeout)
        return 1


def client_ip(request) -> str:
    """The caller's address: REMOTE_ADDR, or behind `TRUSTED_PROXY_COUNT` proxies the address the outermost
    of them saw (X-Forwarded-For, counted from the right; entries further left are the caller's to forge)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    return forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]


def ip_subject(request) -> str:
    """What a per-address limit counts: the IPv4 address, or the /64 network of an IPv6 address (one
    household or server has a whole /64, so single IPv6 addresses would be no limit at all)."""
    ip = client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:  # ::ffff:192.0.2.1 is 192.0.2.1
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


# --- The limits, by what they protect ------------------------------------------------------------------


def sign_in_attempt(request, username: str) -> Attempt:
    """A password sign-in: per user name (case does not make another name) and per address."""
    return rate_limits_count(
        {"login-username": username.strip().casefold()[:300], "login-ip": ip_subject(request)}
    )


def oidc_attempt(request) -> Attempt:
    """Starting or completing an OpenID Connect sign-in: per address."""
    return rate_limits_count({"oidc-ip": ip_subject(request)})


def token_attempt(request, client_id: str) -> Attempt:
    """A request to the token endpoint: per client_id and per address."""
    return rate_limits_count({"token-client": client_id[:300], "token-ip": ip_subject(request)})


def break_glass_attempt(actor: Actor) -> Attempt:
    """Finding a pregnancy by its keys with a break-glass reason: per person (the same budget on the web and
    through the API when she is signed in) and, for a client system, per acting user and per client system."""
    if actor.client_id:
        person = f"client:{actor.client_id}:acting:{actor.hpr_nr or actor.name}"
        return rate_limits_count({"break-glass-user": person, "break-glass-client": actor.client_id})
    user_id = actor.user.pk if actor.user is not None else None
    return rate_limits_count({"break-glass-user": f"user:{user_id}" if user_id else ""})

"""The rate-limit counter (maternity/http/rate_limits.py), against the real Redis: a fixed window per counted
thing, atomic across processes, a refund for attempts that should not count, and open when the cache is
down."""

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from config.settings import envrate
from maternity.http import rate_limits


def count(subject: str = "kari", limit: str = "login-username"):
    return rate_limits.rate_limits_count({limit: subject})


def test_attempts_up_to_the_limit_pass_and_the_next_is_refused_with_the_time_left(limits):
    assert [count().refused for _ in range(3)] == [False, False, False]
    refused = count()
    assert refused.refused
    assert 0 < refused.retry_after <= 900
    assert refused.retry_after_minutes == -(-refused.retry_after // 60)


def test_the_count_starts_afresh_when_the_window_ends(limits, clock):
    for _ in range(4):
        attempt = count()
    assert attempt.refused
    clock.advance(attempt.retry_after - 1)
    assert count().refused  # a second before the end: still refused
    clock.advance(1)
    assert not count().refused


def test_each_counted_thing_has_its_own_count(limits):
    for _ in range(4):
        count("kari")
    assert count("kari").refused
    assert not count("ingrid").refused
    assert not count("kari", limit="break-glass-user").refused


def test_windows_are_staggered_so_not_every_count_starts_afresh_at_once(limits):
    ends = {count(f"user-{n}").counted[0].retry_after for n in range(20)}
    assert len(ends) > 1


def test_an_attempt_given_back_does_not_count(limits):
    for _ in range(10):
        count().refund()
    assert not count().refused


def test_redis_holds_a_hash_of_what_is_counted_with_an_expiry_not_the_name_itself(limits, redis_cache):
    count("kari.nordmann@example.org")
    [key] = [key.decode() for key in redis_cache.scan_iter("test-*")]
    assert "kari" not in key and "example" not in key
    assert ":rate-limit:login-username:" in key
    assert 0 < redis_cache.ttl(key) <= 901


def test_parallel_attempts_cannot_slip_past_the_limit(limits):
    with ThreadPoolExecutor(max_workers=8) as pool:
        refused = list(pool.map(lambda _: count("stampede").refused, range(24)))
    assert refused.count(False) == 3


def test_a_limit_that_is_off_counts_nothing(limits):
    limits["login-username"] = None
    assert [count().refused for _ in range(10)] == [False] * 10
    assert count().counted == []


def test_an_unreachable_cache_lets_the_attempt_through_and_logs_the_error(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    settings.RATE_LIMITS = {"login-username": (1, 60)}
    with caplog.at_level(logging.ERROR, logger="maternity.security"):
        assert [count().refused for _ in range(3)] == [False, False, False]
    assert "login-username not counted: the cache is not reachable" in caplog.text


@pytest.mark.parametrize(
    "remote, forwarded, proxies, counted",
    [
        ("192.0.2.1", "", 0, "192.0.2.1"),
        ("192.0.2.1", "198.51.100.7", 0, "192.0.2.1"),  # no proxy trusted: a forged header is ignored
        ("10.0.0.2", "198.51.100.7", 1, "198.51.100.7"),
        ("10.0.0.2", "203.0.113.9, 198.51.100.7", 1, "198.51.100.7"),  # the left one is the caller's to forge
        ("10.0.0.2", "203.0.113.9, 198.51.100.7, 10.0.0.1", 2, "198.51.100.7"),
        ("10.0.0.2", "", 1, "10.0.0.2"),
        ("2001:db8:1:2:3:4:5:6", "", 0, "2001:db8:1:2::/64"),  # one household's whole /64 counts as one
        ("::ffff:192.0.2.1", "", 0, "192.0.2.1"),
    ],
)
def test_the_address_counted_is_the_callers_as_the_trusted_proxies_saw_it(
    settings, remote, forwarded, proxies, counted
):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    assert rate_limits.ip_subject(request) == counted


@pytest.mark.parametrize(
    "text, rate",
    [("5/15m", (5, 900)), ("20/60", (20, 60)), ("10/h", (10, 3600)), ("3 / d", (3, 86400)), ("off", None)],
)
def test_limits_in_the_environment_are_a_count_per_period(monkeypatch, text, rate):
    monkeypatch.setenv("RATE_LIMIT_TEST", text)
    assert envrate("RATE_LIMIT_TEST", "1/m") == rate


@pytest.mark.parametrize("text", ["5", "5/", "0/m", "5/0", "five/m", "5/15x"])
def test_a_limit_that_is_not_a_count_per_period_stops_the_server_starting(monkeypatch, text):
    monkeypatch.setenv("RATE_LIMIT_TEST", text)
    with pytest.raises(ImproperlyConfigured, match="RATE_LIMIT_TEST must be a count per period"):
        envrate("RATE_LIMIT_TEST", "1/m")

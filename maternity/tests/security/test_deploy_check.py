"""`manage.py check --deploy --fail-level WARNING` is clean with production settings (as CI runs it), and
warns when the rate limits would count in each process's own memory instead of the shared Redis."""

import os
import secrets
import subprocess
import sys

from django.conf import settings
from django.core import checks

from maternity.http.checks import rate_limit_cache_check

from .conftest import REDIS_URL

LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}


def production_env(**extra: str) -> dict:
    """The environment of a production server: this one's, without the test suite's development switches."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "WEBHOOK_", "RATE_LIMIT_", "OIDC_", "PORTAL_OIDC_", "REDIS_URL"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="maternity.example.org",
        DJANGO_SECURE_SSL_REDIRECT="1",
    )
    env.update(extra)
    return env


def deploy_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_with_production_settings_and_redis():
    result = deploy_check(production_env(REDIS_URL=REDIS_URL))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_fails_on_a_rate_limit_cache_of_each_process_its_own():
    result = deploy_check(production_env())
    assert result.returncode == 1
    assert "maternity.W001" in result.stderr and "REDIS_URL" in result.stderr


def deploy_warnings() -> list[str]:
    found = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
    return sorted(message.id for message in found if message.id.startswith("maternity."))


def test_production_with_redis_has_no_warning(settings):
    settings.DEBUG, settings.CACHES = False, REDIS
    assert deploy_warnings() == []


def test_production_with_local_memory_is_warned_of_as_a_warning(settings):
    settings.DEBUG, settings.CACHES = False, LOCAL_MEMORY
    [warning] = rate_limit_cache_check(None)
    assert (warning.id, warning.level) == ("maternity.W001", checks.WARNING)
    assert deploy_warnings() == ["maternity.W001"]


def test_local_memory_is_fine_in_development_or_with_every_limit_off(settings):
    settings.CACHES = LOCAL_MEMORY
    settings.DEBUG = True
    assert deploy_warnings() == []
    settings.DEBUG = False
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS)
    assert deploy_warnings() == []


def test_the_check_runs_only_with_deploy(settings):
    settings.DEBUG, settings.CACHES = False, LOCAL_MEMORY
    found = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=False)
    assert [message.id for message in found if message.id.startswith("maternity.")] == []


def test_an_unknown_national_visit_schedule_stops_the_server_from_starting_with_the_reason():
    result = deploy_check(production_env(REDIS_URL=REDIS_URL, VISIT_SCHEDULE="FR"))

    assert result.returncode != 0
    assert 'VISIT_SCHEDULE must be "NO" or "NICE", not \'FR\'.' in result.stderr

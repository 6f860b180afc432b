"""`manage.py check --deploy` warns when a webhook safety switch for development is on in production."""

import pytest
from django.core import checks

from spine.checks import token_issuer_check, webhook_settings_check


def spine_deploy_warnings(include_deployment_checks: bool = True) -> list[str]:
    found = checks.run_checks(
        tags=[checks.Tags.security], include_deployment_checks=include_deployment_checks
    )
    return sorted(message.id for message in found if message.id.startswith("spine."))


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    return settings


def test_production_settings_pass_the_deploy_check(production):
    assert spine_deploy_warnings() == []


def test_http_webhooks_in_production_are_warned_of(production):
    production.WEBHOOK_ALLOW_HTTP = True
    assert spine_deploy_warnings() == ["spine.W001"]


def test_webhooks_to_private_networks_in_production_are_warned_of(production):
    production.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    assert spine_deploy_warnings() == ["spine.W002"]


def test_both_switches_on_in_production_give_both_warnings_as_warnings(production):
    production.WEBHOOK_ALLOW_HTTP = True
    production.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    found = webhook_settings_check(None)
    assert [message.id for message in found] == ["spine.W001", "spine.W002"]
    assert all(message.level == checks.WARNING for message in found)


def test_the_switches_are_fine_in_development(production):
    production.DEBUG = True
    production.WEBHOOK_ALLOW_HTTP = True
    production.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    assert spine_deploy_warnings() == []


def test_the_check_runs_only_with_deploy(production):
    production.WEBHOOK_ALLOW_HTTP = True
    assert spine_deploy_warnings(include_deployment_checks=False) == []


def test_a_trusted_issuer_over_plain_http_is_warned_of_in_production(settings):
    settings.DEBUG = False
    settings.SPINE_TOKEN_ISSUERS = [
        {"issuer": "https://helseid-sts.nhn.no", "audience": "nhn:maternity-record"},
        {"issuer": "http://idp.example", "audience": "a", "jwks_uri": "http://idp.example/jwks"},
    ]

    found = token_issuer_check(None)

    assert [message.id for message in found] == ["spine.W003"]
    assert "http://idp.example, http://idp.example/jwks" in found[0].msg
    settings.DEBUG = True
    assert token_issuer_check(None) == []

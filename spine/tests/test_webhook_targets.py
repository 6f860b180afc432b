"""Which URLs may receive webhooks: https only (http in development), no credentials, and never an address
inside this server's own network unless private networks are allowed.

IP literals and `localhost` resolve without DNS; a host name that resolves to a chosen address is made by
replacing `socket.getaddrinfo`, the resolver the rule consults, not the rule itself."""

import socket

import pytest

from maternity.errors import Invalid
from spine.webhooks.targets import MAX_URL_LENGTH, TargetRefused, address_check, receiver_url_check

PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:4700:4700::1111"
NOT_PUBLIC = [
    "127.0.0.1",  # loopback
    "10.1.2.3",  # private
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # link-local (cloud metadata)
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "224.0.0.1",  # multicast
    "::1",  # loopback
    "fe80::1",  # link-local
    "fc00::1",  # unique local
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "ff02::1",  # multicast
    "64:ff9b::7f00:1",  # NAT64 form of 127.0.0.1 (is_global says True)
    "64:ff9b::a01:203",  # NAT64 form of 10.1.2.3
    "2002:7f00:1::1",  # 6to4 around 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 around 169.254.169.254
    "::127.0.0.1",  # IPv4-compatible
]


@pytest.fixture
def production(settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    return settings


@pytest.fixture
def resolves_to(monkeypatch):
    """Make every host name resolve to the given addresses."""

    def resolve(*addresses: str) -> None:
        def getaddrinfo(host, port, *args, **kwargs):
            return [
                (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses
            ]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    return resolve


def literal(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def refusal(url) -> str:
    with pytest.raises(Invalid) as refused:
        receiver_url_check(url)
    assert refused.value.field == "url"
    return refused.value.message


def test_an_https_url_to_a_public_address_is_accepted(production):
    assert receiver_url_check(f"https://{PUBLIC_V4}/hooks?x=1") == f"https://{PUBLIC_V4}/hooks?x=1"
    assert receiver_url_check(f"https://[{PUBLIC_V6}]:8443/hooks")


def test_surrounding_whitespace_is_trimmed(production):
    assert receiver_url_check(f"  https://{PUBLIC_V4}/hooks \n") == f"https://{PUBLIC_V4}/hooks"


def test_a_host_name_resolving_to_public_addresses_is_accepted(production, resolves_to):
    resolves_to(PUBLIC_V4, PUBLIC_V6)
    assert receiver_url_check("https://receiver.example.org/hooks")


def test_http_is_refused_in_production(production):
    assert "https://" in refusal(f"http://{PUBLIC_V4}/hooks")


def test_the_scheme_refusal_offers_only_https_where_http_is_not_allowed(production):
    assert refusal(f"http://{PUBLIC_V4}/hooks") == "url must be an https:// address."
    assert refusal(f"ftp://{PUBLIC_V4}/hooks") == "url must be an https:// address."
    assert "http://" not in refusal("")


def test_the_scheme_refusal_offers_http_too_where_the_settings_allow_it(production):
    production.WEBHOOK_ALLOW_HTTP = True

    assert refusal(f"ftp://{PUBLIC_V4}/hooks") == "url must be an https:// or http:// address."
    assert refusal("receiver.example.org/hooks") == "url must be an https:// or http:// address."
    assert refusal("") == "url is required: the https:// or http:// address of your webhook receiver."


def test_http_is_accepted_when_allowed(production):
    production.WEBHOOK_ALLOW_HTTP = True
    assert receiver_url_check(f"http://{PUBLIC_V4}/hooks")


@pytest.mark.parametrize("url", ["ftp://93.184.215.14/", "file:///etc/passwd", "javascript:alert(1)"])
def test_other_schemes_are_refused_even_when_http_is_allowed(settings, url):
    settings.WEBHOOK_ALLOW_HTTP = True
    assert "https://" in refusal(url)


@pytest.mark.parametrize(
    "url", ["https://user:secret@93.184.215.14/hooks", "https://token@93.184.215.14/hooks"]
)
def test_a_user_name_or_password_in_the_url_is_refused(production, url):
    assert "user name or password" in refusal(url)


@pytest.mark.parametrize("url", [None, 42, ["https://93.184.215.14/"], "", "   "])
def test_a_missing_or_non_text_url_is_refused(production, url):
    assert "url is required" in refusal(url)


@pytest.mark.parametrize(
    "url, message",
    [
        ("https:///hooks", "must name a host"),
        ("https://93.184.215.14:99999/", "not a valid URL"),
        ("https://[::1/", "not a valid URL"),
        ("https://93.184.215.14/hooks#part", "#fragment"),
        ("receiver.example.org/hooks", "https://"),
    ],
)
def test_a_malformed_url_is_refused_with_what_is_wrong(production, url, message):
    assert message in refusal(url)


def test_a_url_longer_than_the_limit_is_refused(production):
    url = f"https://{PUBLIC_V4}/" + "a" * MAX_URL_LENGTH
    assert f"at most {MAX_URL_LENGTH}" in refusal(url)


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_an_address_that_is_not_public_is_refused_when_private_networks_are_off(production, address):
    assert "not a public address" in refusal(f"https://{literal(address)}/hooks")


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "::1", "fe80::1", "169.254.169.254"])
def test_an_address_that_is_not_public_is_accepted_when_private_networks_are_allowed(production, address):
    production.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    assert receiver_url_check(f"https://{literal(address)}/hooks")


def test_localhost_by_name_is_refused_when_private_networks_are_off(production):
    assert "not a public address" in refusal("https://localhost/hooks")


def test_a_name_resolving_to_a_private_address_is_refused(production, resolves_to):
    resolves_to("10.0.0.5")
    assert "10.0.0.5" in refusal("https://innocent.example.org/hooks")


def test_a_name_with_one_private_address_among_public_ones_is_refused(production, resolves_to):
    resolves_to(PUBLIC_V4, "::1")
    assert "::1" in refusal("https://innocent.example.org/hooks")


def test_an_unresolvable_host_is_refused_even_when_private_networks_are_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    assert "does not resolve" in refusal("https://no-such-host.invalid/hooks")


def test_address_check_is_the_rule_delivery_applies_again_before_sending(production, resolves_to):
    address_check(PUBLIC_V4, 443)
    resolves_to("192.168.0.10")  # the name was re-pointed after registration
    with pytest.raises(TargetRefused, match="192.168.0.10"):
        address_check("receiver.example.org", 443)


def test_a_public_ipv4_address_wrapped_in_nat64_is_accepted(production):
    assert receiver_url_check("https://[64:ff9b::5db8:d70e]/hook")  # 93.184.215.14

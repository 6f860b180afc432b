"""Which URLs may receive webhooks.

HTTPS only, unless WEBHOOK_ALLOW_HTTP (on in development and tests). No user name or password in the URL
(it would end up in logs). Not to loopback, private, link-local or otherwise reserved addresses unless
WEBHOOK_ALLOW_PRIVATE_NETWORKS: a client system must not be able to make this server call into its own
network (server-side request forgery). The address check is made at registration and again before every
delivery, because DNS can change in between.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from maternity.errors import Invalid

MAX_URL_LENGTH = 2000


class TargetRefused(Exception):
    """The receiver's address is not one this server may call."""


def allowed_schemes() -> tuple[str, ...]:
    """The URL schemes a receiver may use under the current settings."""
    return ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)


def allowed_schemes_wording() -> str:
    """The allowed schemes as a message names them: `https://`, or `https:// or http://` where
    WEBHOOK_ALLOW_HTTP is on. A message about the scheme says what this server accepts now."""
    return " or ".join(f"{scheme}://" for scheme in allowed_schemes())


def receiver_url_check(url: object) -> str:
    """The URL, if a subscription may use it; else Invalid naming `url` and what is wrong."""
    if not isinstance(url, str) or not url.strip():
        raise Invalid(
            f"url is required: the {allowed_schemes_wording()} address of your webhook receiver.", field="url"
        )
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise Invalid(f"url must be at most {MAX_URL_LENGTH} characters.", field="url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Invalid("url is not a valid URL.", field="url") from None
    if parts.scheme not in allowed_schemes():
        raise Invalid(f"url must be an {allowed_schemes_wording()} address.", field="url")
    if not parts.hostname:
        raise Invalid("url must name a host.", field="url")
    if parts.username or parts.password:
        raise Invalid("url must not contain a user name or password.", field="url")
    if parts.fragment:
        raise Invalid("url must not contain a #fragment.", field="url")
    try:
        address_check(parts.hostname, port or (443 if parts.scheme == "https" else 80))
    except TargetRefused as refused:
        raise Invalid(f"url: {refused}", field="url") from None
    return url


def address_check(host: str, port: int) -> None:
    """Refuse hosts that do not resolve, or that resolve to an address this server may not call."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(f"the host {host} does not resolve.") from None
    if settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])  # an IPv4 or IPv6 address: text
        for candidate in (address, *_embedded_ipv4(address)):
            if not candidate.is_global or candidate.is_multicast:
                raise TargetRefused(f"the host {host} resolves to {address}, which is not a public address.")


NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses carried inside an IPv6 one (mapped, NAT64, IPv4-compatible, 6to4, Teredo): a route
    to 127.0.0.1 or 10.x must not pass as a global IPv6 address."""
    if address.version != 6:
        return []
    found = [address.ipv4_mapped, address.sixtofour, address.teredo[1] if address.teredo else None]
    if address in NAT64 or address in IPV4_COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [ipv4 for ipv4 in found if ipv4 is not None]

"""A real SMTP server on loopback (aiosmtpd, a free port) for the tests of what the product emails: the
portal's notifications and the change site's followers. `smtp_server(settings, ...)` points Django's SMTP
backend at it for the test and yields its `Inbox`."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class Inbox:
    """What the SMTP server received: (recipients, the message as text)."""

    def __init__(self):
        self.received: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted"

    def to(self, address: str) -> list[str]:
        return [message for recipients, message in self.received if address in recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(settings, *, sender: str, **more_settings) -> Iterator[Inbox]:
    """The server, running, and Django's SMTP backend pointed at it (`settings`: pytest-django's fixture),
    sending as `sender`, with `more_settings` set for the test too (e.g. the public URL its links use)."""
    inbox = Inbox()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = sender
    for name, value in more_settings.items():
        setattr(settings, name, value)
    try:
        yield inbox
    finally:
        server.stop()

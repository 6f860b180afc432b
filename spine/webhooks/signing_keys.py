"""Webhook signing secrets: made here, shown to the client once, stored encrypted.

A signing secret cannot be stored hashed like a client secret: the worker needs it to sign every message.
So it is kept encrypted (Fernet: AES-128-CBC + HMAC-SHA256) with keys from `WEBHOOK_SECRET_KEYS` (newest
first; older keys still decrypt, for rotation), or by default a key derived from SECRET_KEY.
"""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "whsec_"


def new_signing_secret() -> str:
    """`whsec_` + base64 of 32 random bytes, the Standard Webhooks format."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise RuntimeError(
            "A webhook signing secret cannot be decrypted: WEBHOOK_SECRET_KEYS (or SECRET_KEY) changed "
            "without keeping the old key."
        ) from None


def _fernet() -> MultiFernet:
    keys = settings.WEBHOOK_SECRET_KEYS or [settings.SECRET_KEY]
    return MultiFernet([Fernet(_derive(key)) for key in keys])


def _derive(key: str) -> bytes:
    digest = hashlib.sha256(b"maternity-webhook-secrets:" + key.encode()).digest()
    return base64.urlsafe_b64encode(digest)

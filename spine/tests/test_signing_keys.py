"""Webhook signing secrets: the Standard Webhooks format, stored only encrypted, with key rotation."""

import base64
import re

import pytest

from spine.webhooks.signing_keys import new_signing_secret, seal, unseal


def test_a_signing_secret_is_whsec_and_base64_of_32_random_bytes():
    secret = new_signing_secret()
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", secret)
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32


def test_every_signing_secret_is_different():
    assert len({new_signing_secret() for _ in range(50)}) == 50


def test_a_sealed_secret_unseals_to_the_secret_and_does_not_contain_it(settings):
    settings.WEBHOOK_SECRET_KEYS = []
    secret = new_signing_secret()
    sealed = seal(secret)
    assert unseal(sealed) == secret
    assert secret not in sealed and secret.removeprefix("whsec_") not in sealed


def test_sealing_the_same_secret_twice_gives_different_ciphertexts():
    secret = new_signing_secret()
    assert seal(secret) != seal(secret)


def test_an_old_key_still_unseals_after_a_new_one_is_put_first(settings):
    settings.WEBHOOK_SECRET_KEYS = ["key-2025"]
    secret = new_signing_secret()
    sealed_with_old = seal(secret)

    settings.WEBHOOK_SECRET_KEYS = ["key-2026", "key-2025"]
    assert unseal(sealed_with_old) == secret
    sealed_with_new = seal(secret)

    settings.WEBHOOK_SECRET_KEYS = ["key-2026"]  # the new key seals: it alone unseals what it sealed
    assert unseal(sealed_with_new) == secret


def test_a_secret_sealed_with_a_key_that_was_dropped_cannot_be_unsealed(settings):
    settings.WEBHOOK_SECRET_KEYS = ["key-2025"]
    sealed = seal(new_signing_secret())
    settings.WEBHOOK_SECRET_KEYS = ["key-2026"]
    with pytest.raises(RuntimeError, match="WEBHOOK_SECRET_KEYS"):
        unseal(sealed)


def test_without_keys_the_secret_key_seals_and_changing_it_makes_secrets_unreadable(settings):
    settings.WEBHOOK_SECRET_KEYS = []
    secret = new_signing_secret()
    sealed = seal(secret)
    settings.WEBHOOK_SECRET_KEYS = [settings.SECRET_KEY]  # the same key, now named explicitly
    assert unseal(sealed) == secret
    settings.WEBHOOK_SECRET_KEYS = []
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    with pytest.raises(RuntimeError):
        unseal(sealed)


def test_a_tampered_sealed_secret_is_refused():
    sealed = seal(new_signing_secret())
    middle = len(sealed) // 2
    tampered = sealed[:middle] + ("B" if sealed[middle] == "A" else "A") + sealed[middle + 1 :]
    with pytest.raises(RuntimeError):
        unseal(tampered)

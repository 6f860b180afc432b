"""The ID token checks mozilla-django-oidc leaves to us: issuer, audience, expiry."""

import pytest
from django.core.exceptions import SuspiciousOperation

from maternity.signin.oidc import check_id_token_claims

ISSUER, CLIENT = "https://login.example.org", "maternity-web"
NOW = 1_800_000_000


def token(**changes) -> dict:
    return {"iss": ISSUER, "aud": CLIENT, "exp": NOW + 300, "sub": "abc", **changes}


def test_a_token_from_the_issuer_for_this_client_is_accepted():
    check_id_token_claims(token(), issuer=ISSUER, audience=CLIENT, now=NOW)
    check_id_token_claims(token(aud=[CLIENT, "other"], azp=CLIENT), issuer=ISSUER, audience=CLIENT, now=NOW)


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"iss": "https://evil.example"}, "issuer"),
        ({"iss": None}, "issuer"),
        ({"aud": "someone-else"}, "audience"),
        ({"aud": []}, "audience"),
        ({"aud": [CLIENT, "other"]}, "several audiences"),
        ({"exp": NOW - 120}, "expired"),
        ({"exp": "tomorrow"}, "expired"),
        ({"exp": None}, "expired"),
    ],
)
def test_a_token_from_elsewhere_for_someone_else_or_expired_is_refused(changes, problem):
    with pytest.raises(SuspiciousOperation, match=problem):
        check_id_token_claims(token(**changes), issuer=ISSUER, audience=CLIENT, now=NOW)


def test_an_unconfigured_issuer_refuses_everything():
    with pytest.raises(SuspiciousOperation):
        check_id_token_claims(token(), issuer="", audience=CLIENT, now=NOW)

"""Her portal account, made when she first signs in with her national ID (the OIDC backend's last step,
after the provider's tokens were checked): linking it to her Person is a version of her with who and
when. The whole sign-in through a real provider, in a browser, is in test_sign_in_browser.py."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from conftest import new_nin
from maternity.models import Person
from maternity.services.portal_accounts import ACCOUNT_LINKED
from portal.oidc import PortalOIDCBackend

pytestmark = pytest.mark.django_db


class ProviderSays(PortalOIDCBackend):
    """The backend, given the claims her identity provider's user endpoint would return."""

    def __init__(self, claims: dict):
        super().__init__()
        self.claims = claims

    def get_userinfo(self, access_token, id_token, payload):
        return self.claims


def signs_in(nin: str, given_name: str = "Astrid", family_name: str = "Berg"):
    claims = {"pid": nin, "given_name": given_name, "family_name": family_name}
    return ProviderSays(claims).get_or_create_user("access-token", "id-token", {})


def test_her_first_sign_in_makes_her_account_and_a_version_of_her_saying_who_and_when(record, nin):
    before = timezone.now()
    user = signs_in(nin)

    person = Person.objects.get(pk=record.person_id)
    assert person.user == user and (user.first_name, user.last_name) == ("Astrid", "Berg")
    latest = person.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == user  # she linked it, by signing in
    assert latest.history_change_reason == ACCOUNT_LINKED
    assert before <= latest.history_date <= timezone.now()
    assert person.history.count() == 2  # made with her record, then linked


def test_signing_in_again_is_the_same_account_and_no_new_version(record, nin):
    first = signs_in(nin)
    again = signs_in(nin, given_name="Another")

    assert again == first and again.first_name == "Astrid"
    assert Person.objects.get(pk=record.person_id).history.count() == 2


def test_a_national_id_with_no_record_here_gets_no_account(record):
    users = get_user_model().objects.count()

    assert signs_in(new_nin()) is None

    assert get_user_model().objects.count() == users
    assert not Person.objects.filter(user__isnull=False).exists()


def test_a_deactivated_account_does_not_sign_in(record, nin):
    user = signs_in(nin)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)

    assert signs_in(nin) is None

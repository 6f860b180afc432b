"""The pregnant person's portal account: made at her first sign-in and linked to her Person.

Linking is a change to the Person, so it is a version of her with who and when, like every other change
to her (django-simple-history; the account itself is not a versioned field, so the row's change reason
says what changed, and `history_user` is the account, because she made the change by signing in).
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from maternity.rules.identifiers import NationalId

from ..models import Person

ACCOUNT_LINKED = "portal account linked"  # the Person's history row's change reason

_NAME_LENGTH = 150  # first_name and last_name of Django's user


@transaction.atomic
def portal_account_get_or_create(
    *, national_id: NationalId, first_name: str = "", last_name: str = ""
) -> User | None:
    """Her portal account: the one linked to the Person with this national ID, or a new one linked now
    (named from her identity provider's claims). None when no Person here has the national ID: only a
    person with a record gets an account. The account may be inactive: whether it signs in is the
    caller's decision."""
    person = (
        Person.objects.select_for_update()
        .filter(identifier_system=national_id.system, identifier_value=national_id.value)
        .first()
    )
    if person is None:
        return None
    if person.user_id is not None:
        return person.user
    user = get_user_model().objects.create_user(
        username=f"patient-{secrets.token_hex(8)}",
        first_name=first_name[:_NAME_LENGTH],
        last_name=last_name[:_NAME_LENGTH],
    )
    person.user = user
    person._history_user = user
    person._change_reason = ACCOUNT_LINKED
    person.save(update_fields=["user"])
    return user

"""Admin users for the admin tests: a superuser (the national administration), the admins of locations
A and B, and a staff user who administers nothing."""

import pytest
from django.contrib.auth import get_user_model


def make_user(username: str, **flags):
    user = get_user_model().objects.create_user(
        username=username, first_name="Ada", last_name=username.title()
    )
    for name, value in flags.items():
        setattr(user, name, value)
    user.save()
    return user


@pytest.fixture
def superuser(db):
    return make_user("national", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_a(location_a):
    user = make_user("admin_a", is_staff=True)
    location_a.admins.add(user)
    return user


@pytest.fixture
def admin_b(location_b):
    user = make_user("admin_b", is_staff=True)
    location_b.admins.add(user)
    return user


@pytest.fixture
def plain_staff(db):
    return make_user("plain_staff", is_staff=True)

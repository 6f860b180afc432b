"""Who may see what in the admin. Each role (superuser, the admins of locations A and B, a midwife, a client
system's service user, and staff who administer nothing, and nobody signed in) opens every admin list and
the record's history: 200 with only their own locations' rows, 403, or a redirect to the admin's login.
And nothing in the admin edits a versioned model or the audit trail, whoever asks."""

import re
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import AccessAction, AccessLog, AccessOutcome, CareLocation, Pregnancy, Region, UserType
from maternity.rules.identifiers import parse_national_id
from maternity.rules.resources import RESOURCE_TYPES
from spine.services import subscription_create

pytestmark = pytest.mark.django_db

LISTS = {
    "staff": "/admin/maternity/practitioner/",
    "clients": "/admin/spine/spineclient/",
    "subscriptions": "/admin/spine/webhooksubscription/",
    "audit": "/admin/maternity/accesslog/",
    "records": "/admin/maternity/pregnancy/",
}


@pytest.fixture
def world(location_a, location_b, client_a, client_b):
    """At each location: a midwife, a client system with a webhook subscription, a record, an audit entry."""
    made = {}
    for key, location, new_client in [("a", location_a, client_a), ("b", location_b, client_b)]:
        services.practitioner_create(
            username=f"midwife_{key}", display_name=f"Midwife {key.upper()}", care_locations=[location]
        )
        subscription_create(client=new_client.client, url=f"http://127.0.0.1:9/hook-{key}")
        actor = Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, name="Kari")
        record = services.record_create(national_id=parse_national_id(new_nin()), actor=actor)
        services.access_log_write(
            action=AccessAction.READ,
            outcome=AccessOutcome.ALLOWED,
            actor=actor,
            record_id=record.pk,
            detail=f"read at {key}",
        )
        made[key] = SimpleNamespace(record=record, client=new_client.client)
    return SimpleNamespace(**made)


@pytest.fixture
def midwife(world):
    return get_user_model().objects.get(username="midwife_a")


@pytest.fixture
def service_user(client_a):
    return client_a.client.service_user


def labels(response, page: str) -> set[str]:
    """Which location ('a', 'b') each listed row belongs to."""
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    if page == "staff":
        return {row.display_name[-1].lower() for row in rows}
    if page == "clients":
        return {"a" if "St Olav" in row.name else "b" for row in rows}
    if page == "subscriptions":
        return {row.url[-1] for row in rows}
    if page == "audit":
        return {row.detail[-1] for row in rows if row.action == AccessAction.READ}
    return {"a" if row.active_care_location.org_nr == "974749025" else "b" for row in rows}


@pytest.mark.parametrize("page", LISTS)
@pytest.mark.parametrize(
    ("role", "sees"),
    [("superuser", {"a", "b"}), ("admin_a", {"a"}), ("admin_b", {"b"})],
)
def test_admins_see_their_own_locations_rows(client, request, world, page, role, sees):
    client.force_login(request.getfixturevalue(role))
    assert labels(client.get(LISTS[page]), page) == sees


@pytest.mark.parametrize("page", [*LISTS.values(), "/admin/"])
@pytest.mark.parametrize("role", ["midwife", "service_user", None])
def test_people_who_are_not_staff_are_sent_to_the_admin_login(client, request, world, page, role):
    if role:
        client.force_login(request.getfixturevalue(role))
    response = client.get(page)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


@pytest.mark.parametrize("page", LISTS.values())
def test_staff_who_administer_nothing_get_403(client, plain_staff, world, page):
    client.force_login(plain_staff)
    assert client.get(page).status_code == 403


def test_location_admin_index_lists_only_what_they_manage(client, admin_a, world):
    client.force_login(admin_a)
    page = client.get("/admin/").content.decode()
    for url in [*LISTS.values(), "/admin/maternity/carelocation/"]:  # their own locations' contact details
        assert url in page
    for superuser_only in ["/admin/auth/user/", "/admin/oauth2_provider/"]:
        assert superuser_only not in page


@pytest.mark.parametrize(("role", "status"), [("superuser", 200), ("admin_a", 200), ("admin_b", 403)])
def test_record_history_is_open_to_its_stakeholders_admins(client, request, world, role, status):
    client.force_login(request.getfixturevalue(role))
    version = Pregnancy.history.filter(id=world.a.record.pk).first()
    assert client.get(f"{LISTS['records']}{world.a.record.pk}/history/").status_code == status
    assert (
        client.get(f"{LISTS['records']}{world.a.record.pk}/history/{version.history_id}/").status_code
        == status
    )


def past_version_form(client, record) -> tuple[str, dict]:
    """The URL of the record's first version in simple-history's admin, and what its form would post."""
    version = Pregnancy.history.filter(id=record.pk).earliest("history_date")
    url = f"{LISTS['records']}{record.pk}/history/{version.history_id}/"
    response = client.get(url)
    assert response.status_code == 200
    data = {"status": "ENTERED_IN_ERROR"}
    for name, value in Pregnancy.history.filter(history_id=version.history_id).values().get().items():
        data.setdefault(name, "" if value is None else str(value))
    return url, data


@pytest.mark.parametrize("role", ["superuser", "admin_a"])
def test_nobody_reverts_or_edits_a_record_through_its_history_page(client, request, world, role):
    client.force_login(request.getfixturevalue(role))
    url, data = past_version_form(client, world.a.record)
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page and 'name="status"' not in page  # shown, not offered for editing

    assert client.post(url, data).status_code == 403

    assert Pregnancy.objects.get(pk=world.a.record.pk).status == world.a.record.status
    assert Pregnancy.history.filter(id=world.a.record.pk).count() == 1


# Every admin in the registry: nothing versioned and no audit entry is added, changed or deleted here.
# (Care Locations and regions are versioned too, but they are the admin's to keep: it changes them through
# the services, test_admin_care_locations.py and test_admin_regions.py.)


def versioned_models() -> set:
    registered = set(admin.site._registry)
    resources = {resource.model for resource in RESOURCE_TYPES.values()}
    history = {
        model for model in registered if getattr(model._meta, "simple_history_manager_attribute", None)
    }
    return (resources | history | {Pregnancy, AccessLog}) - {CareLocation, Region}


def test_no_resource_model_and_no_historical_model_is_registered():
    registered = set(admin.site._registry)
    assert not registered & {resource.model for resource in RESOURCE_TYPES.values()}
    assert not [model for model in registered if model.__name__.startswith("Historical")]


@pytest.mark.parametrize("role", ["superuser", "admin_a", "admin_b", "plain_staff"])
def test_no_admin_adds_changes_or_deletes_versioned_data_or_audit_entries(request, world, role):
    user = request.getfixturevalue(role)
    http = RequestFactory().get("/admin/")
    http.user = user
    objects = {Pregnancy: world.a.record, AccessLog: AccessLog.objects.first()}
    checked = []
    for model, model_admin in admin.site._registry.items():
        if model not in versioned_models():
            continue
        obj = objects.get(model) or model.objects.first()
        assert not model_admin.has_add_permission(http), model
        for target in (None, obj):
            assert not model_admin.has_change_permission(http, target), model
            assert not model_admin.has_delete_permission(http, target), model
        assert "delete_selected" not in (model_admin.get_actions(http) or {}), model
        checked.append(model)
    assert {Pregnancy, AccessLog} <= set(checked)


def test_the_records_list_names_each_woman_and_keeps_a_24_hour_clock(client, location_a, midwife_actor):
    record = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Sara Lindqvist"}, actor=midwife_actor
    )
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x"))
    page = client.get("/admin/maternity/pregnancy/", {"q": "lindqvist"}).content.decode()
    assert "Sara Lindqvist" in page
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", page)  # "6 Dec 2026, 14:30"
    assert "a.m." not in page and "p.m." not in page

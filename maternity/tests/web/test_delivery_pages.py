"""The delivery step in the midwives' app: "Delivered" on the status page leads to the delivery form, one
block per fetus (and "Add another baby" without JavaScript), saved together; errors keep what was typed
and name the baby. For a midwife at the active location, one at another stakeholder location, and one whose
location is not a stakeholder."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maternity import services
from maternity.models import AccessLog, Birth, Labour, Pregnancy

from .conftest import midwife

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


def local(hours_ago: float) -> str:
    return (timezone.localtime() - timedelta(hours=hours_ago)).strftime(LOCAL)


def baby_fields(number: int, **changes) -> dict:
    fields = {
        "birth_time": local(3 - number / 2),
        "sex": "FEMALE" if number == 1 else "MALE",
        "birth_weight": "2650" if number == 1 else "2410",
        "live_birth": "True",
        "mode_of_birth": "SPONTANEOUS_VAGINAL",
        "apgar_1_minute": "8",
        "apgar_5_minutes": "9",
        "apgar_10_minutes": "10",
        "resuscitation": "False",
        "feeding": "BREAST",
        **changes,
    }
    return {f"baby{number}-{name}": value for name, value in fields.items()}


def twins(record, **changes) -> dict:
    return {
        "version": str(record.version),
        "babies": "2",
        "onset": "SPONTANEOUS",
        "augmentation": "False",
        "first_stage_minutes": "300",
        "blood_loss_ml": "550",
        "perineal_trauma": "FIRST_DEGREE",
        "analgesia": ["NITROUS_OXIDE", "EPIDURAL"],
        "action": "save",
        **baby_fields(1),
        **baby_fields(2),
        **changes,
    }


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a)


@pytest.fixture
def expecting_twins(record, kari):
    services.resource_create(
        record_id=record.pk, resource_type="currentPregnancy", data={"number_of_fetuses": 2}, actor=kari[1]
    )
    record.refresh_from_db()
    return record


def test_choosing_delivered_on_the_status_page_leads_to_the_delivery_form(kari, record):
    client, _ = kari
    response = client.post(
        f"/records/{record.pk}/status/", {"status": "DELIVERED", "version": record.version}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/records/{record.pk}/delivery/?version={record.version}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Labour and birth" in html and "Baby 1" in html and "Baby 2" not in html
    assert f'name="version" value="{record.version}"' in html
    assert Pregnancy.objects.get(pk=record.pk).status == "ACTIVE"


def test_the_form_has_a_block_for_each_fetus_recorded(kari, expecting_twins):
    html = kari[0].get(f"/records/{expecting_twins.pk}/delivery/").content.decode()
    assert "Baby 1" in html and "Baby 2" in html and "Baby 3" not in html


def test_twins_are_saved_together_with_the_status_and_labour(kari, expecting_twins):
    client, _ = kari
    response = client.post(f"/records/{expecting_twins.pk}/delivery/", twins(expecting_twins))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/records/{expecting_twins.pk}/"
    record = Pregnancy.objects.get(pk=expecting_twins.pk)
    assert (record.status, record.live_birth) == ("DELIVERED", True)
    births = list(Birth.objects.filter(record=record).order_by("birth_time"))
    assert [b.birth_weight for b in births] == [2650, 2410]
    labour = Labour.objects.get(record=record)
    assert labour.analgesia == ["NITROUS_OXIDE", "EPIDURAL"]
    assert [n["birthId"] for n in labour.newborns] == [str(b.pk) for b in births]
    entry = AccessLog.objects.filter(record=record, action="STATUS_CHANGE", outcome="ALLOWED").get()
    assert entry.detail == "ACTIVE -> DELIVERED with 2 babies"
    page = client.get(response["Location"]).content.decode()
    assert "The record is now delivered, with 2 babies." in page
    assert "2650" in page and "2410" in page and "Nitrous oxide (gas and air), Epidural" in page


def test_add_another_baby_keeps_what_was_typed_and_saves_nothing(kari, record):
    client, _ = kari
    data = {**twins(record, babies="1", action="add"), **baby_fields(1, birth_weight="3999")}
    response = client.post(f"/records/{record.pk}/delivery/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Baby 2" in html and 'value="3999"' in html and 'value="550"' in html
    assert "Nothing was saved" not in html
    assert not Birth.objects.exists()
    removed = client.post(f"/records/{record.pk}/delivery/", {**data, "babies": "2", "action": "remove"})
    assert "Baby 2" not in removed.content.decode()


def test_an_error_keeps_everything_typed_and_names_the_baby(kari, expecting_twins):
    client, _ = kari
    data = twins(expecting_twins, **baby_fields(2, birth_weight="70000"))
    response = client.post(f"/records/{expecting_twins.pk}/delivery/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "Baby 2: birth weight (g)" in html
    assert 'value="70000"' in html and 'value="2650"' in html and 'value="550"' in html
    assert Pregnancy.objects.get(pk=expecting_twins.pk).status == "ACTIVE"
    assert not Birth.objects.exists() and not Labour.objects.exists()
    entry = AccessLog.objects.filter(record=expecting_twins, action="STATUS_CHANGE").latest("id")
    assert (entry.outcome, entry.status_code) == ("REJECTED", 400)
    assert "70000" not in entry.detail  # names of fields, never what was typed


@pytest.mark.parametrize(
    "changes, message",
    [
        (baby_fields(2, live_birth=""), "Say whether the baby was born alive or stillborn."),
        (baby_fields(1, birth_time=""), "This field is required."),
        (
            baby_fields(2, birth_time=(timezone.localtime() + timedelta(days=3)).strftime(LOCAL)),
            "more than 2 days after the delivery",
        ),
        (
            {
                **baby_fields(1, birth_time="2099-01-01T10:00"),
                **baby_fields(2, birth_time="2099-01-01T10:30"),
            },
            "The time of birth (2099-01-01) is in the future",
        ),
        ({"analgesia": ["NONE", "EPIDURAL"]}, "no analgesia cannot go with another kind"),
    ],
)
def test_refusals_are_shown_on_their_field_and_change_nothing(kari, expecting_twins, changes, message):
    response = kari[0].post(f"/records/{expecting_twins.pk}/delivery/", twins(expecting_twins, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Pregnancy.objects.get(pk=expecting_twins.pk).status == "ACTIVE"
    assert not Birth.objects.exists()


def test_a_stale_version_saves_nothing_and_says_why(kari, expecting_twins):
    data = twins(expecting_twins, version=str(expecting_twins.version + 1))
    response = kari[0].post(f"/records/{expecting_twins.pk}/delivery/", data)
    assert response.status_code == 409
    assert "Someone changed this record" in response.content.decode()
    assert not Birth.objects.exists()


def test_a_delivered_record_has_no_delivery_form(kari, expecting_twins):
    kari[0].post(f"/records/{expecting_twins.pk}/delivery/", twins(expecting_twins))
    response = kari[0].get(f"/records/{expecting_twins.pk}/delivery/")
    assert response.status_code == 409
    assert "The delivery is already recorded" in response.content.decode()


def test_another_stakeholder_location_may_record_the_delivery(location_b, expecting_twins):
    services.stakeholder_grant(record=expecting_twins, care_location=location_b, reason="API_ACCESS")
    client, _ = midwife("berit", location_b, name="Berit Lie")
    response = client.post(f"/records/{expecting_twins.pk}/delivery/", twins(expecting_twins))
    assert response.status_code == 302
    assert Pregnancy.objects.get(pk=expecting_twins.pk).status == "DELIVERED"


def test_a_midwife_whose_location_is_no_stakeholder_gets_not_found(location_c, expecting_twins):
    client, _ = midwife("siri", location_c, name="Siri Dahl")
    assert client.get(f"/records/{expecting_twins.pk}/delivery/").status_code == 404
    assert client.post(f"/records/{expecting_twins.pk}/delivery/", twins(expecting_twins)).status_code == 404
    assert not Birth.objects.exists()

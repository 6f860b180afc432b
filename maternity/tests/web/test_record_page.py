"""The record on one page: header, every section with its last change, what each professional may do,
the not-found page for everyone else, and a query count that does not grow with the record."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import AccessAction, AccessLog, AccessOutcome, RecordStatus, StakeholderReason, UserType
from maternity.presentation.specs import SECTIONS
from maternity.rules.identifiers import parse_national_id

from .conftest import midwife


@pytest.fixture
def kari(location_a):
    """A midwife at the record's active Care Location."""
    return midwife("kari", location_a)


@pytest.fixture
def ingrid(record, location_b):
    """A midwife at location B, which is a stakeholder of the record but not its active location."""
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.API_ACCESS)
    return midwife("ingrid", location_b, "Ingrid Haugen")


@pytest.fixture
def stranger(location_c):
    return midwife("solveig", location_c, "Solveig Bakke")


def page(client, record):
    return client.get(f"/records/{record.pk}/")


def text(response) -> str:
    return response.content.decode()


def test_the_buttons_name_their_section_as_a_sentence_would(kari, record):
    body = text(page(kari[0], record))
    assert 'Add<span class="sr-only"> RhD negative</span>' in body  # an abbreviation keeps its capitals
    assert 'Add<span class="sr-only"> before pregnancy</span>' in body


def test_midwife_at_the_active_location_sees_every_section_with_add_links(kari, record):
    client, _ = kari
    response = page(client, record)
    assert response.status_code == 200
    body = text(response)
    for section in SECTIONS.values():
        assert str(section.title) in body
    assert "Not recorded." in body
    assert f'href="/records/{record.pk}/sections/mother/"' in body  # add key demographics
    assert f'href="/records/{record.pk}/sections/antenatalAppointments/new/"' in body
    assert f'href="/records/{record.pk}/sections/currentPregnancy/history/"' in body


def test_header_shows_name_age_gestation_edd_status_and_locations(
    kari, ingrid, record, location_a, location_b
):
    client, actor = kari
    edd = timezone.localdate() + timedelta(days=280 - (30 * 7 + 2))
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Nora Hansen"}, actor=actor
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="currentPregnancy",
        data={"due_date_corrected_date": edd},
        actor=actor,
    )
    body = text(page(client, record))
    assert "<h1" in body and "Nora Hansen" in body
    assert "30+2" in body
    assert edd.strftime("%-d %b %Y") in body
    assert "Active" in body
    assert location_a.name in body
    assert location_b.name in body  # also cared for by
    assert "years)" in body  # age from the date of birth


def test_last_change_says_who_when_and_which_system(kari, record, location_a):
    client, _ = kari
    epj = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_a,
        name="Per Lege",
        source_system="Test EPJ 1.0",
    )
    services.resource_create(
        record_id=record.pk, resource_type="medication", data={"drug_allergy": True}, actor=epj
    )
    body = text(page(client, record))
    assert "by Per Lege, St Olavs hospital, fødeavdelingen · via Test EPJ 1.0" in body


def test_viewing_the_record_is_audited_as_a_read(kari, record):
    client, _ = kari
    page(client, record)
    entry = AccessLog.objects.filter(record=record, action=AccessAction.READ).get()
    assert entry.outcome == AccessOutcome.ALLOWED
    assert entry.person_id == record.person_id
    assert entry.username == "kari"


def test_midwife_at_another_stakeholder_location_is_told_why_key_demographics_are_not_hers(ingrid, record):
    client, _ = ingrid
    response = page(client, record)
    assert response.status_code == 200
    body = text(response)
    assert "may be changed only by the active Care Location, St Olavs hospital, fødeavdelingen" in body
    assert f'href="/records/{record.pk}/pull-care/"' in body
    assert f'href="/records/{record.pk}/sections/mother/"' not in body
    # the other sections she may edit
    assert f'href="/records/{record.pk}/sections/currentPregnancy/"' in body


def test_stranger_gets_not_found_and_the_attempt_is_audited_as_denied(stranger, record):
    client, _ = stranger
    response = page(client, record)
    assert response.status_code == 404
    assert "Not found" in text(response)
    assert "St Olavs" not in text(response)
    entry = AccessLog.objects.get(record_id=record.pk)
    assert entry.outcome == AccessOutcome.DENIED


def test_a_missing_record_looks_the_same_as_a_hidden_one(stranger, kari, record):
    client, _ = kari
    missing = client.get("/records/00000000-0000-0000-0000-000000000000/")
    hidden = stranger[0].get(f"/records/{record.pk}/")
    assert missing.status_code == hidden.status_code == 404
    assert "There is no maternity record with that id that you may see." in text(missing)
    assert "There is no maternity record with that id that you may see." in text(hidden)


def test_signed_out_goes_to_login(record):
    response = Client().get(f"/records/{record.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_entered_in_error_items_are_left_out_and_counted(kari, record):
    client, actor = kari
    services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": timezone.localdate(), "note": "Kept visit"},
        actor=actor,
    )
    wrong = services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": timezone.localdate(), "note": "Wrong woman"},
        actor=actor,
    )
    services.resource_enter_in_error(
        record_id=record.pk, resource_type="antenatalAppointments", resource_id=wrong.pk, actor=actor
    )
    body = text(page(client, record))
    assert "Kept visit" in body
    assert "Wrong woman" not in body
    assert "1 entered in error" in body


def test_high_blood_pressure_and_proteinuria_are_flagged_in_words(kari, record):
    client, actor = kari
    services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={
            "appointment_date": timezone.localdate(),
            "blood_pressure": "150/95",
            "protein_in_urine_test_result": "2+",
        },
        actor=actor,
    )
    body = text(page(client, record))
    assert ">High<" in body and "Proteinuria" in body
    assert "150/95" in body and "2+" in body


def test_a_fetal_heart_rate_of_190_is_flagged_on_the_record_and_the_caseload(kari, record):
    client, actor = kari
    services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={
            "appointment_date": timezone.localdate(),
            "fetuses_vital_signs": [{"fosterId": 1, "fetalHeartRate": 190, "fetalPresentationLie": "1"}],
        },
        actor=actor,
    )
    body = text(page(client, record))
    assert ">Abnormal<" in body
    assert "Fetal heart rate outside 110-160 beats/min at the last appointment (190)." in body
    caseload = client.get("/")
    assert b'data-flag="fhr"' in caseload.content and b"FHR 190" in caseload.content


def test_delivered_record_is_read_only_for_another_location(kari, ingrid, record):
    _, actor = kari
    services.record_status_update(
        record_id=record.pk,
        version=record.version,
        status=RecordStatus.DELIVERED,
        actor=actor,
        delivery_date=timezone.now(),
        live_birth=True,
    )
    body = text(page(ingrid[0], record))
    assert "The record is delivered: only its active Care Location" in body
    assert f'href="/records/{record.pk}/sections/currentPregnancy/"' not in body


def test_the_page_costs_the_same_queries_for_an_empty_and_a_full_record(kari, ingrid):
    client, actor = kari
    empty = services.record_create(national_id=parse_national_id(new_nin()), actor=actor)
    full = services.record_create(national_id=parse_national_id(new_nin()), actor=actor)
    services.stakeholder_grant(
        record=full, care_location=ingrid[1].care_location, reason=StakeholderReason.API_ACCESS
    )
    services.stakeholder_grant(
        record=empty, care_location=ingrid[1].care_location, reason=StakeholderReason.API_ACCESS
    )
    today = timezone.localdate()
    services.resource_create(
        record_id=full.pk, resource_type="mother", data={"name": "Full Record"}, actor=actor
    )
    services.resource_create(
        record_id=full.pk,
        resource_type="currentPregnancy",
        data={"due_date_corrected_date": today + timedelta(days=20)},
        actor=actor,
    )
    for version in range(1, 15):  # a long history
        services.resource_update(
            record_id=full.pk,
            resource_type="currentPregnancy",
            version=version,
            data={
                "due_date_corrected_date": today + timedelta(days=20),
                "number_of_fetuses": 1 + version % 2,
            },
            actor=actor,
        )
    for name in ("clinicalTests", "medicalConditions", "lifestyleFactors", "pointsOfContact"):
        services.resource_create(record_id=full.pk, resource_type=name, data={}, actor=actor)
    for i in range(30):
        services.resource_create(
            record_id=full.pk,
            resource_type="antenatalAppointments",
            data={
                "appointment_date": today - timedelta(days=7 * i),
                "blood_pressure": "120/80",
                "fetuses_vital_signs": [{"fosterId": 1, "fetalHeartRate": 140}],
            },
            actor=actor,
        )
    for i in range(20):
        services.resource_create(
            record_id=full.pk,
            resource_type="symphysisFundalHeights",
            data={"measurement_date": today - timedelta(days=7 * i), "measurement": 35 - i // 2},
            actor=actor,
        )
    services.care_pull(record_id=full.pk, actor=ingrid[1], start_time=timezone.now() - timedelta(days=400))

    def count(record):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/records/{record.pk}/")
        assert response.status_code == 200
        return len(queries)

    count(empty)  # warm up (content types, sessions)
    empty_count = count(empty)
    full_count = count(full)
    assert empty_count == full_count, (empty_count, full_count)
    assert full_count <= 20

"""The history of a section or a list item: every version with who, when and which system, and a diff of
any two versions with the changed fields marked."""

from datetime import date

import pytest
from django.test import Client

from conftest import new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import AccessLog, AccessOutcome, CareLocationEpisode, StakeholderReason, UserType
from maternity.rules.identifiers import parse_national_id

from .conftest import midwife


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a, "Kari Jordmor")[0]  # her browser


@pytest.fixture
def three_versions(record, location_a):
    """Key demographics saved three times: in the browser, by an EPJ, and in the browser again."""
    web = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_a,
        name="Kari Jordmor",
        source_system="maternity web",
    )
    epj = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_a,
        name="Per Lege",
        source_system="Test EPJ 1.0",
    )
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Nora Hansen", "language": "NO"}, actor=web
    )
    services.resource_update(
        record_id=record.pk,
        resource_type="mother",
        version=1,
        data={"name": "Nora Hansen", "language": "NO", "address": "Havnegata 12"},
        actor=epj,
    )
    services.resource_update(
        record_id=record.pk,
        resource_type="mother",
        version=2,
        data={"name": "Nora Berg", "language": "EN", "address": "Havnegata 12"},
        actor=web,
    )
    return record


def history(client, record, section="mother", **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return client.get(f"/records/{record.pk}/sections/{section}/history/" + (f"?{query}" if query else ""))


def test_every_version_with_who_when_and_which_system(kari, three_versions):
    response = history(kari, three_versions)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Compare with version") == 2 and "What was first recorded" in body
    assert "Per Lege" in body and "Test EPJ 1.0" in body and "maternity web" in body
    assert "Created" in body and "Updated" in body


def test_by_default_the_latest_change_is_shown_with_changed_fields_marked(kari, three_versions):
    body = history(kari, three_versions).content.decode()
    assert "Version 2 → version 3" in body
    assert "2 fields changed:" in body and "Name, Language" in body
    assert body.count('<tr class="changed">') == 2
    assert "Nora Hansen" in body and "Nora Berg" in body
    assert "Norwegian (NO)" in body and "English (EN)" in body


def test_any_two_versions_can_be_compared(kari, three_versions):
    body = history(kari, three_versions, a=1, b=3).content.decode()
    assert "Version 1 → version 3" in body
    assert "3 fields changed:" in body and "Name, Address, Language" in body


def test_versions_given_the_wrong_way_round_are_compared_oldest_first(kari, three_versions):
    body = history(kari, three_versions, a=3, b=1).content.decode()
    assert "Version 1 → version 3" in body


def test_the_first_version_is_compared_with_nothing(kari, three_versions):
    body = history(kari, three_versions, a=0, b=1).content.decode()
    assert "Before it was recorded → version 1" in body
    assert "2 fields changed:" in body  # name and language were entered


@pytest.mark.parametrize("params", [{"a": 9}, {"b": "x"}, {"a": -1}])
def test_a_version_that_does_not_exist_is_a_clear_400(kari, three_versions, params):
    response = history(kari, three_versions, **params)
    assert response.status_code == 400
    assert "The versions are 1, 2, 3." in response.content.decode()


def test_reading_history_is_audited(kari, three_versions):
    history(kari, three_versions)
    entry = AccessLog.objects.filter(record_id=three_versions.pk).order_by("-id").first()
    assert (entry.action, entry.outcome, entry.resource_type) == ("HISTORY", AccessOutcome.ALLOWED, "mother")


def test_a_section_never_recorded_says_so(kari, record):
    response = history(kari, record, "clinicalTests")
    assert response.status_code == 200
    assert "Nothing has been recorded in this section yet." in response.content.decode()


def test_list_history_shows_every_item_and_the_latest_changes(kari, record, midwife_actor):
    kept = services.resource_create(
        record_id=record.pk,
        resource_type="symphysisFundalHeights",
        data={"measurement_date": date(2026, 2, 1), "measurement": 30},
        actor=midwife_actor,
    )
    wrong = services.resource_create(
        record_id=record.pk,
        resource_type="symphysisFundalHeights",
        data={"measurement_date": date(2026, 2, 2), "measurement": 13},
        actor=midwife_actor,
    )
    services.resource_enter_in_error(
        record_id=record.pk, resource_type="symphysisFundalHeights", resource_id=wrong.pk, actor=midwife_actor
    )
    body = history(kari, record, "symphysisFundalHeights").content.decode()
    assert "SFH 30 cm on 1 Feb 2026" in body and "SFH 13 cm on 2 Feb 2026" in body
    assert "Entered in error" in body
    assert f"?item={kept.pk}" in body and f"?item={wrong.pk}" in body


def test_an_item_history_diffs_its_versions_including_entered_in_error(kari, record, midwife_actor):
    visit = services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date(2026, 2, 1), "blood_pressure": "120/80"},
        actor=midwife_actor,
    )
    services.resource_update(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        resource_id=visit.pk,
        version=1,
        data={"appointment_date": date(2026, 2, 1), "blood_pressure": "145/95"},
        actor=midwife_actor,
    )
    services.resource_enter_in_error(
        record_id=record.pk, resource_type="antenatalAppointments", resource_id=visit.pk, actor=midwife_actor
    )
    body = history(kari, record, "antenatalAppointments", item=visit.pk).content.decode()
    assert "Appointment on 1 Feb 2026" in body
    assert "Version 2 → version 3" in body and "Entered in error" in body
    body = history(kari, record, "antenatalAppointments", item=visit.pk, a=1, b=2).content.decode()
    assert "1 field changed:" in body and "Blood pressure (mmHg)" in body
    assert "120/80" in body and "145/95" in body


def test_an_unknown_or_foreign_item_is_not_found(kari, record, midwife_actor):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    foreign = services.resource_create(
        record_id=other.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date(2026, 2, 1)},
        actor=midwife_actor,
    )
    assert history(kari, record, "antenatalAppointments", item=foreign.pk).status_code == 404
    assert history(kari, record, "antenatalAppointments", item="not-a-uuid").status_code == 404
    assert history(kari, record, "nonsense").status_code == 404


def test_another_stakeholder_reads_the_history_but_a_stranger_gets_not_found(
    three_versions, location_b, location_c
):
    services.stakeholder_grant(
        record=three_versions, care_location=location_b, reason=StakeholderReason.API_ACCESS
    )
    assert history(midwife("ingrid", location_b, "Ingrid Haugen")[0], three_versions).status_code == 200
    response = history(midwife("solveig", location_c, "Solveig Bakke")[0], three_versions)
    assert response.status_code == 404
    assert "Nora" not in response.content.decode()
    entry = AccessLog.objects.filter(record_id=three_versions.pk).order_by("-id").first()
    assert (entry.action, entry.outcome) == ("HISTORY", AccessOutcome.DENIED)


def test_signed_out_goes_to_login(three_versions):
    response = history(Client(), three_versions)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_diff_can_show_only_the_changed_fields(kari, three_versions):
    body = history(kari, three_versions, a=2, b=3, only="changed").content.decode()
    assert body.count('<tr class="changed">') == 2
    assert "Post town" not in body  # an unchanged field


def test_the_system_sections_have_a_history_too(kari, record):
    body = history(kari, record, "careLocations").content.decode()
    assert "Care at St Olavs hospital, fødeavdelingen from" in body
    episode = CareLocationEpisode.objects.get(record=record)
    item = history(kari, record, "careLocations", item=episode.pk)
    assert item.status_code == 200 and "St Olavs hospital, fødeavdelingen" in item.content.decode()
    assert history(kari, record, "notes").status_code == 200

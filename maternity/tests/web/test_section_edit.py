"""Editing sections and list items: who may, every bad input gives the form back (400, nothing saved), the
nested lists as rows, entered-in-error with a confirmation, births only after delivery, and the audit."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import new_nin
from maternity import services
from maternity.models import (
    AccessAction,
    AccessLog,
    AccessOutcome,
    AntenatalAppointment,
    Birth,
    CurrentPregnancy,
    LifestyleFactors,
    Medication,
    Mother,
    Pregnancy,
    RecordStatus,
    StakeholderReason,
    SymphysisFundalHeight,
    VitalMeasurementsBeforePregnancy,
)
from maternity.rules.identifiers import parse_national_id
from maternity.rules.resources import RESOURCE_TYPES
from spine.serializers.resources import StimulusSerializer

from .conftest import midwife


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a)


@pytest.fixture
def ingrid(record, location_b):
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.API_ACCESS)
    return midwife("ingrid", location_b, "Ingrid Haugen")


@pytest.fixture
def stranger(location_c):
    return midwife("solveig", location_c, "Solveig Bakke")


@pytest.fixture
def dated(record, kari):
    """The record with an agreed EDD that makes today 30+2."""
    edd = timezone.localdate() + timedelta(days=280 - (30 * 7 + 2))
    services.resource_create(
        record_id=record.pk,
        resource_type="currentPregnancy",
        data={"due_date_corrected_date": edd},
        actor=kari[1],
    )
    record.refresh_from_db()
    return record


def url(record, section: str, tail: str = "") -> str:
    return f"/records/{record.pk}/sections/{section}/{tail}"


def last_audit(record) -> AccessLog:
    return AccessLog.objects.filter(record_id=record.pk).order_by("-id").first()


def appointment_post(**fields) -> dict:
    data = {
        "version": "",
        "appointment_date": date.today().isoformat(),
        "fetuses_vital_signs-rows": "1",
        "fetuses_vital_signs-0-foster": "1",
    }
    data.update(fields)
    return data


# --- singletons ----------------------------------------------------------------------------------------


def test_form_carries_the_version_it_was_read_at(kari, dated):
    response = kari[0].get(url(dated, "currentPregnancy"))
    assert response.status_code == 200
    assert '<input type="hidden" name="version" value="1">' in response.content.decode()


def test_saving_a_section_makes_a_new_version_and_goes_back_to_the_record(kari, dated):
    edd = timezone.localdate() + timedelta(days=30)
    response = kari[0].post(
        url(dated, "currentPregnancy"),
        {"version": "1", "due_date_corrected_date": edd.isoformat(), "number_of_fetuses": "2"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/records/{dated.pk}/#section-currentPregnancy"
    pregnancy = CurrentPregnancy.objects.get(record=dated)
    assert (pregnancy.version, pregnancy.number_of_fetuses) == (2, 2)
    assert Pregnancy.objects.get(pk=dated.pk).agreed_edd == edd
    assert pregnancy.updated_by_source_system == "maternity web"
    entry = last_audit(dated)
    assert (entry.action, entry.outcome, entry.resource_type) == ("WRITE", "ALLOWED", "currentPregnancy")


def test_recording_an_absent_section_creates_it(kari, record):
    client, _ = kari
    response = client.get(url(record, "medication"))
    assert (
        response.status_code == 200
        and '<input type="hidden" name="version" value="">' in response.content.decode()
    )
    response = client.post(
        url(record, "medication"), {"version": "", "drug_allergy": "True", "folate_taken_before": "False"}
    )
    assert response.status_code == 302
    saved = Medication.objects.get(record=record)
    assert (saved.drug_allergy, saved.folate_taken_before, saved.folate_taken_during) == (True, False, None)


def test_key_demographics_are_saved_at_the_active_location(kari, record):
    response = kari[0].post(
        url(record, "mother"),
        {"version": "", "name": "Nora Hansen", "language": "NO", "country_of_birth": "NOR"},
    )
    assert response.status_code == 302
    mother = Mother.objects.get(record=record)
    assert (mother.name, mother.language, mother.country_of_birth) == ("Nora Hansen", "NO", "NOR")


def test_key_demographics_are_refused_at_another_location_with_the_reason(ingrid, record):
    client, _ = ingrid
    response = client.get(url(record, "mother"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "may be changed only by the active Care Location, St Olavs hospital, fødeavdelingen" in body
    assert f'href="/records/{record.pk}/pull-care/"' in body
    response = client.post(url(record, "mother"), {"version": "", "name": "Someone Else"})
    assert response.status_code == 403
    assert not Mother.objects.filter(record=record).exists()
    entry = last_audit(record)
    assert (entry.action, entry.outcome, entry.status_code) == ("WRITE", "DENIED", 403)


def test_another_stakeholder_location_may_edit_the_clinical_sections(ingrid, record):
    response = ingrid[0].post(
        url(record, "clinicalTests"), {"version": "", "hemoglobin": "12.5", "hiv": "False"}
    )
    assert response.status_code == 302
    assert record.clinicaltests.hemoglobin == 12.5


def test_birth_plan_is_hers_to_write(kari, record):
    response = kari[0].get(url(record, "birthPlan"))
    assert response.status_code == 403
    assert "written by the pregnant person herself" in response.content.decode()


def test_system_sections_cannot_be_written(kari, record):
    assert kari[0].get(url(record, "notes", "new/")).status_code == 403
    assert kari[0].post(url(record, "careLocations", "new/"), {}).status_code == 403


@pytest.mark.parametrize(
    "section,data,message",
    [
        ("vitalMeasurementsBeforePregnancy", {"height": "2800"}, "less than or equal to 300"),
        ("vitalMeasurementsBeforePregnancy", {"height": "tall"}, "Enter a number"),
        ("currentPregnancy", {"date_last_period": "2025-13-45"}, "Enter a valid date"),
        ("currentPregnancy", {"number_of_fetuses": "9"}, "less than or equal to 8"),
        ("mother", {"language": "XX"}, "Select a valid choice"),
        ("mother", {"employment_percentage": "150"}, "less than or equal to 100"),
        ("mother", {"needs_language_interpreter": "maybe"}, "Choose one of the answers offered"),
        ("clinicalTests", {"abo_type": "Z"}, "Select a valid choice"),
        ("lifestyleFactors", {"stimuli-1-first": "9"}, "unknown code"),
        ("lifestyleFactors", {"stimuli-3-w36_count": "500"}, "between 0 and 200"),
        ("mother", {"name": "x" * 201}, "at most 200 characters"),
    ],
)
def test_bad_input_gives_the_form_back_and_saves_nothing(kari, record, section, data, message):
    response = kari[0].post(url(record, section), {"version": "", **data})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert message in body
    assert not RESOURCE_TYPES[section].model.objects.filter(record=record).exists()
    entry = last_audit(record)
    assert (entry.action, entry.outcome, entry.status_code) == ("WRITE", "REJECTED", 400)


def test_a_tampered_version_is_refused(kari, dated):
    response = kari[0].post(url(dated, "currentPregnancy"), {"version": "abc", "number_of_fetuses": "1"})
    assert response.status_code == 400
    assert CurrentPregnancy.objects.get(record=dated).version == 1


def test_bmi_is_calculated_when_left_empty(kari, record):
    kari[0].post(
        url(record, "vitalMeasurementsBeforePregnancy"), {"height": "170", "pre_pregnancy_weight": "65"}
    )
    assert VitalMeasurementsBeforePregnancy.objects.get(record=record).bmi == 22.5


def test_stimuli_rows_are_stored_as_the_api_stores_them(kari, record):
    response = kari[0].post(
        url(record, "lifestyleFactors"),
        {
            "stimuli-1-first": "4",
            "stimuli-1-first_count": "10",
            "stimuli-1-w36": "5",
            "note": "Sluttet i uke 8",
        },
    )
    assert response.status_code == 302
    stimuli = LifestyleFactors.objects.get(record=record).stimuli
    assert stimuli == [
        {
            "stimuliType": "1",
            "stimuliFrequencyFirstConsultation": {"stimuliFrequency": "4", "dailyCount": 10},
            "stimuliFrequencyAtWeek36": {"stimuliFrequency": "5"},
        }
    ]
    wire = StimulusSerializer(stimuli[0]).data  # what the API sends for it, and would take back
    assert wire["stimuliFrequencyFirstConsultation"]["stimuliFrequency"]["code"] == "4"
    assert StimulusSerializer(data=wire).is_valid()
    form = kari[0].get(url(record, "lifestyleFactors")).content.decode()
    assert 'name="stimuli-1-first_count" value="10"' in form


# --- list items ----------------------------------------------------------------------------------------


def test_adding_an_appointment_fills_the_gestation_from_the_agreed_edd(kari, dated):
    response = kari[0].post(
        url(dated, "antenatalAppointments", "new/"),
        appointment_post(
            **{
                "blood_pressure": "120/80",
                "fetuses_vital_signs-0-fhr": "140",
                "fetuses_vital_signs-0-lie": "1",
            }
        ),
    )
    assert response.status_code == 302
    visit = AntenatalAppointment.objects.get(record=dated)
    assert (visit.pregnancy_week, visit.days_after_full_pregnancy_week) == (30, 2)
    assert visit.fetuses_vital_signs == [{"fosterId": 1, "fetalHeartRate": 140, "fetalPresentationLie": "1"}]
    assert (visit.systolic_derived, visit.diastolic_derived) == (120, 80)


def test_the_add_form_starts_with_today(kari, dated):
    body = kari[0].get(url(dated, "antenatalAppointments", "new/")).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in body


def test_save_and_add_an_sfh_measurement_carries_the_date(kari, dated):
    on = timezone.localdate() - timedelta(days=1)
    response = kari[0].post(
        url(dated, "antenatalAppointments", "new/"),
        appointment_post(appointment_date=on.isoformat(), then="sfh"),
    )
    assert (
        response["Location"]
        == f"/records/{dated.pk}/sections/symphysisFundalHeights/new/?date={on.isoformat()}"
    )
    form = kari[0].get(response["Location"]).content.decode()
    assert f'value="{on.isoformat()}"' in form


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"appointment_date": ""}, "This field is required"),
        ({"blood_pressure": "120-80"}, "systolic/diastolic"),
        ({"mother_weight": "1000"}, "less than or equal to 400"),
        ({"fetuses_vital_signs-0-fhr": "300"}, "Fetus 1: heart rate must be between 50 and 240"),
        ({"fetuses_vital_signs-0-lie": "42"}, "Fetus 1: presentation: unknown code"),
        ({"days_after_full_pregnancy_week": "3"}, "Give the completed weeks as well as the days"),
        ({"days_after_full_pregnancy_week": "7", "pregnancy_week": "30"}, "less than or equal to 6"),
        ({"protein_in_urine_test_result": "4+"}, "Select a valid choice"),
        ({"edema": "9"}, "Select a valid choice"),
    ],
)
def test_bad_appointment_input_gives_the_form_back_and_saves_nothing(kari, dated, fields, message):
    response = kari[0].post(url(dated, "antenatalAppointments", "new/"), appointment_post(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AntenatalAppointment.objects.filter(record=dated).exists()


@pytest.mark.parametrize(
    "fields,message",
    [({"measurement": "70"}, "less than or equal to 60"), ({"measurement": ""}, "This field is required")],
)
def test_bad_sfh_input_gives_the_form_back(kari, dated, fields, message):
    data = {"measurement_date": date.today().isoformat(), **fields}
    response = kari[0].post(url(dated, "symphysisFundalHeights", "new/"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SymphysisFundalHeight.objects.filter(record=dated).exists()


def test_editing_an_item_keeps_its_other_fields_as_sent(kari, dated):
    visit = services.resource_create(
        record_id=dated.pk,
        resource_type="antenatalAppointments",
        data={
            "appointment_date": date.today(),
            "note": "First",
            "fetuses_vital_signs": [{"fosterId": 1, "fetalHeartRate": 150}],
        },
        actor=kari[1],
    )
    form = kari[0].get(url(dated, "antenatalAppointments", f"{visit.pk}/")).content.decode()
    assert 'value="150"' in form and "First" in form
    response = kari[0].post(
        url(dated, "antenatalAppointments", f"{visit.pk}/"),
        appointment_post(
            version="1",
            note="Second",
            **{"fetuses_vital_signs-0-fhr": "150"},
        ),
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.version, visit.note, visit.fetuses_vital_signs) == (
        2,
        "Second",
        [{"fosterId": 1, "fetalHeartRate": 150}],
    )


def test_an_item_without_a_version_is_refused(kari, dated):
    visit = services.resource_create(
        record_id=dated.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date.today()},
        actor=kari[1],
    )
    response = kari[0].post(url(dated, "antenatalAppointments", f"{visit.pk}/"), appointment_post(note="x"))
    assert response.status_code == 400
    visit.refresh_from_db()
    assert visit.version == 1


def test_an_item_of_another_record_is_not_found(kari, dated, midwife_actor):
    other = services.record_create(national_id=parse_national_id(new_nin()), actor=midwife_actor)
    visit = services.resource_create(
        record_id=other.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date.today()},
        actor=midwife_actor,
    )
    assert kari[0].get(url(dated, "antenatalAppointments", f"{visit.pk}/")).status_code == 404
    assert (
        kari[0].get(url(dated, "antenatalAppointments", f"{visit.pk}/entered-in-error/")).status_code == 404
    )


def test_unknown_sections_and_wrong_kinds_are_not_found(kari, record):
    assert kari[0].get(url(record, "nonsense")).status_code == 404
    assert kari[0].get(url(record, "mother", "new/")).status_code == 404  # a singleton has no items
    assert kari[0].get(url(record, "antenatalAppointments")).status_code == 404  # a list has no one form


# --- entered in error -----------------------------------------------------------------------------------


def test_marking_entered_in_error_asks_first_then_keeps_it_in_history(kari, dated):
    sfh = services.resource_create(
        record_id=dated.pk,
        resource_type="symphysisFundalHeights",
        data={"measurement_date": date.today(), "measurement": 31},
        actor=kari[1],
    )
    confirm = kari[0].get(url(dated, "symphysisFundalHeights", f"{sfh.pk}/entered-in-error/"))
    assert confirm.status_code == 200
    assert "Mark this SFH measurement entered in error?" in confirm.content.decode()
    assert 'name="reason"' in confirm.content.decode() and "required" in confirm.content.decode()
    response = kari[0].post(
        url(dated, "symphysisFundalHeights", f"{sfh.pk}/entered-in-error/"),
        {"version": "1", "reason": "  Measured on the wrong woman\n"},
    )
    assert response.status_code == 302
    sfh.refresh_from_db()
    assert (sfh.entered_in_error, sfh.version) == (True, 2)
    versions = SymphysisFundalHeight.history.filter(id=sfh.pk).order_by("version")
    assert [(v.version, v.entered_in_error_reason) for v in versions] == [
        (1, ""),
        (2, "Measured on the wrong woman"),
    ]
    entry = last_audit(dated)
    assert (entry.action, entry.outcome) == (AccessAction.WRITE, AccessOutcome.ALLOWED)
    history = kari[0].get(url(dated, "symphysisFundalHeights", f"history/?item={sfh.pk}")).content.decode()
    assert "Why entered in error" in history and "Measured on the wrong woman" in history


def test_entered_in_error_without_a_reason_asks_for_one_and_changes_nothing(kari, dated):
    visit = services.resource_create(
        record_id=dated.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date.today()},
        actor=kari[1],
    )
    response = kari[0].post(
        url(dated, "antenatalAppointments", f"{visit.pk}/entered-in-error/"),
        {"version": "1", "reason": " \t"},
    )
    assert response.status_code == 400
    assert "Say why it is entered in error" in response.content.decode()
    visit.refresh_from_db()
    assert (visit.entered_in_error, visit.version) == (False, 1)


def test_entered_in_error_against_a_stale_version_shows_the_item_again(kari, dated):
    visit = services.resource_create(
        record_id=dated.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date.today()},
        actor=kari[1],
    )
    services.resource_update(
        record_id=dated.pk,
        resource_type="antenatalAppointments",
        resource_id=visit.pk,
        version=1,
        data={"appointment_date": date.today(), "note": "Changed meanwhile"},
        actor=kari[1],
    )
    response = kari[0].post(
        url(dated, "antenatalAppointments", f"{visit.pk}/entered-in-error/"),
        {"version": "1", "reason": "Duplicate visit"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Changed meanwhile" in body and 'name="version" value="2"' in body
    visit.refresh_from_db()
    assert not visit.entered_in_error


def test_an_entered_in_error_item_can_no_longer_be_edited(kari, dated):
    visit = services.resource_create(
        record_id=dated.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date.today()},
        actor=kari[1],
    )
    services.resource_enter_in_error(
        record_id=dated.pk, resource_type="antenatalAppointments", resource_id=visit.pk, actor=kari[1]
    )
    response = kari[0].get(url(dated, "antenatalAppointments", f"{visit.pk}/"))
    assert response.status_code == 409
    assert "is marked entered in error" in response.content.decode()
    again = kari[0].post(
        url(dated, "antenatalAppointments", f"{visit.pk}/entered-in-error/"),
        {"version": "2", "reason": "Duplicate visit"},
    )
    assert again.status_code == 409


# --- births --------------------------------------------------------------------------------------------


def test_births_wait_for_the_delivery_and_say_why(kari, dated):
    response = kari[0].get(url(dated, "births", "new/"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Record the delivery first" in body
    assert f'href="/records/{dated.pk}/status/"' in body
    response = kari[0].post(url(dated, "births", "new/"), {"birth_time": "2026-01-01T10:00"})
    assert response.status_code == 409
    assert not Birth.objects.filter(record=dated).exists()


def test_a_birth_is_recorded_after_the_delivery_with_its_gestation(kari, dated):
    born = timezone.now().replace(second=0, microsecond=0)
    services.record_status_update(
        record_id=dated.pk,
        version=dated.version,
        status=RecordStatus.DELIVERED,
        actor=kari[1],
        delivery_date=born,
        live_birth=True,
    )
    response = kari[0].post(
        url(dated, "births", "new/"),
        {
            "birth_time": timezone.localtime(born).strftime("%Y-%m-%dT%H:%M"),
            "sex": "FEMALE",
            "birth_weight": "3480",
            "live_birth": "True",
            "mode_of_birth": "SPONTANEOUS_VAGINAL",
            "apgar_1_minute": "9",
            "apgar_5_minutes": "10",
        },
    )
    assert response.status_code == 302, response.content.decode()
    birth = Birth.objects.get(record=dated)
    assert (birth.birth_time, birth.gestation_weeks, birth.gestation_days) == (born, 30, 2)
    assert (birth.apgar_1_minute, birth.apgar_5_minutes, birth.apgar_10_minutes) == (9, 10, None)


def test_the_delivered_record_is_read_only_elsewhere(kari, ingrid, dated):
    services.record_status_update(
        record_id=dated.pk,
        version=dated.version,
        status=RecordStatus.DELIVERED,
        actor=kari[1],
        delivery_date=timezone.now(),
        live_birth=True,
    )
    response = ingrid[0].post(url(dated, "currentPregnancy"), {"version": "1", "number_of_fetuses": "1"})
    assert response.status_code == 403
    assert "The record is delivered" in response.content.decode()
    assert CurrentPregnancy.objects.get(record=dated).version == 1


# --- strangers and the signed out ----------------------------------------------------------------------


@pytest.mark.parametrize("tail", ["currentPregnancy/", "antenatalAppointments/new/", "mother/"])
def test_stranger_gets_not_found_and_nothing_is_saved(stranger, record, tail):
    client, _ = stranger
    assert client.get(f"/records/{record.pk}/sections/{tail}").status_code == 404
    response = client.post(
        f"/records/{record.pk}/sections/{tail}", {"version": "", "appointment_date": "2026-01-01"}
    )
    assert response.status_code == 404
    assert "Not found" in response.content.decode()
    assert not AntenatalAppointment.objects.filter(record=record).exists()
    assert not CurrentPregnancy.objects.filter(record=record).exists()
    entry = last_audit(record)
    assert entry.outcome == AccessOutcome.DENIED


def test_signed_out_goes_to_login(record):
    response = Client().post(url(record, "currentPregnancy"), {"version": ""})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not CurrentPregnancy.objects.filter(record=record).exists()


def test_audit_detail_names_the_version_saved(kari, dated):
    kari[0].post(url(dated, "currentPregnancy"), {"version": "1", "number_of_fetuses": "1"})
    assert "saved as version 2" in last_audit(dated).detail

"""The data quality rules, one test each (plain facts, no database), and the location's summary worked out
by hand on records written through the services."""

from datetime import date

from conftest import new_nin
from maternity import services
from maternity.rules import data_quality as dq
from maternity.rules.identifiers import parse_national_id

TODAY = date(2025, 3, 10)


def facts(**values) -> dq.RecordFacts:
    return dq.RecordFacts(today=TODAY, **values)


def test_blood_group_needs_abo_and_rhd():
    assert dq.blood_group_recorded(facts(abo_type="A", rhesus_d_type="POSITIVE"))
    assert not dq.blood_group_recorded(facts(abo_type="A"))
    assert not dq.blood_group_recorded(facts(rhesus_d_type="NEGATIVE"))
    assert not dq.blood_group_recorded(facts())


def test_booking_bloods_need_any_clinical_test_result():
    assert dq.booking_bloods_recorded(facts(clinical_tests_recorded=True))
    assert not dq.booking_bloods_recorded(facts())


def test_bmi_known_from_bmi_or_from_height_and_weight():
    assert dq.pre_pregnancy_bmi_known(facts(bmi=22.5))
    assert dq.pre_pregnancy_bmi_known(facts(height=168, weight=64))
    assert not dq.pre_pregnancy_bmi_known(facts(height=168))
    assert not dq.pre_pregnancy_bmi_known(facts())


def test_edd_recorded():
    assert dq.edd_recorded(facts(agreed_edd=date(2025, 5, 1)))
    assert not dq.edd_recorded(facts())


def test_sfh_must_be_10_to_50_cm_and_within_10_cm_of_the_weeks():
    edd = date(2025, 4, 28)  # 2025-03-10 is 33+0
    at_33 = date(2025, 3, 10)
    assert dq.sfh_plausible(facts(agreed_edd=edd, sfh=[dq.Sfh(33, at_33, None), dq.Sfh(43, at_33, None)]))
    assert not dq.sfh_plausible(facts(agreed_edd=edd, sfh=[dq.Sfh(44, at_33, None)]))  # 11 cm over
    assert not dq.sfh_plausible(facts(agreed_edd=edd, sfh=[dq.Sfh(22, at_33, None)]))  # 11 cm under
    assert not dq.sfh_plausible(facts(sfh=[dq.Sfh(55, at_33, None)]))  # over 50 cm, no gestation needed
    assert not dq.sfh_plausible(facts(sfh=[dq.Sfh(9, at_33, None)]))
    # no EDD: the week written at the measurement
    assert not dq.sfh_plausible(facts(sfh=[dq.Sfh(40, at_33, 24)]))
    assert dq.sfh_plausible(facts(sfh=[dq.Sfh(30, at_33, 24), dq.Sfh(30, at_33, None)]))
    assert dq.sfh_plausible(facts())


def test_no_appointment_before_the_lmp():
    lmp = date(2024, 7, 1)
    assert dq.appointments_after_lmp(facts(lmp=lmp, first_appointment=lmp))
    assert not dq.appointments_after_lmp(facts(lmp=lmp, first_appointment=date(2024, 6, 30)))
    assert dq.appointments_after_lmp(facts(first_appointment=date(2024, 6, 30)))  # no LMP: cannot say


def test_mother_name_recorded():
    assert dq.mother_name_recorded(facts(name="Ada Nordmann"))
    assert not dq.mother_name_recorded(facts(name="  "))


def test_an_appointment_is_recorded_from_13_weeks():
    assert dq.booked_by_13_weeks(facts(agreed_edd=date(2025, 9, 16)))  # 12+6 today: not due yet
    assert not dq.booked_by_13_weeks(facts(agreed_edd=date(2025, 9, 15)))  # 13+0
    assert dq.booked_by_13_weeks(facts(agreed_edd=date(2025, 9, 15), appointments=1))
    assert dq.booked_by_13_weeks(facts())  # no EDD: the EDD rule says so


def test_edd_plausible_for_an_active_record():
    assert dq.edd_plausible(facts(agreed_edd=date(2025, 2, 10)))  # 28 days ago: 44+0
    assert not dq.edd_plausible(facts(agreed_edd=date(2025, 2, 9)))  # 29 days ago
    assert dq.edd_plausible(facts(agreed_edd=date(2025, 12, 15)))  # 280 days ahead: 0+0
    assert not dq.edd_plausible(facts(agreed_edd=date(2025, 12, 16)))
    assert dq.edd_plausible(facts())


def test_every_rule_is_documented_and_has_a_unique_code():
    assert len({rule.code for rule in dq.RULES}) == len(dq.RULES) == 9
    assert all(len(rule.description) > 20 for rule in dq.RULES)


def test_completeness_is_the_share_of_rules_passed():
    complete = facts(
        record_id="x", name="Ada", agreed_edd=date(2025, 5, 1), abo_type="O", rhesus_d_type="POSITIVE",
        clinical_tests_recorded=True, bmi=21.0, appointments=1,
    )  # fmt: skip
    assert dq.evaluate(complete).completeness == 100.0
    bare = facts(record_id="00000000-0000-0000-0000-000000000001")
    result = dq.evaluate(bare)  # no blood group, bloods, BMI, EDD, name: 4 of 9 passed
    assert [f.rule.code for f in result.failures] == ["blood-group", "booking-bloods", "bmi", "edd", "name"]
    assert result.completeness == 44.4
    assert result.failures[0].url == f"/records/{bare.record_id}/sections/clinicalTests/"


def test_location_summary_worked_out_by_hand(midwife_actor, location_b, django_assert_num_queries):
    """Three active records at A (and one entered in error, and none at B, which are not checked):
    full: passes all 9. no_edd: no EDD, no name, no bloods, no blood group, no BMI: 4 of 9.
    odd: name, EDD (2025-05-01), blood group (so bloods too), height only (no BMI), an appointment before
    the LMP, SFH 60 cm: fails bmi, sfh, before-lmp: 6 of 9."""
    add = services.resource_create

    def make(**resources):
        return services.record_create(
            national_id=parse_national_id(new_nin()), actor=midwife_actor, resources=resources
        )

    full = make(
        mother={"name": "Full Fjell"},
        currentPregnancy={"due_date_based_on_ultrasound": date(2025, 5, 1)},
        clinicalTests={"abo_type": "O", "rhesus_d_type": "POSITIVE", "hemoglobin": 12.1},
        vitalMeasurementsBeforePregnancy={"height": 168, "pre_pregnancy_weight": 64},
    )
    add(
        record_id=full.pk, resource_type="antenatalAppointments", actor=midwife_actor,
        data={"appointment_date": date(2024, 9, 1)},
    )  # fmt: skip
    no_edd = make()
    odd = make(
        mother={"name": "Odd Olsen"},
        currentPregnancy={"date_last_period": date(2024, 7, 25), "due_date_corrected_date": date(2025, 5, 1)},
        clinicalTests={"abo_type": "A", "rhesus_d_type": "NEGATIVE"},
        vitalMeasurementsBeforePregnancy={"height": 170},
    )
    add(
        record_id=odd.pk, resource_type="antenatalAppointments", actor=midwife_actor,
        data={"appointment_date": date(2024, 7, 20)},
    )  # fmt: skip
    add(
        record_id=odd.pk, resource_type="symphysisFundalHeights", actor=midwife_actor,
        data={"measurement_date": date(2025, 3, 1), "measurement": 60},
    )  # fmt: skip
    in_error = make()
    services.record_status_update(
        record_id=in_error.pk, version=1, status="ENTERED_IN_ERROR", actor=midwife_actor
    )

    location = midwife_actor.care_location
    with django_assert_num_queries(2):
        summary, results = dq.location_quality(location, today=TODAY)
    by_record = {r.facts.record_id: r for r in results}
    assert set(by_record) == {full.pk, no_edd.pk, odd.pk}
    assert by_record[full.pk].failures == []
    assert [f.rule.code for f in by_record[no_edd.pk].failures] == [
        "blood-group", "booking-bloods", "bmi", "edd", "name",
    ]  # fmt: skip
    assert [f.rule.code for f in by_record[odd.pk].failures] == ["bmi", "sfh", "before-lmp"]
    assert [r.facts.record_id for r in results] == [no_edd.pk, odd.pk, full.pk]  # least complete first
    assert summary.checked == 3
    assert summary.average == 70.4  # (9 + 4 + 6) / 27 = 70.37%
    assert summary.complete == 1
    assert {c.rule.code: c.failing for c in summary.by_rule} == {
        "blood-group": 1, "booking-bloods": 1, "bmi": 2, "edd": 1, "sfh": 1, "before-lmp": 1, "name": 1,
        "booking": 0, "edd-plausible": 0,
    }  # fmt: skip
    _, descending = dq.location_quality(location, today=TODAY, sort="-completeness")
    assert [r.facts.record_id for r in descending] == [full.pk, odd.pk, no_edd.pk]
    assert dq.location_quality(location_b, today=TODAY)[0].checked == 0

"""Results outside their usual range, explained in her portal: each result the clinical rules flag
(`maternity.rules.flags`) says calmly what it means, what usually happens next and when to call; the
clinician's note on that visit is shown with who wrote it; normal results and entered-in-error visits have
no explanation; the page costs the same queries; and the words themselves stay calm."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maternity import services
from maternity.rules import flags
from portal import result_words

from .test_pregnancy_page import fill_record, page

pytestmark = pytest.mark.django_db

WALK_THROUGH = {  # her last visit in the issue
    "blood_pressure": "158/108",
    "protein_in_urine_test_result": "2+",
    "fetuses_vital_signs": [{"fosterId": 1, "fetalHeartRate": 190, "motherFeelsBabyMovements": True}],
    "note": "Referred to hospital",
}
NORMAL = {
    "blood_pressure": "118/76",
    "protein_in_urine_test_result": "Neg",
    "fetuses_vital_signs": [{"fosterId": 1, "fetalHeartRate": 140, "motherFeelsBabyMovements": True}],
    "note": "All well",
}


def add_visit(record, actor, data, *, days_ago=1):
    return services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": timezone.localdate() - timedelta(days=days_ago), **data},
        actor=actor,
    )


def text_of(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def results_in(html: str) -> int:
    return len(re.findall(r'class="result(?: same-day)?"', html))


def last_visit(text: str) -> str:
    return text.split("Your last appointment")[1].split('id="growth"')[0]


def test_each_flagged_result_of_her_last_visit_is_explained_calmly(portal, record, midwife_actor):
    add_visit(record, midwife_actor, WALK_THROUGH)
    visit = last_visit(text_of(page(portal, record)))
    assert "Your blood pressure was higher than usual" in visit
    assert "Your blood pressure was 158/108 mmHg. In pregnancy, 140/90 or more is higher than usual." in visit
    assert "Your midwife will usually check it again within a few days" in visit
    assert "There was some protein in your urine" in visit
    assert "The urine test showed some (2+)." in visit
    assert "Your baby&#x27;s heartbeat was outside the usual range" in visit
    assert "Your baby&#x27;s heartbeat was 190 beats a minute." in visit
    assert "You may be asked to go to the maternity unit the same day" in visit


def test_a_same_day_result_says_to_call_now(portal, record, midwife_actor):
    add_visit(record, midwife_actor, WALK_THROUGH)
    visit = last_visit(text_of(page(portal, record)))
    assert visit.count('class="result same-day"') == 1  # the baby's heartbeat; 158/108 is not severe
    assert (
        "If you have not already been seen about this, call your midwife or the maternity unit now." in visit
    )


def test_with_her_care_locations_urgent_line_the_call_is_a_tap_to_call_link(
    portal, record, midwife_actor, location_a
):
    services.care_location_contact_update(
        care_location=location_a,
        phone="+47 73 86 80 00",
        address="Prinsesse Kristinas gate 3, Trondheim",
        opening_hours="Weekdays 08:00-15:30",
        urgent_phone="+47 72 57 30 00",
        by=None,
    )
    add_visit(record, midwife_actor, WALK_THROUGH)
    visit = last_visit(text_of(page(portal, record)))
    assert (
        "call St Olavs hospital, fødeavdelingen now on "
        '<a href="tel:+4772573000">+47 72 57 30 00</a>.' in visit
    )


def test_severe_blood_pressure_has_its_own_same_day_words(portal, record, midwife_actor):
    add_visit(record, midwife_actor, {**NORMAL, "blood_pressure": "162/112"})
    visit = last_visit(text_of(page(portal, record)))
    assert "Your blood pressure was high</strong>" in visit
    assert "In pregnancy, 160/110 or more is high and is looked at the same day." in visit
    assert "call your midwife or the maternity unit now" in visit
    assert "higher than usual" not in visit


def test_the_clinicians_note_is_shown_with_who_wrote_it(portal, record, midwife_actor):
    add_visit(record, midwife_actor, WALK_THROUGH)
    visit = last_visit(text_of(page(portal, record)))
    assert "<blockquote>Referred to hospital</blockquote>" in visit
    assert "Note written by Kari Jordmor, midwife at St Olavs hospital, fødeavdelingen, " in visit
    assert "Note</dt>" not in visit  # once, beside the results, not twice


def test_normal_results_have_no_explanation_and_keep_their_note_among_the_facts(
    portal, record, midwife_actor
):
    add_visit(record, midwife_actor, NORMAL)
    visit = last_visit(text_of(page(portal, record)))
    assert 'class="result' not in visit and "What usually happens next" not in visit
    assert "Note</dt><dd>All well</dd>" in visit


def test_an_earlier_visit_with_flagged_results_is_explained_too(portal, record, midwife_actor):
    add_visit(record, midwife_actor, WALK_THROUGH, days_ago=14)
    add_visit(record, midwife_actor, NORMAL, days_ago=7)
    text = text_of(page(portal, record))
    last, earlier = last_visit(text).split("Earlier appointments")
    assert 'class="result' not in last
    assert results_in(earlier) == 3


def test_an_entered_in_error_visit_shows_nothing(portal, record, midwife_actor):
    wrong = add_visit(record, midwife_actor, WALK_THROUGH)
    services.resource_enter_in_error(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        resource_id=wrong.pk,
        version=1,
        actor=midwife_actor,
    )
    text = text_of(page(portal, record))
    assert "158/108" not in text and "Referred to hospital" not in text
    assert 'class="result' not in text


def test_low_haemoglobin_is_explained_in_her_blood_tests(portal, record, midwife_actor):
    services.resource_create(
        record_id=record.pk,
        resource_type="clinicalTests",
        data={"hemoglobin": 12.0, "hemoglobin_at_3rd_trimester": 9.8},
        actor=midwife_actor,
    )
    text = text_of(page(portal, record))
    tests = text.split('id="section-clinicalTests"')[1].split("</details>")[0]
    assert "Your iron level (haemoglobin) was lower than usual" in tests
    assert "Your haemoglobin was 9.8 g/dL." in tests


def test_a_normal_haemoglobin_is_not_explained(portal, record, midwife_actor):
    services.resource_create(
        record_id=record.pk, resource_type="clinicalTests", data={"hemoglobin": 12.4}, actor=midwife_actor
    )
    assert 'class="result' not in text_of(page(portal, record))


def test_a_last_sfh_below_the_chart_is_explained_above_the_chart(portal, record, midwife_actor):
    fill_record(record, midwife_actor, appointments=0, sfh=2)  # 24 and 26 cm at 24 and 26 weeks
    services.resource_create(
        record_id=record.pk,
        resource_type="symphysisFundalHeights",
        data={"measurement_date": timezone.localdate(), "measurement": 19},  # 19 cm at 28+4
        actor=midwife_actor,
    )
    growth = text_of(page(portal, record)).split('id="growth"')[1]
    assert growth.index("Your bump measured smaller than usual") < growth.index("<svg")
    assert "Your last measurement, 19 cm on " in growth
    assert "offer you an ultrasound scan" in growth


def test_sfh_measurements_within_the_lines_are_not_explained(portal, record, midwife_actor):
    fill_record(record, midwife_actor, appointments=0, sfh=3)
    assert 'class="result' not in text_of(page(portal, record)).split('id="growth"')[1]


def test_explanations_cost_no_extra_queries(portal, record, midwife_actor):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert page(portal, record).status_code == 200
        return len(queries)

    count()  # warm up
    empty = count()
    for days in range(1, 6):
        add_visit(record, midwife_actor, WALK_THROUGH, days_ago=days)
    services.resource_create(
        record_id=record.pk,
        resource_type="clinicalTests",
        data={"hemoglobin": 9.0},
        actor=midwife_actor,
    )
    assert count() == empty


@pytest.mark.parametrize("code", sorted(result_words.WORDS))
def test_every_result_is_worded_calmly_without_jargon_or_a_diagnosis(code):
    text = result_words.WORDS[code]
    written = " ".join(str(part) for part in (text.title, text.meaning, text.next, text.when_to_call)).lower()
    for word in (
        "danger",
        "emergency",
        "abnormal",
        "pre-eclampsia",
        "preeclampsia",
        "hypertension",
        "proteinuria",
        "fetal",
        "fetus",
        "centile",
        "anaemia",
        "you have",
        "diagnos",
        "!",
    ):
        assert word not in written, (code, word)
    assert "call" in written or "tell your midwife" in written  # says when to get in touch


def test_the_words_are_keyed_by_the_codes_the_clinical_rules_raise():
    raised = {
        flags.high_blood_pressure(systolic=150, diastolic=95).code,
        flags.proteinuria("2+").code,
        flags.fetal_heart_rate_abnormal([{"fetalHeartRate": 190}]).code,
        flags.haemoglobin_low(at_booking=9.0, third_trimester=None).code,
        "sfh-low",
        "sfh-high",
        "sfh-falling",
        "sfh-rising",
    }
    assert raised == set(result_words.WORDS)


def test_the_same_day_result_comes_first_and_advice_on_when_to_call_is_said_once(
    portal, record, midwife_actor
):
    add_visit(record, midwife_actor, WALK_THROUGH)
    visit = last_visit(text_of(page(portal, record)))
    heart = visit.index("Your baby&#x27;s heartbeat was outside the usual range")
    assert heart < visit.index("Your blood pressure was higher than usual")
    assert visit.count("if you get a bad headache") == 1  # about the blood pressure and the urine both
    assert visit.index("if you get a bad headache") > visit.index("There was some protein in your urine")

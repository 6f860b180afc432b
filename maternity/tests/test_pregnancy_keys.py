"""The pregnancy keys: national ID and date of birth exact, EDD within 21 days either side."""

from datetime import UTC, date, datetime, timedelta

import pytest

from conftest import new_nin
from maternity import services
from maternity.errors import NotFound
from maternity.models import RecordStatus
from maternity.reads.access import can_access
from maternity.rules.identifiers import NationalId, parse_national_id
from maternity.rules.pregnancy_keys import PregnancyKeys, best_match, records_matching

DOB = date(1994, 5, 17)
EDD = date(2027, 3, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pregnancy(midwife_actor, nin):
    return services.record_create(
        national_id=parse_national_id(nin),
        actor=midwife_actor,
        resources={"currentPregnancy": {"due_date_corrected_date": EDD}},
    )


def keys(nin: str, edd: date, dob: date = DOB) -> PregnancyKeys:
    return PregnancyKeys(parse_national_id(nin), dob, edd)


@pytest.mark.parametrize(
    ("days", "matches"),
    [(-22, False), (-21, True), (-20, True), (0, True), (20, True), (21, True), (22, False)],
)
def test_the_edd_matches_within_21_days_either_side(pregnancy, nin, days, matches):
    assert (best_match(keys(nin, EDD + timedelta(days=days))) == pregnancy) is matches


@pytest.mark.parametrize("days", [-22, 22])
def test_finding_outside_the_window_is_not_found(pregnancy, nin, midwife_actor, days):
    with pytest.raises(NotFound):
        services.record_find_by_keys(
            keys=keys(nin, EDD + timedelta(days=days)),
            reason_code="EMERGENCY",
            reason="Admitted via A&E",
            actor=midwife_actor,
        )


def test_the_date_of_birth_must_match_exactly(pregnancy, nin):
    assert best_match(keys(nin, EDD, dob=DOB + timedelta(days=1))) is None


def test_the_identifier_system_must_match_exactly(pregnancy, nin):
    same_digits_other_system = NationalId(system="urn:oid:2.16.578.1.12.4.1.4.2", value=nin)
    assert best_match(PregnancyKeys(same_digits_other_system, DOB, EDD)) is None


def test_a_record_without_an_agreed_edd_never_matches(midwife_actor, nin):
    services.record_create(national_id=parse_national_id(nin), actor=midwife_actor)
    assert records_matching(keys(nin, EDD)) == []


def test_a_record_entered_in_error_never_matches(pregnancy, nin, midwife_actor):
    services.record_status_update(
        record_id=pregnancy.pk, version=1, status=RecordStatus.ENTERED_IN_ERROR, actor=midwife_actor
    )
    assert best_match(keys(nin, EDD)) is None


def _second_pregnancy(first, midwife_actor, nin, edd: date):
    """End the first pregnancy early, then book the next one with `edd`."""
    services.record_status_update(
        record_id=first.pk,
        version=first.version,
        status=RecordStatus.TERMINATED,
        termination_date=datetime(2026, 8, 1, tzinfo=UTC),
        actor=midwife_actor,
    )
    return services.record_create(
        national_id=parse_national_id(nin),
        actor=midwife_actor,
        resources={"currentPregnancy": {"due_date_corrected_date": edd}},
    )


def test_of_two_pregnancies_in_the_window_the_closest_edd_wins(pregnancy, midwife_actor, nin):
    second = _second_pregnancy(pregnancy, midwife_actor, nin, EDD + timedelta(days=30))
    assert records_matching(keys(nin, EDD + timedelta(days=20))) == [second, pregnancy]
    assert best_match(keys(nin, EDD + timedelta(days=20))) == second
    assert best_match(keys(nin, EDD + timedelta(days=10))) == pregnancy


def test_of_two_pregnancies_equally_close_the_active_one_wins(pregnancy, midwife_actor, nin):
    second = _second_pregnancy(pregnancy, midwife_actor, nin, EDD + timedelta(days=20))
    assert best_match(keys(nin, EDD + timedelta(days=10))) == second


def test_a_find_grants_access_to_the_best_match_only(pregnancy, midwife_actor, nin, location_b):
    second = _second_pregnancy(pregnancy, midwife_actor, nin, EDD + timedelta(days=30))
    finder = midwife_actor.__class__(
        user_type=midwife_actor.user_type, care_location=location_b, name="Other", source_system="tests"
    )
    found = services.record_find_by_keys(
        keys=keys(nin, EDD + timedelta(days=20)),
        reason_code="LABOUR",
        reason="Admitted in labour",
        actor=finder,
    )
    assert found.record == second and found.broke_glass
    assert can_access(finder, second) and not can_access(finder, pregnancy)


def test_another_persons_pregnancy_never_matches(pregnancy):
    assert best_match(keys(new_nin(DOB), EDD)) is None

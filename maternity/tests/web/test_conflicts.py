"""Version conflicts: someone saved the section while you were editing. The page shows their change and
yours field by field, loses nothing, and saves your choices against the new version (or conflicts again).
The conflict is audited as refused (409), the final save as a write."""

import json
import re
from datetime import date

import pytest

from maternity import services
from maternity.actors import Actor
from maternity.models import AccessLog, CurrentPregnancy, Medication, Mother, UserType

from .conftest import midwife


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a, "Kari Jordmor")


@pytest.fixture
def ingrid(location_a):
    """A colleague at the same location, saving from her own screen."""
    return midwife("ingrid", location_a, "Ingrid Haugen")


EDD = date(2026, 6, 1)


@pytest.fixture
def pregnancy(record, kari):
    """currentPregnancy at version 1: agreed EDD, one fetus, nothing else."""
    return services.resource_create(
        record_id=record.pk,
        resource_type="currentPregnancy",
        data={"due_date_corrected_date": EDD, "number_of_fetuses": 1},
        actor=kari[1],
    )


def edit_url(record) -> str:
    return f"/records/{record.pk}/sections/currentPregnancy/"


def ingrid_saves(record, ingrid, version: int, **fields):
    data = {"due_date_corrected_date": EDD, "number_of_fetuses": 1, **fields}
    return services.resource_update(
        record_id=record.pk, resource_type="currentPregnancy", version=version, data=data, actor=ingrid[1]
    )


def hidden(body: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', body)
    assert match, f"no hidden {name}"
    return match.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&#x27;", "'")


def carried(body: str) -> dict:
    """The conflict page's hidden fields, as the browser would post them back."""
    return {name: hidden(body, name) for name in ("version", "base_version", "mine")}


def test_a_stale_save_shows_their_change_and_mine_and_saves_nothing(kari, ingrid, record, pregnancy):
    ingrid_saves(record, ingrid, 1, number_of_fetuses=2)
    response = kari[0].post(
        edit_url(record),
        {
            "version": "1",
            "due_date_corrected_date": "2026-06-01",
            "number_of_fetuses": "1",
            "breastfeeding_guidance": "True",
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved current pregnancy while you were editing" in body
    assert "Ingrid Haugen" in body and "saved version 2" in body and "You started from version 1" in body
    assert "Number of fetuses" in body and "They changed" in body
    assert "Breastfeeding guidance given" in body and "You changed" in body
    assert CurrentPregnancy.objects.get(pk=pregnancy.pk).version == 2  # nothing of hers saved yet
    entry = AccessLog.objects.filter(record_id=record.pk).order_by("-id").first()
    assert (entry.action, entry.outcome, entry.status_code) == ("WRITE", "REJECTED", 409)
    assert "version conflict" in entry.detail


def test_choosing_per_field_keeps_their_change_and_mine(kari, ingrid, record, pregnancy):
    ingrid_saves(record, ingrid, 1, number_of_fetuses=2)
    conflict = (
        kari[0]
        .post(
            edit_url(record),
            {
                "version": "1",
                "due_date_corrected_date": "2026-06-01",
                "number_of_fetuses": "1",
                "breastfeeding_guidance": "True",
            },
        )
        .content.decode()
    )
    response = kari[0].post(edit_url(record), {**carried(conflict), "resolve": "choose"})  # the defaults
    assert response.status_code == 302
    saved = CurrentPregnancy.objects.get(pk=pregnancy.pk)
    assert (saved.version, saved.number_of_fetuses, saved.breastfeeding_guidance) == (3, 2, True)
    assert saved.updated_by_name == "Kari Jordmor"
    entry = AccessLog.objects.filter(record_id=record.pk).order_by("-id").first()
    assert (entry.action, entry.outcome) == ("WRITE", "ALLOWED")


def test_a_field_both_changed_must_be_chosen(kari, ingrid, record, pregnancy):
    ingrid_saves(record, ingrid, 1, number_of_fetuses=2)
    conflict = (
        kari[0]
        .post(
            edit_url(record),
            {"version": "1", "due_date_corrected_date": "2026-06-01", "number_of_fetuses": "3"},
        )
        .content.decode()
    )
    assert "Both changed" in conflict
    unchosen = kari[0].post(edit_url(record), {**carried(conflict), "resolve": "choose"})
    assert unchosen.status_code == 400
    assert "Choose yours or theirs for: Number of fetuses" in unchosen.content.decode()
    assert CurrentPregnancy.objects.get(pk=pregnancy.pk).version == 2
    chosen = kari[0].post(
        edit_url(record), {**carried(conflict), "resolve": "choose", "pick-number_of_fetuses": "mine"}
    )
    assert chosen.status_code == 302
    assert CurrentPregnancy.objects.get(pk=pregnancy.pk).number_of_fetuses == 3


def test_keep_all_mine_saves_what_she_entered_over_theirs(kari, ingrid, record, pregnancy):
    ingrid_saves(record, ingrid, 1, number_of_fetuses=2, birth_preparation_talk=True)
    conflict = (
        kari[0]
        .post(
            edit_url(record),
            {"version": "1", "due_date_corrected_date": "2026-06-01", "number_of_fetuses": "3"},
        )
        .content.decode()
    )
    kari[0].post(edit_url(record), {**carried(conflict), "resolve": "mine"})
    saved = CurrentPregnancy.objects.get(pk=pregnancy.pk)
    assert (saved.version, saved.number_of_fetuses, saved.birth_preparation_talk) == (3, 3, None)


def test_keep_all_theirs_saves_nothing(kari, ingrid, record, pregnancy):
    ingrid_saves(record, ingrid, 1, number_of_fetuses=2)
    conflict = (
        kari[0]
        .post(
            edit_url(record),
            {"version": "1", "due_date_corrected_date": "2026-06-01", "number_of_fetuses": "3"},
        )
        .content.decode()
    )
    response = kari[0].post(edit_url(record), {**carried(conflict), "resolve": "theirs"})
    assert response.status_code == 302
    saved = CurrentPregnancy.objects.get(pk=pregnancy.pk)
    assert (saved.version, saved.number_of_fetuses) == (2, 2)
    entry = AccessLog.objects.filter(record_id=record.pk).order_by("-id").first()
    assert entry.action == "READ" and "nothing saved" in entry.detail


def test_it_conflicts_again_when_the_section_moved_again(kari, ingrid, record, pregnancy):
    ingrid_saves(record, ingrid, 1, number_of_fetuses=2)
    conflict = (
        kari[0]
        .post(
            edit_url(record),
            {
                "version": "1",
                "due_date_corrected_date": "2026-06-01",
                "breastfeeding_guidance": "True",
                "number_of_fetuses": "1",
            },
        )
        .content.decode()
    )
    ingrid_saves(record, ingrid, 2, number_of_fetuses=2, birth_preparation_talk=True)  # version 3
    again = kari[0].post(edit_url(record), {**carried(conflict), "resolve": "choose"})
    assert again.status_code == 409
    body = again.content.decode()
    assert "saved version 3" in body and "You started from version 2" in body
    assert CurrentPregnancy.objects.get(pk=pregnancy.pk).version == 3
    final = kari[0].post(edit_url(record), {**carried(body), "resolve": "choose"})
    assert final.status_code == 302
    saved = CurrentPregnancy.objects.get(pk=pregnancy.pk)
    assert (
        saved.version,
        saved.number_of_fetuses,
        saved.birth_preparation_talk,
        saved.breastfeeding_guidance,
    ) == (
        4,
        2,
        True,
        True,
    )


def test_a_section_recorded_by_someone_else_first_becomes_a_conflict(kari, ingrid, record):
    form = kari[0].get(f"/records/{record.pk}/sections/medication/").content.decode()
    assert hidden(form, "version") == ""
    services.resource_create(
        record_id=record.pk, resource_type="medication", data={"drug_allergy": True}, actor=ingrid[1]
    )
    conflict = kari[0].post(
        f"/records/{record.pk}/sections/medication/", {"version": "", "medication_frequency": "Levaxin daily"}
    )
    assert conflict.status_code == 409
    body = conflict.content.decode()
    assert "When you started, nothing was recorded" in body
    kari[0].post(f"/records/{record.pk}/sections/medication/", {**carried(body), "resolve": "choose"})
    saved = Medication.objects.get(record=record)
    assert (saved.version, saved.drug_allergy, saved.medication_frequency) == (2, True, "Levaxin daily")


def test_an_appointment_conflict_keeps_the_fetal_rows_she_entered(kari, ingrid, record, pregnancy):
    visit = services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date(2026, 3, 1)},
        actor=kari[1],
    )
    item_url = f"/records/{record.pk}/sections/antenatalAppointments/{visit.pk}/"
    services.resource_update(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        resource_id=visit.pk,
        version=1,
        data={"appointment_date": date(2026, 3, 1), "blood_pressure": "130/85"},
        actor=ingrid[1],
    )
    conflict = kari[0].post(
        item_url,
        {
            "version": "1",
            "appointment_date": "2026-03-01",
            "fetuses_vital_signs-rows": "1",
            "fetuses_vital_signs-0-foster": "1",
            "fetuses_vital_signs-0-fhr": "144",
            "fetuses_vital_signs-0-movements": "True",
        },
    )
    assert conflict.status_code == 409
    body = conflict.content.decode()
    assert "Fetus 1: heart rate 144, movements felt" in body
    mine = json.loads(hidden(body, "mine"))
    assert mine["fetuses_vital_signs-0-fhr"] == "144"
    kari[0].post(item_url, {**carried(body), "resolve": "choose"})
    visit.refresh_from_db()
    assert visit.version == 3
    assert visit.blood_pressure == "130/85"
    assert visit.fetuses_vital_signs == [
        {"fosterId": 1, "fetalHeartRate": 144, "motherFeelsBabyMovements": True}
    ]


def test_a_tampered_conflict_form_saves_nothing(kari, ingrid, record, pregnancy):
    ingrid_saves(record, ingrid, 1, number_of_fetuses=2)
    bad_json = kari[0].post(
        edit_url(record), {"version": "2", "base_version": "1", "mine": "{not json", "resolve": "mine"}
    )
    assert bad_json.status_code == 400
    bad_value = kari[0].post(
        edit_url(record),
        {
            "version": "2",
            "base_version": "1",
            "mine": json.dumps({"number_of_fetuses": "99"}),
            "resolve": "mine",
        },
    )
    assert bad_value.status_code == 400
    assert "less than or equal to 8" in bad_value.content.decode()
    assert CurrentPregnancy.objects.get(pk=pregnancy.pk).version == 2


def test_nothing_she_typed_is_lost_when_the_active_location_changes_meanwhile(kari, record, location_b):
    """A save refused for a reason other than a version (care was pulled away) gives her form back, filled."""
    form = kari[0].get(f"/records/{record.pk}/sections/mother/")
    assert form.status_code == 200
    other = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location_b, name="Other", source_system="x"
    )
    services.stakeholder_grant(record=record, care_location=location_b, reason="API_ACCESS")
    services.care_pull(record_id=record.pk, actor=other)
    response = kari[0].post(f"/records/{record.pk}/sections/mother/", {"version": "", "name": "Nora Hansen"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "only by the active Care Location, Munkholmen jordmortjeneste" in body
    assert 'value="Nora Hansen"' in body
    assert not Mother.objects.filter(record=record).exists()


def test_a_refusal_while_resolving_a_conflict_keeps_what_she_entered(kari, ingrid, record, location_b):
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Nora"}, actor=kari[1]
    )
    services.resource_update(
        record_id=record.pk, resource_type="mother", version=1, data={"name": "Nora H."}, actor=ingrid[1]
    )
    conflict = kari[0].post(f"/records/{record.pk}/sections/mother/", {"version": "1", "name": "Nora Hansen"})
    assert conflict.status_code == 409
    other = Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location_b, name="Other")
    services.stakeholder_grant(record=record, care_location=location_b, reason="API_ACCESS")
    services.care_pull(record_id=record.pk, actor=other)
    response = kari[0].post(
        f"/records/{record.pk}/sections/mother/", {**carried(conflict.content.decode()), "resolve": "mine"}
    )
    assert response.status_code == 403
    assert 'value="Nora Hansen"' in response.content.decode()
    assert Mother.objects.get(record=record).name == "Nora H."

"""The record's pages in Bokmål (issue 22): a midwife whose browser asks for Norwegian reads the record page,
its refusals, its history and its form errors in Bokmål, with Norwegian dates and decimal commas, while the
audit trail keeps its English."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from maternity import services
from maternity.actors import Actor
from maternity.models import AccessLog, StakeholderReason, UserType
from maternity.web.forms.nested import FetusesField
from maternity.web.views.record import _percent_change

from .conftest import midwife

NORWEGIAN = {"HTTP_ACCEPT_LANGUAGE": "nb-NO,nb;q=0.9,en;q=0.5"}
EDD = date(2026, 12, 4)


@pytest.fixture
def kari(location_a):
    return midwife("kari", location_a)


@pytest.fixture
def ingrid(record, location_b):
    """A midwife at a stakeholder location that is not the active one."""
    services.stakeholder_grant(record=record, care_location=location_b, reason=StakeholderReason.API_ACCESS)
    return midwife("ingrid", location_b, "Ingrid Haugen")


@pytest.fixture
def dated(record, kari):
    _, actor = kari
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Nora Hansen"}, actor=actor
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="currentPregnancy",
        data={"due_date_corrected_date": EDD},
        actor=actor,
    )
    record.refresh_from_db()
    return record


def norwegian_page(client, url: str):
    response = client.get(url, **NORWEGIAN)
    return response, response.content.decode()


def test_the_record_page_speaks_bokmal_with_a_norwegian_due_date(kari, dated):
    response, page = norwegian_page(kari[0], f"/records/{dated.pk}/")
    assert response.status_code == 200
    assert '<html lang="nb">' in page
    assert "Fastsatt termin" in page and "4. des. 2026" in page
    assert "Ansvarlig behandlingssted" in page and "(der du jobber)" in page
    assert "Journalens deler" in page  # the sections' navigation, read aloud
    assert "Ikke registrert." in page and "Legg til" in page and "Historikk" in page
    assert "Sist endret" in page and " kl. " in page  # "Sist endret 6. des. 2026 kl. 19:02 av Kari Jordmor"
    for english in ("Agreed EDD", "Not recorded.", "Last changed", "Active Care Location"):
        assert english not in page, english


def test_a_refusal_is_told_in_bokmal_but_audited_in_english(ingrid, dated):
    client, _ = ingrid
    record_page = norwegian_page(client, f"/records/{dated.pk}/")[1]
    assert "bare endres av det ansvarlige behandlingsstedet, St Olavs hospital, fødeavdelingen" in record_page
    response, page = norwegian_page(client, f"/records/{dated.pk}/sections/mother/")
    assert response.status_code == 403
    assert "Bare det ansvarlige behandlingsstedet kan endre sentrale personopplysninger" in page
    assert "Du jobber for Munkholmen jordmortjeneste." in page
    assert "Overta ansvaret" in page and "Tilbake til journalen" in page
    entry = AccessLog.objects.filter(record_id=dated.pk).order_by("-id").first()
    assert "may be changed only by the active Care Location" in entry.detail
    assert "behandlingssted" not in entry.detail


def test_the_history_compares_versions_in_bokmal(kari, dated, location_a):
    epj = Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_a,
        name="Per Lege",
        source_system="Test EPJ 1.0",
    )
    services.resource_update(
        record_id=dated.pk,
        resource_type="mother",
        version=1,
        data={"name": "Nora Berg"},
        actor=epj,
    )
    response, page = norwegian_page(kari[0], f"/records/{dated.pk}/sections/mother/history/")
    assert response.status_code == 200
    assert "Versjoner" in page and "Sammenlign med versjon 1" in page
    assert "<strong>1 felt endret:</strong>" in page and "Før den ble registrert" in page
    assert "Per Lege" in page and " kl. " in page  # "6. des. 2026 kl. 19:02"
    response, page = norwegian_page(kari[0], f"/records/{dated.pk}/sections/mother/history/?b=9")
    assert response.status_code == 400
    assert "Det finnes ingen versjon «9». Versjonene er 1, 2." in page


def test_the_fetal_rows_say_what_is_wrong_in_bokmal():
    field = FetusesField()
    with translation.override("nb"), pytest.raises(ValidationError) as refused:
        field.clean([{"foster": "1", "fhr": "300", "lie": "", "movements": "", "note": ""}])
    assert refused.value.messages == ["Foster 1: hjertefrekvens må være mellom 50 og 240, ikke 300."]


def test_the_weight_lost_since_birth_has_a_decimal_comma_in_bokmal():
    with translation.override("nb"):
        assert _percent_change(7.5) == "−7,5 %"
        assert _percent_change(-2.0) == "+2 %"
    with translation.override("en"):
        assert _percent_change(7.5) == "−7.5%"

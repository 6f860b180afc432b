"""The clinical words in Bokmål: the record's sections and fields, the alerts and the EPDS questions read
in Norwegian on a Norwegian page, with Norwegian dates and decimal commas, while what the record stores
(an acknowledged alert's detail) stays in English."""

from datetime import date

import pytest
from django.utils import timezone, translation

from maternity import services
from maternity.models import AlertAcknowledgement
from maternity.presentation import specs
from maternity.rules import flags, postnatal
from maternity.rules.resources import RESOURCE_TYPES
from maternity.rules.visit_schedule import NORWAY
from maternity.tests.web.alerts_factories import set_haemoglobin
from maternity.tests.web.conftest import midwife
from maternity.tests.web.factories import edd_at, make_pregnancy


@pytest.fixture(autouse=True)
def _language_restored():
    """A page asked for in Bokmål leaves Bokmål active in this thread (LocaleMiddleware does not undo it):
    the tests after these run in the language they started in."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def kari(location_a):
    client, actor = midwife("kari", location_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nb"
    return client, actor


@pytest.fixture
def flagged(kari):
    """At 37+0: BP 165/112 at today's appointment and Hb 10.1 in the third trimester."""
    _, actor = kari
    record = make_pregnancy(actor, name="Alert Aas", edd=edd_at(37))
    services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": timezone.localdate(), "blood_pressure": "165/112"},
        actor=actor,
    )
    set_haemoglobin(actor, record, at_booking=12.0, third_trimester=10.1)
    return record


def test_the_record_page_in_bokmal_names_its_sections_and_alerts_in_norwegian(kari, flagged):
    client, _ = kari
    body = client.get(f"/records/{flagged.pk}/").content.decode()
    for title in ("Svangerskapskontroller", "Symfyse-fundus-mål", "Prøvesvar", "Personopplysninger"):
        assert title in body
    assert "Alvorlig hypertensjon ved siste svangerskapskontroll: 165/112 mmHg." in body
    assert "Hemoglobin 10,1 g/dL i tredje trimester: under 10,5 g/dL (105 g/L), anemi." in body
    assert "Antenatal appointments" not in body and "Severe hypertension" not in body


def test_an_alert_acknowledged_on_a_bokmal_page_is_kept_in_english_and_shown_in_norwegian(kari, flagged):
    client, _ = kari
    alert = next(
        a for a in client.get(f"/records/{flagged.pk}/").context["alerts"] if a.flag.code == "hb-low"
    )
    response = client.post(
        f"/records/{flagged.pk}/alerts/acknowledge/",
        {"alert_code": "hb-low", "subject": alert.flag.subject, "action_taken": "Jerntilskudd startet."},
    )
    assert response.status_code == 302
    ack = AlertAcknowledgement.objects.get(record=flagged)
    assert ack.alert_detail == (
        "Haemoglobin 10.1 g/dL in the third trimester: below 10.5 g/dL (105 g/L), anaemia."
    )
    body = client.get(f"/records/{flagged.pk}/").content.decode()
    assert "Kvitterte varsler" in body
    with translation.override("nb"):  # the stored code, named in the page's language
        shown = specs.display(RESOURCE_TYPES["alertAcknowledgements"], "alert_code", ack.alert_code)
    assert shown == "Lav hemoglobin (hb-low)"


def test_the_alerts_read_in_bokmal_with_norwegian_dates_and_decimal_commas():
    with translation.override("nb"):
        late = flags.overdue(agreed_edd=date(2026, 12, 4), today=date(2026, 12, 6))
        assert late is not None
        assert (late.label, late.detail) == ("Over termin 40+2", "2 dager over termin (4. des. 2026).")
        low = flags.sfh_outside_centiles(
            measurement_cm=20, measurement_date=date(2026, 12, 4), agreed_edd=None, pregnancy_week=32
        )
        assert low is not None
        assert low.detail == "Siste SF-mål 20 cm ved 32+0, 4. des. 2026: under 3. persentil."
        loss = postnatal.weight_loss_flag(birth_weight=3500, weight=3100)
        assert loss is not None and loss.label == "Vekttap 11,4 %"
    with translation.override("en"):
        late = flags.overdue(agreed_edd=date(2026, 12, 4), today=date(2026, 12, 6))
        assert late is not None and late.detail == "2 days past the agreed EDD (4 Dec 2026)."


def test_the_record_words_the_epds_and_the_schedule_read_in_bokmal():
    appointments = RESOURCE_TYPES["antenatalAppointments"]
    with translation.override("nb"):
        assert specs.display(appointments, "appointment_date", date(2026, 12, 4)) == "4. des. 2026"
        assert specs.display(appointments, "mother_weight", 71.5) == "71,5"
        assert specs.display(appointments, "appointment_date", None) == "Ikke registrert"
        assert specs.label(appointments, "blood_pressure") == "Blodtrykk (mmHg)"
        assert specs.section("bookings").an_item == "en time"
        assert specs.gestation_text(30, None) == "30 uker"
        question, answers = postnatal.EPDS_QUESTIONS[postnatal.EPDS_SELF_HARM_ITEM - 1]
        assert str(question) == "Tanken på å skade meg selv har falt meg inn"
        assert [str(text) for _, text in answers][-1] == "Aldri"
        assert str(NORWAY.visits[0].purpose) == "Første konsultasjon, innen uke 12"
    assert NORWAY.visits[0].purpose_in_english == "First consultation (booking), by 12 weeks"

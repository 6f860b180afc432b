"""The admin's own pages in Bokmål: an admin whose browser asks for Norwegian reads our texts, labels, choices
and dates in Norwegian, while what is stored (the admin's change log) stays English."""

from datetime import date

import pytest
from django.contrib.admin.models import LogEntry

from maternity import services

pytestmark = pytest.mark.django_db

RECORDS = "/admin/maternity/pregnancy/"
STAFF = "/admin/maternity/practitioner/"
LOCATIONS = "/admin/maternity/carelocation/"


@pytest.fixture
def nb_admin(client, admin_a):
    client.force_login(admin_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nb"
    return client


@pytest.fixture
def due_4_december(record, midwife_actor):
    services.resource_create(
        record_id=record.pk,
        resource_type="currentPregnancy",
        data={"due_date_corrected_date": date(2026, 12, 4)},
        actor=midwife_actor,
    )
    record.refresh_from_db()
    assert record.agreed_edd == date(2026, 12, 4)
    return record


@pytest.fixture
def kari(location_a):
    return services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a], hpr_nr="9144889"
    )


def test_record_deletion_page_is_in_bokmal_with_a_norwegian_date(nb_admin, due_4_december):
    response = nb_admin.post(
        RECORDS, {"action": "delete_whole_record", "_selected_action": [str(due_4_december.pk)]}
    )

    page = response.content.decode()
    assert response.status_code == 200 and response["Content-Language"] == "nb"
    assert "<title>Slett hele journalen" in page
    assert "Når en journal slettes, er den borte for godt" in page
    assert "Status: Aktiv" in page
    assert "Ansvarlig behandlingssted: St Olavs hospital" in page
    assert "fastsatt termin: 4. des. 2026" in page
    assert "1 tilgang for involverte:" in page
    assert "Hvorfor hele journalen slettes" in page  # the form's help text
    assert 'value="Ja, slett denne journalen for godt"' in page and "Nei, ta meg tilbake" in page
    assert ">Hjem</a>" in page
    assert "Will be deleted" not in page and "resources" not in page


def test_care_location_list_names_its_columns_filters_and_kinds_in_bokmal(nb_admin):
    page = nb_admin.get(LOCATIONS).content.decode()

    assert "Telefon og adresse" in page  # the column
    assert "kontaktopplysninger" in page and "Mangler telefon eller adresse" in page  # the filter
    assert "Fødeavdeling på sykehus" in page  # the kind, a model choice


def test_staff_form_speaks_bokmal_and_says_what_is_wrong_in_bokmal(nb_admin, location_a):
    response = nb_admin.post(
        f"{STAFF}add/",
        {
            "care_location": location_a.pk,
            "username": "ingrid",
            "display_name": "Ingrid Jordmor",
            "password1": "Fødselshjelp-2025-kveld",
            "password2": "Fødselshjelp-2025-natt",
        },
    )

    page = response.content.decode()
    assert "Første passord en gang til" in page and "Administrator for behandlingsstedet" in page
    assert "De to passordene er ikke like." in page


def test_an_action_tells_in_bokmal_and_logs_in_english(nb_admin, location_a, kari):
    response = nb_admin.post(
        STAFF,
        {"action": "make_location_admin", "_selected_action": [str(kari.practitioner.pk)]},
        follow=True,
    )

    assert f"Kari Jordmor: Administrator for {location_a.name}." in response.content.decode()
    logged = LogEntry.objects.get(object_id=str(kari.practitioner.pk))
    assert logged.change_message == f"Admin of {location_a.name}."  # stored, so in English


def test_a_client_systems_form_says_what_is_wrong_in_bokmal(nb_admin, client_a, settings):
    settings.SPINE_TOKEN_ISSUERS = [{"issuer": "https://helseid-sts.test.nhn.no", "audience": "nhn:mr"}]
    change = f"/admin/spine/spineclient/{client_a.client.pk}/change/"

    response = nb_admin.post(
        change,
        {"token_issuer": "https://helseid-sts.test.nhn.no", "token_client_id": "", "record_filter": []},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Oppgi både tokenutstederen og klient-ID-en hos den, eller ingen av dem." in page
    assert "Tokenutsteder" in page and "Journalfilter" in page and "Bytt hemmelighet …" in page

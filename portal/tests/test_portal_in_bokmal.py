"""The portal in Bokmål: her pages, her birth plan, a refusal, her emails and the page her phone shows offline
speak plain Bokmål to her, with Norwegian dates ("4. des. 2026"), while the audit trail stays English. Her
emails are written in the language of her own pages, not in that of the midwife whose action sends them."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation

from maternity import services
from maternity.actors import Actor
from maternity.models import AccessLog, UserType
from portal.models import NotificationPreference
from portal.notifications import birth_plan_read_message, remember_language

pytestmark = pytest.mark.django_db

NB = {"HTTP_ACCEPT_LANGUAGE": "nb"}
MONTHS = ["jan.", "feb.", "mar.", "apr.", "mai", "jun.", "jul.", "aug.", "sept.", "okt.", "nov.", "des."]


def norwegian(day) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def with_edd(record, actor, edd):
    services.resource_create(
        record_id=record.pk,
        resource_type="currentPregnancy",
        data={"due_date": edd, "date_last_period": edd - timedelta(days=280), "number_of_fetuses": 1},
        actor=actor,
    )


def as_her(patient) -> Actor:
    return Actor(
        user_type=UserType.PATIENT, user=patient, name="Astrid Berg", source_system="maternity portal"
    )


def test_her_overview_and_pregnancy_page_speak_bokmal_with_norwegian_dates(portal, record, midwife_actor):
    edd = timezone.localdate() + timedelta(days=80)
    with_edd(record, midwife_actor, edd)

    home = portal.get("/portal/", **NB).content.decode()
    assert '<html lang="nb">' in home
    assert "Hei, Astrid" in home and "Svangerskapet ditt nå" in home
    assert f"Termin {norwegian(edd)}" in home
    assert "Du følges opp av St Olavs hospital, fødeavdelingen" in home
    assert "Your pregnancy now" not in home and "Looked after by" not in home

    page = portal.get(f"/portal/pregnancies/{record.pk}/", **NB).content.decode()
    assert "<h1>Svangerskapet ditt</h1>" in page
    assert "Svangerskapskontroller" in page and "Hva målingene betyr" in page
    assert "Hvem har sett journalen din" in page
    assert "Hvem du kan kontakte" in page and "Ring 113" in page
    assert 'data-offline="Du er uten nett. Dette er kopien som er lagret på telefonen."' in page


def test_her_birth_plan_asks_in_bokmal_and_says_when_she_saved_it(portal, record, patient):
    services.birth_plan_save(
        record_id=record.pk, version=None, data={"pain_relief": "Lystgass"}, actor=as_her(patient)
    )
    page = portal.get(f"/portal/pregnancies/{record.pk}/birth-plan/", **NB).content.decode()
    assert "<h1>Fødselsplanen din</h1>" in page
    assert "Hvor vil du føde?" in page and "Smertelindring" in page
    assert re.search(r"Høyst \d+ tegn\.", page)
    assert "Ikke lest ennå." in page
    saved = timezone.localtime(record.birthplan.last_updated)
    assert f"Du lagret planen sist {norwegian(saved)} kl. {saved:%H:%M}." in page
    assert "Lagre fødselsplanen" in page


def test_a_refused_email_address_is_explained_in_bokmal_and_audited_in_english(portal, record):
    response = portal.post(
        "/portal/notifications/", {"email": "not-an-address", "on_break_glass": "on"}, **NB
    )
    assert response.status_code == 400
    assert "&#x27;not-an-address&#x27; er ikke en e-postadresse. Sjekk den og prøv igjen." in (
        response.content.decode()
    )
    entry = AccessLog.objects.filter(resource_type="notificationPreference").get()
    assert entry.detail.endswith(
        "Email choices refused: 'not-an-address' is not an email address. Check it and try again."
    )


def test_her_email_is_in_the_language_of_her_pages_not_the_midwifes(
    portal, record, patient, midwife_actor, mailoutbox, django_capture_on_commit_callbacks
):
    portal.post("/portal/notifications/", {"email": "astrid@example.no", "on_birth_plan_read": "on"}, **NB)
    assert NotificationPreference.objects.get(person=record.person).language == "nb"
    services.birth_plan_save(
        record_id=record.pk, version=None, data={"feeding": "Amme"}, actor=as_her(patient)
    )

    with (
        translation.override("en"),
        django_capture_on_commit_callbacks(execute=True),
    ):  # her midwife's English
        services.birth_plan_acknowledge(record_id=record.pk, version=1, actor=midwife_actor)

    (email,) = mailoutbox
    assert email.subject == "Fødselsplanen din er lest"
    assert "Jordmoren din merket fødselsplanen din som lest" in email.body
    assert " kl. " in email.body and "Du får denne e-posten fordi du har bedt om det." in email.body
    assert "Your" not in email.body


def test_signing_in_in_english_makes_her_emails_english_and_a_date_reads_as_norwegian_in_bokmal(
    record, patient
):
    NotificationPreference.objects.create(person=record.person, email="a@example.no", language="nb")
    remember_language(patient, "en")
    assert NotificationPreference.objects.get(person=record.person).language == "en"

    at = timezone.make_aware(datetime(2026, 12, 4, 14, 30))
    with translation.override("nb"):
        message = birth_plan_read_message(record, at)
    assert message.body.startswith("Jordmoren din merket fødselsplanen din som lest 4. des. 2026 kl. 14:30.")
    with translation.override("en"):
        assert "read on 4 Dec 2026 at 14:30." in birth_plan_read_message(record, at).body


def test_the_page_her_phone_shows_offline_and_the_app_name_are_in_bokmal(client):
    page = client.get("/portal/offline/", **NB).content.decode()
    assert '<html lang="nb">' in page
    assert "<h1>Du er uten nett</h1>" in page and "Åpne den igjen når du har nett." in page
    manifest = client.get("/portal/manifest.webmanifest", **NB).json()
    assert manifest["name"] == "Mitt svangerskap" and manifest["lang"] == "nb"

"""Which language a page speaks: hers if she chose one (the switch on every page), else her browser's, else
the deployment's; and the APIs always English. Dates and numbers follow the page's language."""

import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.test import Client, override_settings
from django.utils import formats, translation

NORWEGIAN_BROWSER = "nb-NO,nb;q=0.9,no;q=0.8,nn;q=0.7,en-US;q=0.6,en;q=0.5"


def test_a_norwegian_browser_gets_the_pages_in_bokmal(db):
    response = Client().get("/login/", HTTP_ACCEPT_LANGUAGE=NORWEGIAN_BROWSER)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nb">' in page
    assert "Svangerskapsjournal" in page and "Maternity record" not in page
    assert response.headers["Content-Language"] == "nb"
    assert "Accept-Language" in response.headers["Vary"]  # a shared cache keeps the two apart


def test_a_browser_asking_for_norwegian_in_general_or_nynorsk_gets_bokmal_before_english(db):
    for asked in ("no", "nn-NO,nn;q=0.9,en;q=0.8", "no-NO,en;q=0.5"):
        page = Client().get("/login/", HTTP_ACCEPT_LANGUAGE=asked).content.decode()
        assert '<html lang="nb">' in page, asked


def test_an_english_browser_gets_the_pages_in_english(db):
    page = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="en">' in page and "Maternity record" in page


@override_settings(PAGE_LANGUAGE_CODE="nb")
def test_a_browser_that_asks_for_neither_gets_the_deployments_language(db):
    page = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert '<html lang="nb">' in page
    page = Client().get("/login/").content.decode()
    assert '<html lang="nb">' in page


def test_her_choice_on_the_switch_outlasts_her_browsers_language_and_is_kept_for_a_year(db):
    browser = Client(HTTP_ACCEPT_LANGUAGE=NORWEGIAN_BROWSER)
    switch = browser.get("/login/").content.decode()
    assert 'name="language" value="en" lang="en">English</button>' in switch  # the other language, in itself

    chosen = browser.post("/i18n/setlang/", {"language": "en", "next": "/login/?next=/tasks/"})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/login/?next=/tasks/"
    cookie = chosen.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["max-age"] == 365 * 24 * 60 * 60 and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert '<html lang="en">' in browser.get("/login/").content.decode()

    page = browser.get("/portal/login/").content.decode()
    assert '<html lang="en">' in page and 'value="nb" lang="nb">Norsk (bokmål)</button>' in page


def test_the_switch_ignores_a_language_we_do_not_speak_and_a_way_out_of_the_site(db):
    browser = Client(HTTP_ACCEPT_LANGUAGE=NORWEGIAN_BROWSER)
    unknown = browser.post("/i18n/setlang/", {"language": "xx", "next": "/login/"})
    assert settings.LANGUAGE_COOKIE_NAME not in unknown.cookies
    assert '<html lang="nb">' in browser.get("/login/").content.decode()

    away = browser.post("/i18n/setlang/", {"language": "en", "next": "https://elsewhere.example/"})
    assert away.status_code == 302 and away.headers["Location"] == "/"


def test_the_switch_needs_the_pages_csrf_token(db):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 403


def test_the_record_api_answers_in_english_whatever_the_caller_asks(db):
    response = Client().get("/api/maternity-record/v1/status", HTTP_ACCEPT_LANGUAGE=NORWEGIAN_BROWSER)
    assert response.status_code == 401
    assert response.json()["errorMessage"].startswith("Authentication required")
    assert "Content-Language" not in response.headers
    fhir = Client().get("/spine/fhir/metadata", HTTP_ACCEPT_LANGUAGE="nb", HTTP_COOKIE="language=nb")
    assert "Content-Language" not in fhir.headers


def test_dates_times_and_numbers_read_as_in_norway_on_bokmal_pages():
    day, moment = date(2026, 12, 4), datetime(2026, 12, 4, 14, 30)
    with translation.override("nb"):
        assert formats.date_format(day, "DATE_FORMAT") == "4. des. 2026"
        assert formats.date_format(date(2026, 5, 17), "DATE_FORMAT") == "17. mai 2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "4. des. 2026 kl. 14:30"
        assert formats.date_format(moment, "TIME_FORMAT") == "14:30"
        assert formats.date_format(day, "MONTH_DAY_FORMAT") == "4. des."
        assert formats.number_format(Decimal("31.5"), 1) == "31,5"
        assert formats.localize(2.25) == "2,25"
    with translation.override("en"):
        assert formats.date_format(day, "DATE_FORMAT") == "4 Dec 2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "4 Dec 2026, 14:30"
        assert formats.date_format(moment, "TIME_FORMAT") == "14:30"
        assert formats.number_format(Decimal("31.5"), 1) == "31.5"


def test_a_deployment_language_we_do_not_speak_stops_the_start_with_the_reason():
    environment = {**os.environ, "DJANGO_LANGUAGE_CODE": "de"}
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert started.returncode != 0
    assert "DJANGO_LANGUAGE_CODE must be one of nb, en, not 'de'" in started.stderr


def test_outside_a_page_everything_runs_in_english_whatever_the_pages_default():
    environment = {**os.environ, "DJANGO_LANGUAGE_CODE": "nb"}
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "from django.utils import translation; from maternity.models import Pregnancy; "
            "print(settings.PAGE_LANGUAGE_CODE, translation.get_language(), Pregnancy._meta.verbose_name)",
        ],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert started.stdout.split() == ["nb", "en", "pregnancy"], started.stderr

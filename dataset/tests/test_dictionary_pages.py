"""The data dictionary's page: public (whoever calls, signed in or not), with the data set's version and its
release, every resource type and field, a server-side filter that never fails, in Bokmål and English, and at
one query whatever it shows."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from conftest import fetch_token
from dataset.dictionary import dictionary
from dataset.models import DataSetRelease
from dataset.versions import DATA_SET_VERSION
from maternity import services
from maternity.rules.resources import RESOURCE_TYPES

pytestmark = pytest.mark.django_db

PAGE = "/data-set/"
ENGLISH = {"Accept-Language": "en"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def callers(location_a, client_a, record):
    """Everyone who might open it: nobody signed in, a midwife, the pregnant person, a Care Location's admin,
    the national administration, and a client system with its token."""
    users = get_user_model().objects
    midwife = services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a], hpr_nr="9144889"
    )
    patient = users.create_user(username="astrid")
    record.person.user = patient
    record.person.save(update_fields=["user"])
    location_admin = users.create_user(username="admin_a", is_staff=True)
    location_a.admins.add(location_admin)
    token = fetch_token(client_a.client_id, client_a.client_secret)
    return {
        "anonymous": (Client(), {}),
        "a midwife": (signed_in(midwife), {}),
        "the pregnant person": (signed_in(patient), {}),
        "a Care Location admin": (signed_in(location_admin), {}),
        "the national administration": (signed_in(users.create_superuser(username="national")), {}),
        "a client system": (Client(), {"Authorization": f"Bearer {token}"}),
    }


def test_everyone_reads_the_dictionary_and_its_downloads_without_signing_in(callers):
    for who, (client, headers) in callers.items():
        for url in (PAGE, "/data-set/dictionary.json", "/data-set/dictionary.csv", "/data-set/changelog/"):
            response = client.get(url, headers={**ENGLISH, **headers})
            assert response.status_code == 200, (who, url)
            assert "login" not in response.get("Location", ""), (who, url)


def test_the_page_names_the_version_says_it_is_not_yet_released_and_links_its_downloads(client):
    page = client.get(PAGE, headers=ENGLISH).content.decode()

    assert f"Data set version {DATA_SET_VERSION}" in page
    assert "not yet released" in page
    for link in (
        'href="/data-set/dictionary.json"',
        'href="/data-set/dictionary.csv"',
        'href="/api/schema/"',
    ):
        assert link in page
    assert 'href="/data-set/changelog/"' in page


def test_the_page_says_the_release_date_once_the_version_is_released(client):
    DataSetRelease.objects.create(version=DATA_SET_VERSION, released_on=date(2027, 1, 15))

    page = client.get(PAGE, headers=ENGLISH).content.decode()

    assert "released 15 Jan 2027" in page and "not yet released" not in page


def test_another_versions_release_does_not_date_this_one(client):
    DataSetRelease.objects.create(version="1.4.9", released_on=date(2027, 1, 15))

    assert "not yet released" in client.get(PAGE, headers=ENGLISH).content.decode()


def test_every_resource_type_and_every_field_is_on_the_page(client):
    page = client.get(PAGE, headers=ENGLISH).content.decode()

    for resource in dictionary("en").resources:
        assert f'id="{resource.name}"' in page
        assert f'href="#{resource.name}"' in page
        for field in resource.fields:
            assert f'id="{field.anchor}"' in page, field.name
    assert page.count('<tr id="') == sum(len(r.fields) for r in dictionary("en").resources)


def test_a_section_says_nhn_or_extension_the_fhir_type_and_each_fields_rules(client):
    page = client.get(PAGE, headers=ENGLISH).content.decode()
    appointments = page[page.index('id="antenatalAppointments"') : page.index('id="symphysisFundalHeights"')]
    labour = page[page.index('id="labour"') : page.index('id="bookings"')]

    assert "NHN" in appointments and "Encounter" in appointments
    assert "This project (an extension to NHN" in labour and "Procedure" in labour
    blood_pressure = appointments[appointments.index('id="antenatalAppointments-bloodPressure"') :]
    blood_pressure = blood_pressure[: blood_pressure.index("</tr>")]
    assert "Blood pressure (mmHg)" in blood_pressure
    assert "mm[Hg]" in blood_pressure and "at most 7 characters" in blood_pressure
    assert r"^\d{2,3}/\d{2,3}$" in blood_pressure
    assert "added in 1.0.0" in blood_pressure
    assert "Encounter.<wbr>extension[nhn-resource].<wbr>extension[bloodPressure]" in blood_pressure


def test_a_coded_field_shows_its_code_system_and_codes_in_the_pages_language(client):
    english = client.get(PAGE, headers=ENGLISH).content.decode()
    norwegian = client.get(PAGE, headers={"Accept-Language": "nb"}).content.decode()

    assert "<code>VOLVEN_9043</code> Country" in english and "<code>NOR</code> Norway" in english
    assert "<code>VOLVEN_9043</code> Land" in norwegian and "<code>NOR</code> Norge" in norwegian


def test_the_sections_kept_from_one_request_come_back_in_the_next_ones_language(client):
    """The resource sections are rendered once per language and filter and kept (dataset/views/dictionary.py):
    each language and filter gets its own."""
    for _ in range(2):
        english = client.get(f"{PAGE}?resource=mother", headers=ENGLISH).content.decode()
        norwegian = client.get(f"{PAGE}?resource=mother", headers={"Accept-Language": "nb"}).content.decode()
        assert "<code>NOR</code> Norway" in english and "<code>NOR</code> Norge" not in english
        assert "<code>NOR</code> Norge" in norwegian and "<code>NOR</code> Norway" not in norwegian
        assert 'id="currentPregnancy"' not in english + norwegian  # only the resource type asked for
    assert 'id="currentPregnancy"' in client.get(PAGE, headers=ENGLISH).content.decode()


def test_the_page_speaks_bokmal(client):
    page = client.get(PAGE, headers={"Accept-Language": "nb"}).content.decode()

    assert '<html lang="nb">' in page
    assert "Datasettversjon" in page and "Dataordbok" in page
    assert "Svangerskapskontroller" in page  # the section's title, as the record page says it


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        (
            "q=blood+pressure",
            ["antenatalAppointments-bloodPressure", "postnatalMotherVisits-bloodPressure"],
            ["births-sex"],
        ),
        ("q=PRESSURE+blood", ["antenatalAppointments-bloodPressure"], ["mother-name"]),  # any order, any case
        ("q=stimuliType", ["lifestyleFactors-stimuli-stimuliType"], ["lifestyleFactors-note"]),
        ("resource=births", ["births-sex", "births-birthTime"], ["mother-name"]),
        ("resource=births&q=apgar", ["births-apgar1Minute"], ["births-sex", "mother-name"]),
        (
            "q=bookings",
            ["bookings-startsAt", "bookings-note"],
            ["births-note"],
        ),  # a resource type's name: all of it
    ],
)
def test_the_filter_shows_the_matching_fields(client, query, shown, hidden):
    page = client.get(f"{PAGE}?{query}", headers=ENGLISH).content.decode()

    for anchor in shown:
        assert f'id="{anchor}"' in page, anchor
    for anchor in hidden:
        assert f'id="{anchor}"' not in page, anchor
    assert "shown." in page


def test_a_search_that_matches_nothing_says_so(client):
    response = client.get(f"{PAGE}?q=xylophone", headers=ENGLISH)

    assert response.status_code == 200
    assert "0 fields shown." in response.content.decode() and "No field matches." in response.content.decode()


@pytest.mark.parametrize("resource", ["notAResource", "<script>alert(1)</script>", "x" * 5000, "births\t"])
def test_an_unknown_resource_type_is_said_clearly_not_a_server_error(client, resource):
    response = client.get(PAGE, {"resource": resource}, headers=ENGLISH)

    assert response.status_code == 200
    page = response.content.decode()
    if resource.strip() in RESOURCE_TYPES:
        assert 'id="births-sex"' in page  # a tab around a name is space
        return
    assert "The data set has no resource type called" in page
    assert "<script>alert(1)</script>" not in page
    assert len(page) < 100_000


def test_a_search_too_long_to_be_one_is_refused_with_a_clear_message(client):
    response = client.get(PAGE, {"q": "blood " * 100}, headers=ENGLISH)

    assert response.status_code == 400
    assert "A search is at most 200 characters: shorten it." in response.content.decode()


@pytest.mark.parametrize(
    "params", ["q=a&q=b&resource=births&resource=mother", "q=%E2%80%8B", "q=%F0%9F%A4%B0"]
)
def test_repeated_or_unusual_parameters_are_answered(client, params):
    assert client.get(f"{PAGE}?{params}", headers=ENGLISH).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_page_only_reads(client, method):
    assert getattr(client, method)(PAGE).status_code == 405


@pytest.mark.parametrize(
    "url", [PAGE, f"{PAGE}?q=blood", f"{PAGE}?resource=labour", "/data-set/dictionary.json"]
)
def test_each_costs_one_query_for_anyone_and_three_for_someone_signed_in(
    client, django_assert_num_queries, django_assert_max_num_queries, location_a, url
):
    client.get(url)  # the dictionary is made once per language in a process
    with django_assert_num_queries(1):  # the release row
        assert client.get(url).status_code == 200
    midwife = services.practitioner_create(
        username="kari", display_name="Kari Jordmor", care_locations=[location_a], hpr_nr="9144889"
    )
    browser = signed_in(midwife)
    with django_assert_max_num_queries(3):  # and the session and the user
        assert browser.get(url).status_code == 200


def test_the_csv_costs_no_query(client, django_assert_num_queries):
    client.get("/data-set/dictionary.csv")
    with django_assert_num_queries(0):
        assert client.get("/data-set/dictionary.csv").status_code == 200

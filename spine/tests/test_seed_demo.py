"""manage.py seed_demo: the demo cast, its clinical flags, its printed credentials, and running it twice."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from conftest import API, fetch_token
from maternity.models import (
    AntenatalAppointment,
    CareLocation,
    ClinicalTests,
    Person,
    Practitioner,
    Pregnancy,
    RecordStatus,
    RhesusDNegative,
    SymphysisFundalHeight,
)
from maternity.rules.clinical import gestation_days, sfh_centile_value
from maternity.rules.identifiers import is_test_number, parse_national_id
from spine.management.commands.seed_demo import LOCATIONS, PEOPLE, demo_nin, planned_gestation_days
from spine.models import SpineClient

pytestmark = pytest.mark.django_db
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def printed(name: str, output: str) -> str:
    return re.search(rf"{name}:\s+(\S+)", output)[1]


def api_get(token: str, path: str, nin: str):
    headers = {
        "Authorization": f"Bearer {token}",
        "nhn-source-system": "Demo EPJ 1.0",
        "nhn-patient-nin": nin,
    }
    return Client().get(f"{API}/{path}", headers=headers)


def counts() -> dict[str, int]:
    return {
        "locations": CareLocation.objects.count(),
        "practitioners": Practitioner.objects.count(),
        "people": Person.objects.count(),
        "records": Pregnancy.objects.count(),
        "appointments": AntenatalAppointment.objects.count(),
        "sfh": SymphysisFundalHeight.objects.count(),
    }


@pytest.fixture(scope="module")
def output(django_db_setup, django_db_blocker) -> str:
    """Seed once for the module inside a transaction that is rolled back afterwards; each test runs in a
    savepoint within it, so a test that writes (running the command twice) leaves the others unchanged."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
        yield run_seed_demo()
        transaction.set_rollback(True)


def test_seed_creates_three_kinds_of_location_with_two_midwives_each(output):
    locations = list(CareLocation.objects.all())
    assert len(locations) == 3
    assert len({location.kind for location in locations}) == 3
    assert all(len(location.org_nr) == 9 and location.org_nr.isdigit() for location in locations)
    for location in locations:
        midwives = Practitioner.objects.filter(user__groups=location.group)
        assert midwives.count() == 2
        assert all(m.role_code == "JO" and m.hpr_nr for m in midwives)


def test_seed_creates_eight_synthetic_people_with_active_records(output):
    assert len(PEOPLE) == 8
    assert Person.objects.count() == 8
    assert Pregnancy.objects.filter(status=RecordStatus.ACTIVE).count() == 8
    assert AntenatalAppointment.objects.count() > 0
    assert SymphysisFundalHeight.objects.count() > 0
    for person in Person.objects.all():
        assert is_test_number(parse_national_id(person.identifier_value, person.identifier_system))


def test_every_record_is_at_its_planned_gestation_today(output):
    today = timezone.localdate()
    for demo in PEOPLE:
        record = Pregnancy.objects.get(person__identifier_value=demo_nin(demo), status=RecordStatus.ACTIVE)
        assert gestation_days(edd=record.agreed_edd, on=today) == planned_gestation_days(demo), demo.name
        assert record.mother.name == demo.name
        assert all(a.appointment_date < today for a in record.antenatalappointments.all())


def test_printed_client_credentials_obtain_a_token_that_reads_the_status(output):
    token = fetch_token(printed("client_id", output), printed("client_secret", output))
    nin = printed("nhn-patient-nin", output).strip('"')
    response = api_get(token, "status", nin)
    assert response.status_code == 200, response.content
    assert response.json()["hasActiveMaternityRecord"] is True
    assert response.json()["latestRecordId"]


def test_seeded_appointments_read_through_the_api_with_coded_fetal_signs(output):
    token = fetch_token(printed("client_id", output), printed("client_secret", output))
    latest = max((p for p in PEOPLE if p.location == 0), key=planned_gestation_days)
    record = Pregnancy.objects.get(person__identifier_value=demo_nin(latest), status=RecordStatus.ACTIVE)
    response = api_get(token, f"record/{record.pk}", demo_nin(latest))
    assert response.status_code == 200, response.content
    signs = response.json()["antenatalAppointments"][-1]["fetusesVitalSigns"][0]
    assert signs["fetalPresentationLie"]["code"] == "1"
    assert 110 <= signs["fetalHeartRate"] <= 160


def test_demo_midwife_and_admin_can_log_in(output):
    midwife = authenticate(username="midwife", password="midwife")
    assert midwife is not None
    assert midwife.groups.filter(care_location__org_nr=LOCATIONS[0][0]).exists()
    admin = authenticate(username="admin", password="admin")
    assert admin is not None and admin.is_superuser
    location_admin = authenticate(username="locadmin", password="locadmin")
    assert location_admin.is_staff and not location_admin.is_superuser
    assert list(location_admin.administered_locations.values_list("org_nr", flat=True)) == [LOCATIONS[0][0]]


def test_the_demo_regional_viewer_signs_in_and_reads_the_demo_region(output):
    viewer = authenticate(username="region", password="region")
    assert viewer is not None and not hasattr(viewer, "practitioner") and not viewer.groups.exists()
    region = viewer.viewed_regions.get()
    assert region.code == "fjordvik"
    assert set(region.care_locations.values_list("org_nr", flat=True)) == {row[0] for row in LOCATIONS}
    assert region.history.first().history_user.username == "admin"
    browser = Client()
    browser.force_login(viewer)
    assert browser.get("/regions/fjordvik/").status_code == 200
    assert "region / region" in output


def test_one_person_is_rhesus_negative_with_a_rhesus_resource(output):
    negative = ClinicalTests.objects.filter(rhesus_d_type="NEGATIVE", record__status=RecordStatus.ACTIVE)
    assert negative.count() == 1
    assert RhesusDNegative.objects.filter(record=negative.get().record).exists()


def test_one_pregnancy_has_its_last_two_sfh_below_the_3rd_centile(output):
    below = [
        sfh
        for sfh in SymphysisFundalHeight.objects.select_related("record")
        if sfh.measurement
        < sfh_centile_value(gestation_days(edd=sfh.record.agreed_edd, on=sfh.measurement_date) / 7, 3)
    ]
    assert len(below) == 2
    assert len({sfh.record_id for sfh in below}) == 1
    last_two = list(below[0].record.symphysisfundalheights.order_by("-measurement_date")[:2])
    assert set(last_two) == set(below)


def test_one_pregnancy_has_high_blood_pressure_and_protein_at_the_last_visit(output):
    flagged = []
    for record in Pregnancy.objects.filter(status=RecordStatus.ACTIVE):
        last = record.antenatalappointments.order_by("appointment_date").last()
        if last and last.systolic_derived >= 140 and last.protein_in_urine_test_result == "2+":
            flagged.append(record)
    assert len(flagged) == 1


def test_one_person_has_an_earlier_delivered_record_with_a_live_birth(output):
    delivered = Pregnancy.objects.get(status=RecordStatus.DELIVERED)
    assert delivered.live_birth is True and delivered.delivery_date is not None
    assert delivered.births.get().live_birth is True
    assert delivered.person.pregnancies.filter(status=RecordStatus.ACTIVE).count() == 1
    assert delivered.person.pregnancies.count() == 2


def test_running_twice_duplicates_nothing_and_prints_a_fresh_working_secret(output):
    before = counts()
    again = run_seed_demo()
    assert "already present" in again
    assert counts() == before
    assert SpineClient.objects.count() == 2
    assert printed("client_id", again) != printed("client_id", output)
    assert fetch_token(printed("client_id", again), printed("client_secret", again))
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_where_make_runs_sign_in_server_is_trusted_the_newest_demo_client_acts_for_its_tokens(
    output, db, settings
):
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    exported = re.search(r"export SPINE_TOKEN_ISSUERS \?= (.+)", makefile).group(1)
    settings.SPINE_TOKEN_ISSUERS = json.loads(exported)  # as `make run` and `make seed` set it

    first, second = run_seed_demo(), run_seed_demo()

    linked = SpineClient.objects.filter(token_issuer="http://127.0.0.1:9000", token_client_id="epj-dev")
    assert [client.client_id for client in linked] == [printed("client_id", second)]
    assert "client_id=epj-dev" in first and "resource=nhn:maternity-record" in second

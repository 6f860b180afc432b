"""The cast every permission test draws on, and a small client for the record API.

Client systems get real tokens from POST /o/token/ (client credentials), as an integrating system would.
"""

import itertools
import json
import uuid
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from maternity import services
from maternity.actors import Actor
from maternity.models import UserType
from maternity.rules.identifiers import make_norwegian_fnr, parse_national_id
from spine.services import spine_client_create

pytest_plugins = [
    "maternity.tests.browser.session",  # one Chromium for every browser test
    "loadtools.tests.gunicorn_server",  # gunicorn on the test database, for the load and fault tests
]


def pytest_collection_modifyitems(config, items):
    """A test marked `postgres` needs PostgreSQL (row locks, COPY, partitions, a second process on the same
    database): on SQLite, the README's `make test`, it is skipped and says why instead of failing."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI runs the suite on both)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


API = "/api/maternity-record/v1"
_individual = itertools.count(100)


@pytest.fixture(scope="session", autouse=True)
def _static_files_unhashed(tmp_path_factory):
    """Pages link their static files by their plain names, which the test servers serve from the source
    folders: the hashed names of production exist only after `collectstatic`, which the one test of
    production's static serving runs itself (maternity/tests/browser/test_production_static.py)."""
    from django.test.utils import override_settings

    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        STATIC_ROOT=tmp_path_factory.mktemp("static-root"),  # nothing stale from a developer's collectstatic
    ):
        yield


@pytest.fixture(autouse=True)
def _documents_never_drift(request):
    """After every test that used the database: each record's stored document that claims the record's
    current revision equals one built afresh from the rows. So every write any test makes, through any
    path, is also a test that the write gate kept the document right (maternity/reads/documents.py)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        yield
        return
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")  # so this checks before rollback
    yield
    from django.db.models import F

    from maternity.models import RecordDocument
    from maternity.reads.documents import document_differences

    current = RecordDocument.objects.filter(revision=F("record__revision"))
    current = current.values_list("record_id", flat=True)
    assert document_differences(list(current)) == [], "stored documents differ from the rows"


@pytest.fixture(autouse=True)
def _language_of_the_deployment():
    # A page request activates its language in the thread, and it stays active after the response: without
    # this, a test after a Bokmål request would run in Bokmål.
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Client secrets are hashed like passwords; production keeps the slow default hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_cache(settings):
    # Each test counts its rate limits (sign-ins, tokens) in a memory cache of its own, so no test uses up
    # another's budget. The rate-limit tests use the real Redis instead (maternity/tests/security).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


def new_nin(birth_date: date = date(1994, 5, 17)) -> str:
    """A valid synthetic Norwegian national identity number, different from the last few hundred calls' (the
    individual numbers cycle through 0-499: a test that also uses a fixed number must not collide with it)."""
    while True:
        try:
            return make_norwegian_fnr(birth_date, next(_individual) % 500, synthetic=True)
        except ValueError:
            continue


class RecordApi:
    """Speaks to the record API as one client system, with the headers NHN requires."""

    def __init__(self, token: str | None, nin: str, *, client: Client | None = None):
        self.client = client or Client()
        self.token = token
        self.nin = nin

    def headers(self, **extra) -> dict:
        headers = {
            "Authorization": f"Bearer {self.token}" if self.token else None,
            "nhn-source-system": "Test EPJ 1.0",
            "nhn-patient-nin": self.nin,
            "X-Acting-User-Name": "Kari Jordmor",
            "X-Acting-User-Id": "9144889",
        }
        headers.update({key.replace("_", "-"): value for key, value in extra.items()})
        return {k: v for k, v in headers.items() if v is not None}

    def _send(self, method: str, path: str, body=None, raw: bytes | str | None = None, **headers):
        url = path if path.startswith("/") else f"{API}/{path}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return getattr(self.client, method)(
            url, data=data, content_type="application/json", headers=self.headers(**headers)
        )

    def get(self, path, **headers):
        return self.client.get(f"{API}/{path}", headers=self.headers(**headers))

    def post(self, path, body=None, **kw):
        return self._send("post", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self._send("put", path, body, **kw)

    def delete(self, path, **kw):
        return self._send("delete", path, None, **kw)

    def for_patient(self, nin: str) -> "RecordApi":
        return RecordApi(self.token, nin, client=self.client)


class FhirApi:
    """Speaks to the Spine's FHIR operations (/spine/fhir/) as one client system (or, with no token, as
    whoever the Django test client is signed in as)."""

    def __init__(self, token: str | None, *, client: Client | None = None):
        self.client = client or Client()
        self.token = token

    def post(self, operation: str, body=None, raw: str | None = None, **extra):
        headers = {
            "Authorization": f"Bearer {self.token}" if self.token else None,
            "X-Acting-User-Name": "Kari Jordmor",
            "X-Acting-User-Id": "9144889",
        }
        headers.update({key.replace("_", "-"): value for key, value in extra.items()})
        return self.client.post(
            f"/spine/fhir/{operation}",
            data=raw if raw is not None else json.dumps(body),
            content_type="application/fhir+json",
            headers={k: v for k, v in headers.items() if v is not None},
        )


def fetch_token(client_id: str, client_secret: str) -> str:
    response = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret},
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def location_a(db):
    return services.care_location_create(
        name="St Olavs hospital, fødeavdelingen", org_nr="974749025", kind="HOSPITAL_WARD"
    )


@pytest.fixture
def location_b(db):
    return services.care_location_create(
        name="Munkholmen jordmortjeneste", org_nr="998570328", kind="COMMUNITY_TEAM"
    )


@pytest.fixture
def client_a(location_a):
    return spine_client_create(care_location=location_a, name="EPJ at St Olav")


@pytest.fixture
def client_b(location_b):
    return spine_client_create(care_location=location_b, name="EPJ at Munkholmen")


@pytest.fixture
def location_c(db):
    return services.care_location_create(
        name="Haukeland fødeavdeling", org_nr="983974724", kind="HOSPITAL_WARD"
    )


@pytest.fixture
def client_c(location_c):
    return spine_client_create(care_location=location_c, name="EPJ at Haukeland")


@pytest.fixture
def nin():
    return new_nin()


@pytest.fixture
def api(client_a, nin):
    """A client system of the creating (active) Care Location, for patient `nin`."""
    return RecordApi(fetch_token(client_a.client_id, client_a.client_secret), nin)


@pytest.fixture
def stranger_api(client_b, nin):
    """A client system of a Care Location that is not a stakeholder."""
    return RecordApi(fetch_token(client_b.client_id, client_b.client_secret), nin)


def a_birth_then_active_again(record, actor: Actor, born, *, postnatal: bool = False) -> None:
    """Deliver `record` (version 1) at `born`, add that baby (births follow the delivery), then correct the
    record back to ACTIVE: a record with a birth, a status change and its note, still active. `postnatal`:
    labour and a postnatal visit of mother and baby too, before it is corrected."""
    services.record_status_update(
        record_id=record.pk, version=1, status="DELIVERED", delivery_date=born, live_birth=True, actor=actor
    )
    birth = services.resource_create(
        record_id=record.pk, resource_type="births", data={"birth_time": born}, actor=actor
    )
    if postnatal:
        visited = timezone.localdate(born)
        visits: dict[str, dict[str, Any]] = {
            "labour": {"onset": "SPONTANEOUS", "newborns": [{"birthId": str(birth.pk), "feeding": "BREAST"}]},
            "postnatalMotherVisits": {"visit_date": visited, "blood_pressure": "118/76"},
            "postnatalBabyVisits": {"visit_date": visited, "birth_id": birth.pk, "weight": 3300},
        }
        for name, data in visits.items():
            services.resource_create(record_id=record.pk, resource_type=name, data=data, actor=actor)
    services.record_status_update(record_id=record.pk, version=2, status="ACTIVE", actor=actor)


@pytest.fixture
def midwife_actor(location_a):
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        care_location=location_a,
        name="Kari Jordmor",
        hpr_nr="9144889",
        hpr_role="JO",
        source_system="tests",
    )


@pytest.fixture
def record(midwife_actor, nin):
    """An empty active record of patient `nin`, created at location A."""
    return services.record_create(national_id=parse_national_id(nin), actor=midwife_actor)

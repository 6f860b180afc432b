"""A client system over real HTTP, and the data a load run works on.

`load_data_create` makes a synthetic Care Location with a client system and records with realistic content
(the demo's people, booking resources and antenatal visits, written through the services); `load_data_for`
uses an existing Care Location's active records instead (`load_data` picks one of the two). `ApiClient`
is one keep-alive connection with the headers a client system sends.
"""

import random
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.utils import timezone
from requests.adapters import HTTPAdapter

from maternity import services
from maternity.actors import Actor
from maternity.models import CareLocation, Pregnancy, RecordStatus, UserType
from maternity.rules.clinical import PREGNANCY_DAYS
from maternity.rules.identifiers import parse_national_id
from spine.management.commands.seed_demo import PEOPLE, planned_gestation_days, resources, visits
from spine.services import spine_client_create

from .synthetic import free_nins, remove_location

API = "/api/maternity-record/v1"
SOURCE_SYSTEM = "Load EPJ 1.0"
ACTING_NAME, ACTING_HPR = "Kari Jordmor", "9144889"


@dataclass(frozen=True)
class LoadRecord:
    record_id: str
    nin: str  # as sent in nhn-patient-nin: "system|value"


@dataclass
class LoadData:
    location: CareLocation
    client_id: str
    client_secret: str
    records: list[LoadRecord]
    synthetic: bool  # made for this run: remove() deletes the location and its records

    def remove(self) -> None:
        if self.synthetic:
            remove_location(self.location)
        else:  # only the client system made for the run
            for client in self.location.spine_clients.filter(application__client_id=self.client_id):
                client.delete()
                client.application.delete()
                client.service_user.delete()


def load_data_create(*, records: int) -> LoadData:
    """A synthetic Care Location, its client system and `records` records: the demo people's booking
    resources and their antenatal visits so far, each record at a different gestation."""
    run = uuid.uuid4().hex[:8]
    location = services.care_location_create(
        name=f"Load test {run} (synthetic)", org_nr=f"LOAD-{run}", kind="HOSPITAL_WARD"
    )
    try:
        new = spine_client_create(care_location=location, name="Load EPJ")
        actor = Actor(
            user_type=UserType.HEALTH_CARE_PROFESSIONAL,
            care_location=location,
            name=ACTING_NAME,
            hpr_nr=ACTING_HPR,
            hpr_role="JO",
            source_system=SOURCE_SYSTEM,
        )
        made = []
        today = timezone.localdate()
        for index, nin in enumerate(free_nins(records)):
            person = PEOPLE[index % len(PEOPLE)]
            rng = random.Random(index)
            edd = today + timedelta(days=PREGNANCY_DAYS - planned_gestation_days(person))
            record = services.record_create(
                national_id=parse_national_id(nin), actor=actor, resources=resources(person, actor, rng, edd)
            )
            visits(record, person, actor, rng, edd, until=today)
            made.append(LoadRecord(str(record.pk), f"{record.person.identifier_system}|{nin}"))
    except BaseException:
        remove_location(location)
        raise
    return LoadData(location, new.client_id, new.client_secret, made, synthetic=True)


def load_data(org_nr: str | None, *, records: int) -> LoadData:
    """The records of the Care Location `org_nr` when one is named (`--location`), else new ones."""
    return load_data_for(org_nr, records=records) if org_nr else load_data_create(records=records)


def load_data_for(org_nr: str, *, records: int) -> LoadData:
    """An existing Care Location's active records (at most `records`), with a client system made for the
    run (removed afterwards; the records are kept, with the changes the run writes)."""
    location = CareLocation.objects.filter(org_nr=org_nr).first()
    if location is None:
        raise ValueError(f"No Care Location with org number {org_nr}.")
    found = Pregnancy.objects.filter(
        active_care_location=location, status=RecordStatus.ACTIVE
    ).select_related("person")[:records]
    chosen = [
        LoadRecord(str(record.pk), f"{record.person.identifier_system}|{record.person.identifier_value}")
        for record in found
    ]
    if not chosen:
        raise ValueError(f"Care Location {org_nr} is the active Care Location of no active record.")
    new = spine_client_create(care_location=location, name="Load EPJ")
    return LoadData(location, new.client_id, new.client_secret, chosen, synthetic=False)


def token_fetch(base_url: str, client_id: str, client_secret: str) -> str:
    """A bearer token from POST /o/token/ (client credentials), as an integrating system gets one."""
    response = requests.post(
        f"{base_url}/o/token/",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


class ApiClient:
    """One client system's connection: a requests.Session that keeps one connection alive."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 30):
        self.base_url, self.token, self.timeout = base_url, token, timeout
        self.session = requests.Session()
        self.session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0))
        self.session.headers.update(
            {
                "Authorization": f"Bearer {token}",
                "nhn-source-system": SOURCE_SYSTEM,
                "X-Acting-User-Name": ACTING_NAME,
                "X-Acting-User-Id": ACTING_HPR,
            }
        )

    def request(self, method: str, path: str, *, nin: str | None = None, **kwargs) -> requests.Response:
        """`path` under the record API (`record/...`), or absolute (`/spine/v1/events`)."""
        url = f"{self.base_url}{path if path.startswith('/') else f'{API}/{path}'}"
        headers = self.headers_for(method, url)
        if nin:
            headers["nhn-patient-nin"] = nin
        return self.session.request(method, url, headers=headers, timeout=self.timeout, **kwargs)

    def headers_for(self, method: str, url: str) -> dict[str, str]:
        """Headers of this one request, beyond the session's."""
        return {}

    def timed(self, method: str, path: str, **kwargs) -> tuple[requests.Response | None, float]:
        """(response or None when no HTTP answer came, milliseconds)."""
        started = time.perf_counter()
        try:
            response = self.request(method, path, **kwargs)
        except requests.RequestException:
            response = None
        return response, (time.perf_counter() - started) * 1000

    def close(self) -> None:
        self.session.close()


class DpopApiClient(ApiClient):
    """A client system calling as NHN's clients do, with a HelseID-style user token bound to `dpop_key`:
    `Authorization: DPoP`, a fresh DPoP proof on every request, and no X-Acting-User-* headers (the token
    names the professional)."""

    def __init__(self, base_url: str, token: str, dpop_key, *, timeout: float = 30):
        super().__init__(base_url, token, timeout=timeout)
        self.dpop_key = dpop_key
        self.session.headers["Authorization"] = f"DPoP {token}"
        for name in ("X-Acting-User-Name", "X-Acting-User-Id"):
            del self.session.headers[name]

    def headers_for(self, method: str, url: str) -> dict[str, str]:
        return {"DPoP": self.dpop_key.proof(method, url, access_token=self.token)}


class PageClient(ApiClient):
    """A midwife's browser: her signed-in session and her browser's language. The session cookie goes as a
    header, because the server's is Secure (`__Host-sessionid`), which requests will not send over loopback
    http."""

    def __init__(self, base_url: str, cookie: str, language: str, *, timeout: float = 30):
        super().__init__(base_url, "", timeout=timeout)
        self.session.headers.clear()
        self.session.headers.update({"Cookie": cookie, "Accept-Language": language})


def page_session(location: CareLocation, secret_key: str) -> tuple[str, Callable[[], None]]:
    """A midwife of `location`, signed in: (the Cookie header a server with `secret_key` and production
    settings accepts, a function that removes her)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    from maternity.signin.locations import SESSION_KEY

    user = services.practitioner_create(
        username=f"benchmark-{secrets.token_hex(4)}",
        display_name="Benchmark Midwife",
        care_locations=[location],
        hpr_nr="9144889",
    )
    with override_settings(SECRET_KEY=secret_key):  # the session and its auth hash as the server checks them
        browser = Client()
        browser.force_login(user)
        session = browser.session
        session[SESSION_KEY] = location.pk
        session.save()

    def remove() -> None:
        get_user_model().objects.filter(pk=user.pk).delete()

    return f"__Host-sessionid={session.session_key}", remove

"""GET /spine/v1/events: change signals of a location's stakeholder records, in commit order, by cursor."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import fetch_token, new_nin
from maternity import services
from maternity.actors import Actor
from maternity.models import AccessLog, RecordEvent, UserType
from maternity.rules.identifiers import parse_national_id
from spine.services import spine_client_create

from .helpers import commit_positions

pytestmark = pytest.mark.django_db


class Feed:
    def __init__(self, client):
        self.token = fetch_token(client.client_id, client.client_secret)

    def get(self, query: str = "", **headers):
        return Client().get(
            f"/spine/v1/events{query}", headers={"Authorization": f"Bearer {self.token}", **headers}
        )

    def all(self, after: str | None = None, limit: int = 1000) -> tuple[list[dict], str]:
        """Every event from `after` on, page by page; and the cursor to continue from."""
        events, query = [], f"?limit={limit}" + (f"&after={after}" if after else "")
        while True:
            body = self.get(query).json()
            events += body["events"]
            if not body["more"]:
                return events, body["next"]
            query = f"?limit={limit}&after={body['next']}"


def actor_at(location) -> Actor:
    return Actor(user_type=UserType.HEALTH_CARE_PROFESSIONAL, care_location=location, name="Kari Jordmor")


def new_record(actor: Actor, **resources):
    record = services.record_create(
        national_id=parse_national_id(new_nin()), actor=actor, resources=resources
    )
    commit_positions()
    return record


def update_mother(record, actor: Actor, name: str) -> None:
    version = record.mother.version
    services.resource_update(
        record_id=record.pk, resource_type="mother", version=version, data={"name": name}, actor=actor
    )
    record.mother.refresh_from_db()
    commit_positions()


def events_of(*records) -> list[RecordEvent]:
    return list(RecordEvent.objects.filter(record__in=records).order_by("position"))


def test_a_client_sees_the_events_of_its_stakeholder_records_in_commit_order(client_a, location_a):
    record = new_record(actor_at(location_a), mother={"name": "Åse"})
    update_mother(record, actor_at(location_a), "Åse Ødegård")
    body = Feed(client_a).get().json()
    expected = events_of(record)
    assert [e["eventId"] for e in body["events"]] == [str(e.event_id) for e in expected]
    assert body["more"] is False
    last = body["events"][-1]
    assert last == {
        "eventId": str(expected[-1].event_id),
        "recordId": str(record.pk),
        "resourceType": "mother",
        "resourceId": str(record.mother.pk),
        "version": 2,
        "action": "UPDATED",
        "occurredAt": last["occurredAt"],
    }
    assert last["occurredAt"].endswith("Z")


def test_events_carry_no_clinical_data(client_a, location_a):
    new_record(actor_at(location_a), mother={"name": "Secret Name"})
    raw = Feed(client_a).get().content.decode()
    assert "Secret Name" not in raw
    assert "nhn" not in raw and "Jordmor" not in raw  # nor who made the change


def test_a_location_that_is_not_a_stakeholder_learns_nothing_of_the_record(client_a, client_b, location_a):
    new_record(actor_at(location_a), mother={"name": "Åse"})
    body = Feed(client_b).get().json()
    assert body["events"] == []
    assert body["more"] is False


def test_a_location_that_becomes_a_stakeholder_sees_the_records_later_events(
    client_b, location_a, location_b
):
    record = new_record(actor_at(location_a), mother={"name": "Åse"})
    feed = Feed(client_b)
    _, cursor = feed.all()
    services.stakeholder_grant(record=record, care_location=location_b, reason="API_ACCESS")
    update_mother(record, actor_at(location_a), "Åse Ødegård")
    events, _ = feed.all(after=cursor)
    assert [(e["resourceType"], e["version"]) for e in events] == [("mother", 2)]


def test_pages_follow_the_cursor_without_gaps_or_repeats(client_a, location_a):
    actor = actor_at(location_a)
    records = [new_record(actor, mother={"name": f"Person {i}"}) for i in range(6)]
    feed, seen, query = Feed(client_a), [], "?limit=4"
    while True:
        body = feed.get(query).json()
        assert len(body["events"]) <= 4
        seen += [e["eventId"] for e in body["events"]]
        if not body["more"]:
            break
        query = f"?limit=4&after={body['next']}"
    assert seen == [str(e.event_id) for e in events_of(*records)]


def test_polling_with_the_last_cursor_gives_only_what_is_new(client_a, location_a):
    actor = actor_at(location_a)
    record = new_record(actor, mother={"name": "Åse"})
    feed = Feed(client_a)
    _, cursor = feed.all()
    assert feed.get(f"?after={cursor}").json()["events"] == []
    update_mother(record, actor, "Åse Ødegård")
    body = feed.get(f"?after={cursor}").json()
    assert [(e["resourceType"], e["action"]) for e in body["events"]] == [("mother", "UPDATED")]


def test_the_cursor_moves_past_events_the_client_may_not_see(client_a, client_b, location_a, location_b):
    """So a poll after a quiet spell costs no more than the events since, not every event elsewhere."""
    new_record(actor_at(location_a), mother={"name": "Åse"})
    feed_b = Feed(client_b)
    first = feed_b.get().json()
    other = new_record(actor_at(location_a), mother={"name": "Other"})
    mine = new_record(actor_at(location_b), mother={"name": "Mine"})
    body = feed_b.get(f"?after={first['next']}").json()
    assert {e["recordId"] for e in body["events"]} == {str(mine.pk)}
    assert str(other.pk) not in {e["recordId"] for e in body["events"]}


def test_a_cursor_from_another_client_is_refused(client_a, client_b, location_a):
    new_record(actor_at(location_a))
    cursor = Feed(client_a).get().json()["next"]
    response = Feed(client_b).get(f"?after={cursor}")
    assert response.status_code == 400
    assert response.json()["errorCode"] == "DHG-0012"
    assert response.json()["field"] == "after"


@pytest.mark.parametrize("after", ["nonsense", "1", "1.abc", "", "%00"])
def test_a_made_up_or_edited_cursor_is_refused(client_a, after):
    cursor = Feed(client_a).get().json()["next"]
    response = Feed(client_a).get(f"?after={after or cursor[:-1]}")
    assert response.status_code == 400
    assert response.json()["field"] == "after"


@pytest.mark.parametrize("limit", ["0", "1001", "ten", "-5"])
def test_a_bad_limit_is_refused(client_a, limit):
    response = Feed(client_a).get(f"?limit={limit}")
    assert response.status_code == 400
    assert response.json()["field"] == "limit"


def test_the_record_filter_limits_which_resource_types_a_client_hears_of(location_a):
    narrow = spine_client_create(care_location=location_a, name="Lab system", record_filter=["clinicalTests"])
    new_record(actor_at(location_a), mother={"name": "Åse"})
    body = Feed(narrow).get().json()
    assert body["events"]
    assert {e["resourceType"] for e in body["events"]} <= {"record", "clinicalTests"}


def test_anonymous_callers_get_401_and_professionals_in_a_browser_get_403(client, django_user_model):
    assert Client().get("/spine/v1/events").status_code == 401
    user = django_user_model.objects.create_user("kari", password="pw")
    client.force_login(user)
    response = client.get("/spine/v1/events")
    assert response.status_code == 403
    assert "client systems" in response.json()["errorMessage"]


def test_each_poll_leaves_one_audit_entry(client_a, location_a):
    new_record(actor_at(location_a), mother={"name": "Åse"})
    Feed(client_a).get()
    entry = AccessLog.objects.get(action="EVENTS")
    assert (entry.outcome, entry.client_id, entry.status_code) == ("ALLOWED", client_a.client_id, 200)
    assert entry.detail.endswith("events")


def test_a_page_costs_the_same_queries_however_many_events_and_records(client_a, location_a):
    actor = actor_at(location_a)
    feed = Feed(client_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert feed.get("?limit=1000").status_code == 200
        return len(captured)

    new_record(actor, mother={"name": "One"})
    few = queries()
    for i in range(15):
        new_record(actor, mother={"name": f"Person {i}"})
    assert queries() == few

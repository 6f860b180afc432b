"""After a run: was every acknowledged write kept, exactly once, and are the versions consistent?

Checked over the API, as a client system sees the records, so it works against any deployment:

- each acknowledged write (resource, version, marker) is in the record's history exactly once, and that
  history version holds the marker the write sent (not another writer's data);
- each resource's versions in the history run 1, 2, 3 … with no gap and no repeat, and the record now
  shows the highest of them;
- the event feed, read from before the run, carries each acknowledged write exactly once, and each
  resource's versions in feed (commit) order only go up.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .client import ApiClient, LoadRecord
from .scenarios import EVENTS, MARKER_FIELD, Ack, feed_params


@dataclass
class Verification:
    acknowledged: int = 0
    found_once: int = 0
    history_versions: int = 0
    feed_events: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.acknowledged - self.found_once

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def summary(self) -> str:
        return (
            f"{self.acknowledged} acknowledged writes, {self.found_once} found exactly once in the history "
            f"with the data sent; {self.history_versions} history versions checked; {self.feed_events} feed "
            f"events read; {len(self.problems)} problems"
        )


def feed_cursor_now(api: ApiClient) -> str:
    """A feed cursor past everything committed so far (the starting point for `verify`)."""
    cursor = ""
    while True:
        page = _ok(api.request("GET", EVENTS, params=feed_params(cursor, 1000)))
        cursor = page["next"]
        if not page["more"]:
            return cursor


def verify(api: ApiClient, records: list[LoadRecord], acks: list[Ack], feed_from: str) -> Verification:
    result = Verification(acknowledged=len(acks))
    by_record = defaultdict(list)
    for ack in acks:
        by_record[ack.record_id].append(ack)
    for record in records:
        history = _history(api, record)
        _check_history(result, record, history, by_record[record.record_id])
        _check_current(result, api, record, history)
    _check_feed(result, api, acks, feed_from)
    return result


def _history(api: ApiClient, record: LoadRecord) -> list[dict]:
    versions, after = [], 0
    while True:
        page = _ok(
            api.request(
                "GET", f"history/{record.record_id}", nin=record.nin, params={"after": after, "limit": 500}
            )
        )
        versions.extend(page["versions"])
        if not page["next"]:
            return versions
        after = page["versions"][-1]["sequence"]


def _check_history(result: Verification, record: LoadRecord, history: list[dict], acks: list[Ack]) -> None:
    entries = defaultdict(list)
    for entry in history:
        entries[(entry["resourceId"], entry["version"])].append(entry)
    by_resource = defaultdict(list)
    for resource_id, version in entries:
        by_resource[resource_id].append(version)
    result.history_versions += len(history)
    for resource_id, versions in by_resource.items():
        if sorted(versions) != list(range(1, max(versions) + 1)):
            result.problem(
                f"record {record.record_id}: {resource_id} has versions {sorted(versions)} in its history"
            )
    for (resource_id, version), found in entries.items():
        if len(found) > 1:
            result.problem(
                f"record {record.record_id}: {resource_id} v{version} is in the history {len(found)} times"
            )
    for ack in acks:
        found = entries.get((ack.resource_id, ack.version), [])
        if not found:
            result.problem(
                f"lost: {ack.resource_type} {ack.resource_id} v{ack.version} ({ack.marker}) is not in the "
                "history"
            )
            continue
        data = found[0]["data"] or {}
        if data.get(MARKER_FIELD[ack.resource_type]) != ack.marker:
            result.problem(
                f"overwritten: {ack.resource_type} {ack.resource_id} v{ack.version} holds "
                f"{data.get(MARKER_FIELD[ack.resource_type])!r}, the acknowledged write sent {ack.marker!r}"
            )
            continue
        if len(found) == 1:
            result.found_once += 1


def _check_current(result: Verification, api: ApiClient, record: LoadRecord, history: list[dict]) -> None:
    """The record shows, for each resource, the last version of its history."""
    latest: Counter[str] = Counter()  # resource id: its last version
    for entry in history:
        latest[entry["resourceId"]] = max(latest[entry["resourceId"]], entry["version"])
    document = _ok(api.request("GET", f"record/{record.record_id}", nin=record.nin))
    for name, value in document.items():
        if name == "metadata" or not value:
            continue
        for resource in value if isinstance(value, list) else [value]:
            metadata = resource["metadata"]
            if metadata["version"] != latest.get(metadata["id"]):
                result.problem(
                    f"record {record.record_id}: {name} {metadata['id']} is at v{metadata['version']}, its "
                    f"history ends at v{latest.get(metadata['id'])}"
                )


def _check_feed(result: Verification, api: ApiClient, acks: list[Ack], cursor: str) -> None:
    seen: Counter[tuple[str, int]] = Counter()  # (resource id, version): times it came
    last_version: dict[str, int] = {}
    event_ids = set()
    while True:
        page = _ok(api.request("GET", EVENTS, params=feed_params(cursor, 1000)))
        for event in page["events"]:
            result.feed_events += 1
            if event["eventId"] in event_ids:
                result.problem(f"feed: event {event['eventId']} came twice")
            event_ids.add(event["eventId"])
            key = event["resourceId"]
            seen[(key, event["version"])] += 1
            if event["version"] <= last_version.get(key, 0):
                result.problem(f"feed: {key} v{event['version']} came after v{last_version[key]}")
            last_version[key] = max(last_version.get(key, 0), event["version"])
        cursor = page["next"]
        if not page["more"]:
            break
    for ack in acks:
        if seen[(ack.resource_id, ack.version)] != 1:
            result.problem(
                f"feed: {ack.resource_type} {ack.resource_id} v{ack.version} came "
                f"{seen[(ack.resource_id, ack.version)]} times"
            )


def _ok(response) -> dict:
    if response.status_code != 200:
        raise RuntimeError(
            f"{response.request.method} {response.url}: {response.status_code} {response.text[:300]}"
        )
    return response.json()

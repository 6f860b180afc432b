"""The data set's versions and changelog: HISTORY honest and in order, ending at the version the code
implements (undated until released); the changelog merging it with the releases; the page that shows it; and
the OpenAPI schema naming the same version."""

from datetime import date

import pytest

from dataset.changelog import (
    ADDED,
    CHANGED,
    FIRST_VERSION,
    HISTORY,
    KINDS,
    REMOVED,
    added_in,
    changed_in,
    changelog,
    released_proposals,
)
from dataset.dictionary import dictionary
from dataset.models import DataSetRelease
from dataset.versions import DATA_SET_VERSION, version_key
from maternity.rules.resources import RESOURCE_TYPES

CHANGELOG = "/data-set/changelog/"
ENGLISH = {"Accept-Language": "en"}


def test_versions_strictly_increase_and_end_at_the_version_the_code_implements():
    keys = [version_key(version.number) for version in HISTORY]
    assert keys == sorted(set(keys))
    assert HISTORY[0].number == FIRST_VERSION
    assert HISTORY[-1].number == DATA_SET_VERSION


def test_only_the_current_version_has_no_date_and_the_dates_never_go_back():
    *before, current = HISTORY
    assert current.released_on is None
    days = [version.released_on for version in before]
    assert None not in days and days == sorted(days)


def test_every_change_names_a_resource_type_or_field_that_exists_or_says_it_was_removed():
    fields = {(r.name, f.name) for r in dictionary("en").resources for f in r.fields}
    for version in HISTORY:
        assert str(version.summary), version.number
        assert len(version.commit) >= 7, version.number
        for change in version.changes:
            assert change.kind in KINDS and str(change.text), change
            assert change.resource or not change.field, change  # a field belongs to a resource type
            exists = (
                (change.resource, change.field) in fields
                if change.field
                else change.resource in RESOURCE_TYPES
            )
            if not change.resource:
                continue  # every resource type alike
            assert exists != change.removed, (version.number, change)
            assert change.kind != REMOVED or change.removed, change


def test_added_in_is_the_version_that_added_the_resource_type_else_the_first():
    assert added_in("labour") == added_in("labour", "analgesia") == "1.3.0"
    assert added_in("bookings", "newborns[].birthId") == "1.3.0"
    assert added_in("mother", "name") == FIRST_VERSION
    assert changed_in("vitalMeasurementsBeforePregnancy", "height") == ["1.0.1"]
    assert changed_in("antenatalAppointments") == ["1.2.0"]
    assert changed_in("mother", "name") == []
    extension_types = {name for name, rt in RESOURCE_TYPES.items() if rt.extension}
    assert {c.resource for v in HISTORY for c in v.changes if c.kind == ADDED} == extension_types


def test_the_changelog_without_releases_is_the_history_newest_first():
    logs = changelog([])

    assert [log.number for log in logs] == [version.number for version in reversed(HISTORY)]
    assert logs[0].current and logs[0].released_on is None
    assert logs[-1].released_on == date(2026, 11, 20)


def test_a_release_dates_its_version_and_lists_the_proposals_it_released():
    release = DataSetRelease(
        version=DATA_SET_VERSION,
        released_on=date(2027, 1, 15),
        summary="Released after the winter review.",
        changes=[{"number": 12, "title": "Cord blood gases", "resources": ["births"]}],
    )

    (current, *_) = changelog([release])

    assert current.released_on == date(2027, 1, 15)
    assert (
        current.summary == HISTORY[-1].summary
        and current.release_summary == "Released after the winter review."
    )
    assert current.changes == HISTORY[-1].changes
    assert [(p.number, p.title, p.resources) for p in current.proposals] == [
        (12, "Cord blood gases", ("births",))
    ]


def test_a_release_of_a_version_history_does_not_have_is_shown_too():
    release = DataSetRelease(
        version="1.6.0", released_on=date(2027, 3, 1), changes=[{"number": 3, "title": "A", "resources": []}]
    )

    newest, current, *_ = changelog([release])

    assert (newest.number, newest.released_on, newest.changes, newest.summary) == (
        "1.6.0",
        date(2027, 3, 1),
        (),
        "",
    )
    assert len(newest.proposals) == 1 and not newest.current
    assert current.number == DATA_SET_VERSION and current.released_on is None


def test_versions_are_ordered_as_numbers_not_as_text():
    releases = [DataSetRelease(version=v, released_on=date(2027, 1, 1)) for v in ("1.10.0", "1.9.0")]

    assert [log.number for log in changelog(releases)][:3] == ["1.10.0", "1.9.0", DATA_SET_VERSION]


@pytest.mark.parametrize(
    "changes",
    [
        None,
        "x",
        {"number": 1},
        [1, "x", None],
        [{"number": "1", "title": "A"}],
        [{"number": True, "title": "A"}],
    ],
)
def test_a_release_whose_changes_are_not_proposals_lists_none(changes):
    assert released_proposals(changes) == ()


def test_a_proposal_with_odd_resources_keeps_the_names_it_can_read():
    (proposal,) = released_proposals([{"number": 4, "title": "B", "resources": ["births", 7, None]}])
    assert proposal.resources == ("births",)
    (proposal,) = released_proposals([{"number": 5, "title": "C", "resources": "births"}])
    assert proposal.resources == ()


@pytest.mark.django_db
def test_the_changelog_page_shows_every_version_newest_first_with_its_changes(
    client, django_assert_num_queries
):
    client.get(CHANGELOG)
    with django_assert_num_queries(1):
        response = client.get(CHANGELOG, headers=ENGLISH)

    page = response.content.decode()
    assert response.status_code == 200
    positions = [page.index(f'id="version-{version.number}"') for version in reversed(HISTORY)]
    assert positions == sorted(positions)
    assert "Not yet released" in page and "Released 20 Nov 2026" in page
    assert 'href="/data-set/#vitalMeasurementsBeforePregnancy-height"' in page
    assert 'href="/data-set/#labour"' in page and "Every resource type" in page


@pytest.mark.django_db
def test_the_changelog_page_links_the_proposals_a_release_released(client):
    DataSetRelease.objects.create(
        version=DATA_SET_VERSION,
        released_on=date(2027, 1, 15),
        summary="After the winter review.",
        changes=[
            {"number": 12, "title": "Cord blood gases", "resources": ["births", "umbilicalCord"]},
            {"number": 13, "title": "<b>Bold</b>", "resources": []},
        ],
    )
    DataSetRelease.objects.create(version="1.6.0", released_on=date(2027, 3, 1))

    page = client.get(CHANGELOG, headers=ENGLISH).content.decode()

    assert "Released 15 Jan 2027" in page and "After the winter review." in page
    link = '<a href="/data-set/proposals/12/">#12 Cord blood gases</a>'
    assert f'{link} <span class="muted">(Births, umbilicalCord)' in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page and "<b>Bold</b>" not in page
    assert page.index('id="version-1.6.0"') < page.index(f'id="version-{DATA_SET_VERSION}"')


@pytest.mark.django_db
def test_the_changelog_speaks_bokmal(client):
    page = client.get(CHANGELOG, headers={"Accept-Language": "nb"}).content.decode()

    assert "Endringslogg" in page and "Ikke utgitt ennå" in page


@pytest.mark.django_db
def test_the_openapi_schema_names_the_data_sets_version(client):
    response = client.get("/api/schema/", headers={"accept": "application/json"})

    assert response.status_code == 200
    assert response.json()["info"]["version"] == DATA_SET_VERSION


def test_kinds_are_the_three_a_change_can_be():
    assert set(KINDS) == {ADDED, CHANGED, REMOVED}

"""Restricted entries in her portal (issue 23): absent where the professional hid them from her (not even a
stub), shown as usual otherwise."""

import pytest

from maternity.tests.restricted_world import OPEN_NOTE, SECRET, restricted_record
from maternity.tests.web.factories import actor_for


@pytest.fixture
def actor_a(location_a):
    return actor_for(None, location_a)


def _page(portal, record) -> str:
    response = portal.get(f"/portal/pregnancies/{record.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_entries_hidden_from_her_are_absent_from_her_page(portal, record, actor_a, location_b):
    world = restricted_record(record=record, actor_a=actor_a, location_b=location_b, hidden_from_patient=True)
    page = _page(portal, world.record)
    assert SECRET not in page
    assert OPEN_NOTE in page
    assert "restricted" not in page.lower()  # not even a stub


def test_entries_not_hidden_from_her_are_shown_as_usual(portal, record, actor_a, location_b):
    world = restricted_record(
        record=record, actor_a=actor_a, location_b=location_b, hidden_from_patient=False
    )
    page = _page(portal, world.record)
    assert SECRET in page and OPEN_NOTE in page


def test_a_hidden_singleton_reads_as_not_recorded(portal, record, actor_a, location_b):
    world = restricted_record(record=record, actor_a=actor_a, location_b=location_b, hidden_from_patient=True)
    assert "Mental health" not in _page(portal, world.record)


def test_a_singleton_not_hidden_from_her_is_shown(portal, record, actor_a, location_b):
    world = restricted_record(record=record, actor_a=actor_a, location_b=location_b)
    assert "Mental health" in _page(portal, world.record)

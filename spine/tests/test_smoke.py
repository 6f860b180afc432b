from conftest import API


def test_client_creates_and_reads_an_empty_record(api):
    created = api.post("record")
    assert created.status_code == 201, created.content
    record_id = created.json()["metadata"]["recordId"]
    response = api.get(f"record/{record_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["mother"] is None
    assert body["antenatalAppointments"] == []
    assert len(body["careLocations"]) == 1
    assert API

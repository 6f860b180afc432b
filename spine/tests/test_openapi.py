"""The API describes itself: a valid OpenAPI schema and a Swagger UI that needs no CDN."""

import re

import pytest


@pytest.mark.django_db
def test_schema_lists_every_record_endpoint(client):
    response = client.get("/api/schema/", headers={"accept": "application/json"}, secure=True)
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/maternity-record/v1/status",
        "/api/maternity-record/v1/history",
        "/api/maternity-record/v1/history/{record_id}",
        "/api/maternity-record/v1/record",
        "/api/maternity-record/v1/record/{record_id}",
        "/api/maternity-record/v1/record/{record_id}/updateStatus",
        "/api/maternity-record/v1/record/{record_id}/mother",
        "/api/maternity-record/v1/record/{record_id}/antenatalAppointments/{resource_id}",
    ]:
        assert path in paths


@pytest.mark.django_db
def test_swagger_ui_loads_its_assets_from_this_server(client):
    response = client.get("/api/docs/", secure=True)
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in source for source in sources)
    assert all(not source.startswith(("http://", "https://", "//")) for source in sources), sources


@pytest.mark.django_db
def test_the_schema_says_last_updated_by_members_are_null_when_unknown(client):
    response = client.get("/api/schema/", headers={"accept": "application/json"}, secure=True)
    properties = response.json()["components"]["schemas"]["LastUpdatedBy"]["properties"]

    assert set(properties) == {"userType", "orgNr", "orgName", "hprNr", "hprRole", "name", "sourceSystem"}
    assert [name for name, schema in properties.items() if not schema.get("nullable")] == ["userType"]

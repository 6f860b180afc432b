"""The dictionary as JSON and CSV: the same resources and fields as the page, English keys and columns
that stay put, words in the request's language, file names carrying the version, no cell a spreadsheet
would run."""

import csv
import io
from datetime import date

import pytest

from dataset.dictionary import dictionary
from dataset.dictionary.export import CSV_HEADER
from dataset.models import DataSetRelease
from dataset.versions import DATA_SET_VERSION
from maternity.http.csv_export import FORMULA_STARTS

pytestmark = pytest.mark.django_db

FIELD_KEYS = {
    *["name", "label", "description", "type", "unit", "required", "readOnly", "minimum", "maximum"],
    *["maxLength", "maxItems", "pattern", "codeList", "fhirElement", "addedIn", "changedIn"],
}


def download(client, extension: str, language: str = "en"):
    return client.get(f"/data-set/dictionary.{extension}", headers={"Accept-Language": language})


def test_the_json_names_the_version_its_release_and_the_schema(client):
    response = download(client, "json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="maternity-data-set-{DATA_SET_VERSION}.json"'
    )
    data_set = response.json()["dataSet"]
    assert data_set == {
        "version": DATA_SET_VERSION,
        "releasedOn": None,
        "openapi": "http://testserver/api/schema/",
        "language": "en",
    }


def test_the_json_says_the_release_date_once_released(client):
    DataSetRelease.objects.create(version=DATA_SET_VERSION, released_on=date(2027, 1, 15))

    assert download(client, "json").json()["dataSet"]["releasedOn"] == "2027-01-15"


def test_the_json_has_every_resource_type_and_field_with_the_same_keys(client):
    body = download(client, "json").json()

    words = dictionary("en")
    assert [resource["name"] for resource in body["resources"]] == [r.name for r in words.resources]
    for resource, entry in zip(body["resources"], words.resources, strict=True):
        assert set(resource) == {
            "name",
            "label",
            "extension",
            "list",
            "fhir",
            "addedIn",
            "changedIn",
            "fields",
        }
        assert set(resource["fhir"]) == {"resourceType", "code", "system", "display", "category"}
        assert [field["name"] for field in resource["fields"]] == [field.name for field in entry.fields]
        for field in resource["fields"]:
            assert set(field) == FIELD_KEYS, field["name"]


def test_the_json_describes_a_coded_field_and_a_measured_one(client):
    resources = {resource["name"]: resource for resource in download(client, "json").json()["resources"]}
    fields = {f["name"]: f for f in resources["mother"]["fields"]}
    country = fields["countryOfBirth"]
    assert country["type"] == "CodeAndSystem" and country["fhirElement"].startswith("Patient.extension")
    assert country["codeList"]["system"] == "VOLVEN_9043" and country["codeList"]["title"] == "Country"
    assert {"code": "NOR", "display": "Norge", "displayEn": "Norway"} in country["codeList"]["codes"]
    sfh = {f["name"]: f for f in resources["symphysisFundalHeights"]["fields"]}["measurement"]
    assert sfh | {"description": None, "label": None} == {
        "name": "measurement",
        "label": None,
        "description": None,
        "type": "integer",
        "unit": "cm",
        "required": True,
        "readOnly": False,
        "minimum": 5,
        "maximum": 60,
        "maxLength": None,
        "maxItems": None,
        "pattern": None,
        "codeList": None,
        "fhirElement": "Observation.valueQuantity.value",
        "addedIn": "1.0.0",
        "changedIn": [],
    }
    labour = resources["labour"]
    assert labour["extension"] is True and labour["addedIn"] == "1.3.0"
    assert labour["fhir"]["resourceType"] == "Procedure"
    height = {f["name"]: f for f in resources["vitalMeasurementsBeforePregnancy"]["fields"]}["height"]
    assert height["changedIn"] == ["1.0.1"]


def test_the_json_speaks_the_requests_language_with_the_same_keys(client):
    english, norwegian = download(client, "json", "en").json(), download(client, "json", "nb").json()

    assert norwegian["dataSet"]["language"] == "nb"
    mother_en, mother_nb = english["resources"][0], norwegian["resources"][0]
    assert mother_en["label"] == "Key demographics" and mother_nb["label"] == "Personopplysninger"
    assert mother_en["fields"][0]["description"] != mother_nb["fields"][0]["description"]
    assert [set(f) for f in mother_en["fields"]] == [set(f) for f in mother_nb["fields"]]


def test_the_csv_has_one_row_per_field_under_the_stable_header(client):
    response = download(client, "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="maternity-data-set-{DATA_SET_VERSION}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == CSV_HEADER
    assert len(rows) - 1 == sum(len(resource.fields) for resource in dictionary("en").resources)
    row = dict(zip(CSV_HEADER, next(r for r in rows if r[0] == "mother" and r[3] == "language"), strict=True))
    assert row["type"] == "CodeAndSystem" and row["codeSystem"] == "VOLVEN_3303"
    assert "NB = Norwegian Bokmål; NN = Norwegian Nynorsk" in row["codes"]
    assert row["fhirElement"] == "Patient.communication.language.coding.code"


def test_the_csv_writes_numbers_as_numbers_and_no_cell_as_a_formula(client):
    text = download(client, "csv", "nb").content.decode()

    assert '"antenatalAppointments","Svangerskapskontroller","false","pregnancyWeek",' in text
    for row in csv.reader(io.StringIO(text)):
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row
    assert ',1,45,"",' in text  # a range: numbers, unquoted

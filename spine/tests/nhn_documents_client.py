"""A client of the maternity record API written only from NHN's documents (shared/spec/
nhn-maternity-record.md: the paths, the headers and the bodies), as an EPJ vendor would write one. It knows
nothing of this project: no X-Acting-User-* headers, no pregnancy keys, no spine. Who acts is in its HelseID
user token; each request carries `Authorization: DPoP <token>` and a fresh DPoP proof, `nhn-user-role`,
`nhn-source-system`, `nhn-patient-nin` and an `nhn-event-id`, over real HTTP with `requests`."""

import json
import uuid
from urllib.parse import quote

import requests

BASE_PATH = "/api/maternity-record/v1"
HPR_ROLES = "urn:oid:2.16.578.1.12.4.1.1.9060"  # Volven 9060

# The resource types of NHN's resources page, each with a body built from its field table.
SINGLETONS = {
    "mother": {
        "name": "Ingrid Solberg",
        "address": "Kongens gate 1",
        "postNumber": "7011",
        "postName": "TRONDHEIM",
        "employedLast6Months": True,
        "employmentPercentage": 100,
        "occupationAndIndustry": "Lærer, skole",
        "language": {"code": "NO"},
        "countryOfBirth": {"code": "NOR"},
        "needsLanguageInterpreter": False,
        "cohabitingCoparent": True,
        "cohabitingCoparentNote": None,
    },
    "currentPregnancy": {
        "dateLastPeriod": "2026-05-01",
        "dueDate": "2027-02-05",
        "dueDateBasedOnUltrasound": "2027-02-07",
        "dueDateCorrectedDate": None,
        "hasPrenatalDiagnosticsTests": True,
        "numberOfFetuses": 1,
        "assistedConception": {"hadAssistedConception": False, "dateAssistedConception": None},
        "birthPreparationTalk": None,
        "breastfeedingGuidance": None,
    },
    "previousPregnancies": {
        "numberOfPreviousPregnancies": 1,
        "numberOfPreviousLiveBirths": 1,
        "spontaneousMiscarriages": 0,
        "stillBirths22weeks": 0,
        "numberOfEctopicPregnancies": 0,
        "note": None,
    },
    "geneticDisorders": {
        "noneKnown": True,
        "parentsAreRelatives": False,
        "hipDysplasia": False,
        "other": False,
    },
    "medicalConditions": {"nothingParticular": True, "note": None},
    "medication": {
        "medicationFrequency": None,
        "drugAllergy": False,
        "folate": {"takenBefore": True, "takenDuring": True},
    },
    "lifestyleFactors": {"stimuli": [], "note": "Ingen"},
    "clinicalTests": {
        "hemoglobin": 12.9,
        "ferritin": 41.0,
        "hiv": False,
        "syphilis": False,
        "aboRh": {"aboType": "A", "rhesusDType": "POSTIVE"},  # NHN's documented spelling
        "glucoseTolerance": {"fastingGlucoseLevel": 4.6, "post2hGlucoseLevel": 6.1, "testDate": "2026-08-20"},
    },
    "rhesusDNegative": {"consentFetalRhesusTyping": None, "note": None},
    "vitalMeasurementsBeforePregnancy": {"height": 171.0, "prePregnancyWeight": 63.0, "bMI": 21.5},
    "pointsOfContact": {
        "generalPractitioner": {
            "name": "Per Lege",
            "organizationName": "Bakklandet legekontor",
            "organizationId": "974760673",
            "hprNr": "100200300",
        },
        "birthInstitute": "St Olavs hospital",
        "maternityHealthcareCentre": "Midtbyen helsestasjon",
    },
}
LISTS = {
    "antenatalAppointments": {
        "appointmentDate": "2026-08-20",
        "pregnancyWeek": 16,
        "daysAfterFullPregnancyWeek": 0,
        "motherWeight": 65.4,
        "bloodPressure": "116/72",
        "proteinInUrineTestResult": "Neg",
        "edema": 0,
        "fetusesVitalSigns": [
            {"fosterId": 1, "fetalHeartRate": 148, "fetalPresentationLie": {"code": "1"}, "note": None}
        ],
        "medication": False,
        "note": None,
    },
    "symphysisFundalHeights": {"pregnancyWeek": 26, "measurement": 25, "measurementDate": "2026-10-30"},
}
# "Create Maternity Record with data" (NHN's example, as JSON).
CREATE_WITH_DATA = {
    "mother": {"name": "Mamma Ku", "address": "Trimveien 8, 0372 OSLO"},
    "clinicalTests": {"hemoglobin": 20.0, "ferritin": 20.29},
    "rhesusDNegative": None,
    "vitalMeasurementsBeforePregnancy": {"height": 280.0, "prePregnancyWeight": 90.0, "bMI": None},
}


class MaternityRecordClient:
    """One professional's EPJ session against the API at `base_url`, for one patient at a time. `proof`
    makes the DPoP proof for (method, url, access_token)."""

    def __init__(self, base_url: str, *, access_token: str, proof, user_role: str = "JO"):
        self.base_url = base_url.rstrip("/") + BASE_PATH
        self.access_token = access_token
        self.proof = proof
        self.user_role = user_role
        self.http = requests.Session()

    def _headers(self, method: str, url: str, nin: str) -> dict:
        role = json.dumps({"system": HPR_ROLES, "code": self.user_role}, separators=(",", ":"))
        return {
            "Authorization": f"DPoP {self.access_token}",
            "DPoP": self.proof(method, url, self.access_token),
            "nhn-user-role": quote(role),
            "nhn-source-system": "Dokumentert EPJ 2.1",
            "nhn-patient-nin": nin,
            "nhn-event-id": str(uuid.uuid4()),
        }

    def call(self, method: str, path: str, nin: str, body=None) -> requests.Response:
        url = f"{self.base_url}/{path}"
        headers = self._headers(method, url, nin)
        if body is not None:
            headers["Content-Type"] = "application/json"
        data = json.dumps(body) if body is not None else None
        return self.http.request(method, url, headers=headers, data=data, timeout=30)

    # The documented operations

    def status(self, nin: str) -> requests.Response:
        return self.call("GET", "status", nin)

    def history(self, nin: str, record_id: str | None = None) -> requests.Response:
        return self.call("GET", f"history/{record_id}" if record_id else "history", nin)

    def create_record(self, nin: str, body: dict | None = None) -> requests.Response:
        return self.call("POST", "record", nin, body if body is not None else {})

    def record(self, nin: str, record_id: str) -> requests.Response:
        return self.call("GET", f"record/{record_id}", nin)

    def update_status(self, nin: str, record_id: str, version: int, record_status: dict) -> requests.Response:
        body = {"version": version, "recordStatus": record_status}
        return self.call("POST", f"record/{record_id}/updateStatus", nin, body)

    def create_resource(self, nin: str, record_id: str, resource_type: str, body: dict) -> requests.Response:
        return self.call("POST", f"record/{record_id}/{resource_type}", nin, body)

    def update_resource(
        self, nin: str, record_id: str, resource_type: str, version: int, body: dict, item_id: str = ""
    ) -> requests.Response:
        path = f"record/{record_id}/{resource_type}" + (f"/{item_id}" if item_id else "")
        return self.call("PUT", path, nin, {"metadata": {"version": version}, **body})

    def delete_item(self, nin: str, record_id: str, resource_type: str, item_id: str) -> requests.Response:
        return self.call("DELETE", f"record/{record_id}/{resource_type}/{item_id}", nin)

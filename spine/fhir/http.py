"""DRF parser and renderer for FHIR JSON (application/fhir+json). A FHIR view lists
`parser_classes = [FhirJsonParser, JSONParser]` so plain application/json is accepted too, and
`renderer_classes = [FhirJsonRenderer]`."""

from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer


class FhirJsonParser(JSONParser):
    """Reads application/fhir+json bodies; malformed JSON is a ParseError, as for JSONParser."""

    media_type = "application/fhir+json"


class FhirJsonRenderer(JSONRenderer):
    """Writes FHIR resources (dicts from spine.fhir.build) as application/fhir+json."""

    media_type = "application/fhir+json"
    format = "fhir"

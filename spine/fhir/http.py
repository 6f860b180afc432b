"""DRF parser and renderer for FHIR JSON (application/fhir+json). A FHIR view lists
`parser_classes = [FhirJsonParser, JSONParser]` (spine.parsers' JSONParser) so plain application/json is
accepted too, and `renderer_classes = [FhirJsonRenderer]`."""

from rest_framework.renderers import JSONRenderer

from ..parsers import JSONParser


class FhirJsonParser(JSONParser):
    """Reads application/fhir+json bodies; malformed JSON is a ParseError and JSON nested too deep a
    BodyTooDeep, as for spine.parsers.JSONParser."""

    media_type = "application/fhir+json"


class FhirJsonRenderer(JSONRenderer):
    """Writes FHIR resources (dicts from spine.fhir.build) as application/fhir+json."""

    media_type = "application/fhir+json"
    format = "fhir"

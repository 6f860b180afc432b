"""FHIR R4 for the BadgerNet Spine operations: parse request bodies (parse.py), build responses (build.py) and
the DRF parser and renderer for application/fhir+json (http.py). Pure functions over fhir.resources R4B."""

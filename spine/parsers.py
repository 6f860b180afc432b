"""The APIs' JSON parser: DRF's, reading through maternity.http.json_input, so a body nested deeper than
settings.JSON_MAX_DEPTH is a 400 in the API's own error shape, never a RecursionError, and a string holding
a control character (ESC, NUL...: not a tab or a line break) is a 400 that names where it is. It is the
default parser (settings.REST_FRAMEWORK) and the base of the FHIR JSON parser (spine/fhir/http.py)."""

import json

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

from maternity.http.json_input import ControlCharacter, TooDeep, json_loads


class BodyTooDeep(ParseError):
    """Valid JSON perhaps, but nested deeper than any request needs."""


class BodyHasControlCharacter(ParseError):
    """Valid JSON, but a string in it holds a control character no text may hold. `field` is its path;
    `holder` the path of the value holding it (for a key, its object), and `body` the JSON as read, for
    callers that name the place in their own terms (the FHIR operations: FHIRPath from its resourceType)."""

    def __init__(self, error: ControlCharacter, body: object = None):
        super().__init__(error.message)
        self.field = error.where
        self.holder = error.holder
        self.body = body


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
            return json_loads(text, parse_constant=strict_constant if self.strict else None)
        except TooDeep as error:
            raise BodyTooDeep(str(error)) from None
        except ControlCharacter as error:  # the body is valid JSON, not too deep: read it again, as it is
            raise BodyHasControlCharacter(error, json.loads(text)) from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None

"""The APIs' JSON parser: DRF's, reading through maternity.http.json_depth, so a body nested deeper than
settings.JSON_MAX_DEPTH is a 400 in the API's own error shape, never a RecursionError. It is the default
parser (settings.REST_FRAMEWORK) and the base of the FHIR JSON parser (spine/fhir/http.py)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

from maternity.http.json_depth import TooDeep, json_loads


class BodyTooDeep(ParseError):
    """Valid JSON perhaps, but nested deeper than any request needs."""


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
            return json_loads(text, parse_constant=strict_constant if self.strict else None)
        except TooDeep as error:
            raise BodyTooDeep(str(error)) from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None

"""JSON from outside, read with a cap on how deeply it nests.

`json.loads` recurses once per level of arrays and objects: a body of a few kilobytes of brackets exhausts
Python's stack (a RecursionError, so a 500), and anything nested almost that deep still costs every later
step that walks it (validation, error messages). Nothing this service reads nests beyond a dozen levels (a
FHIR Bundle is the deepest), so JSON deeper than `settings.JSON_MAX_DEPTH` is refused before it is parsed:
one pass over the text counts the brackets outside strings, with no recursion.

Every JSON parser reads through `json_loads`: the APIs' (spine/parsers.py), the pages' carried form state
and the nhn-user-role header.
"""

import json
import re

from django.conf import settings

_BRACKETS = re.compile(r'[\[{]+|[\]}]+|"')
_STRING_REST = re.compile(r'(?:[^"\\]++|\\.)*+"', re.DOTALL)  # possessive: linear, never backtracks


class TooDeep(ValueError):
    """JSON nested deeper than the cap. A ValueError, so code that catches bad JSON catches this too."""

    def __init__(self, max_depth: int):
        super().__init__(f"nested deeper than {max_depth} levels of arrays and objects")
        self.max_depth = max_depth


def json_depth_check(text: str, max_depth: int | None = None) -> None:
    """Raise TooDeep if `text` nests arrays and objects deeper than `max_depth` (default: the setting).
    Malformed JSON passes unless it is too deep: the parser refuses it afterwards."""
    limit = settings.JSON_MAX_DEPTH if max_depth is None else max_depth
    if text.count("[") + text.count("{") <= limit:
        return  # the usual case: too few brackets to be too deep
    depth, position = 0, 0
    while match := _BRACKETS.search(text, position):
        token, position = match.group(), match.end()
        if token == '"':
            string = _STRING_REST.match(text, position)
            if string is None:
                return  # an unterminated string: not JSON, which the parser says
            position = string.end()
        elif token[0] in "[{":
            depth += len(token)
            if depth > limit:
                raise TooDeep(limit)
        else:
            depth = max(0, depth - len(token))


def json_loads(data: str | bytes | bytearray, max_depth: int | None = None, **kwargs):
    """`json.loads`, refusing JSON nested deeper than `max_depth` (default: settings.JSON_MAX_DEPTH) with
    TooDeep. Other malformed JSON raises ValueError (JSONDecodeError, UnicodeDecodeError) as usual."""
    text = data.decode(json.detect_encoding(data)) if isinstance(data, bytes | bytearray) else data
    json_depth_check(text, max_depth)
    try:
        return json.loads(text, **kwargs)
    except RecursionError:  # only if the cap is set above what the stack allows
        raise TooDeep(settings.JSON_MAX_DEPTH if max_depth is None else max_depth) from None

"""JSON from outside, read with a cap on how deeply it nests and no control characters in its text.

`json.loads` recurses once per level of arrays and objects: a body of a few kilobytes of brackets exhausts
Python's stack (a RecursionError, so a 500), and anything nested almost that deep still costs every later
step that walks it (validation, error messages). Nothing this service reads nests beyond a dozen levels (a
FHIR Bundle is the deepest), so JSON deeper than `settings.JSON_MAX_DEPTH` is refused before it is parsed:
one pass over the text counts the brackets outside strings, with no recursion.

A string (a value or a key) may hold tabs and line breaks but no other control character
(maternity/http/control_characters.py says why): JSON can carry one only escaped (`\u001b`, `\b`, `\f`), or
as a raw C1 character, so one regular-expression pass over the text finds every body that might; only those
are walked, to name where the character is.

Every JSON parser reads through `json_loads`: the APIs' (spine/parsers.py), the pages' carried form state
and the nhn-user-role header.
"""

import json
import re

from django.conf import settings

from .control_characters import TEXT_CONTROLS, printable, text_rule

_BRACKETS = re.compile(r'[\[{]+|[\]}]+|"')
_STRING_REST = re.compile(r'(?:[^"\\]++|\\.)*+"', re.DOTALL)  # possessive: linear, never backtracks
# What might decode to a control character: \b, \f, \u0000-\u001F, \u007F-\u009F, a raw C1. (An escaped
# backslash before a b, f or u matches too: the walk then finds nothing.)
_MAYBE_CONTROL = re.compile(r"\\(?:[bf]|u00[0189][0-9a-f]|u007f)|[\x7f-\x9f]", re.IGNORECASE)


class TooDeep(ValueError):
    """JSON nested deeper than the cap. A ValueError, so code that catches bad JSON catches this too."""

    def __init__(self, max_depth: int):
        super().__init__(f"nested deeper than {max_depth} levels of arrays and objects")
        self.max_depth = max_depth


class ControlCharacter(ValueError):
    """A string in the JSON holds a control character other than tab, CR or LF. `where` is its path
    (`fetuses[0].note`, "" for the whole body), its control characters shown as %XX. `holder`: the path of
    the value that holds it, the string itself or, for a key, the object whose key it is."""

    def __init__(self, where: str, character: str, what: str = "text", holder: str | None = None):
        self.where, self.character = where, character
        self.holder = where if holder is None else holder
        self.message = text_rule(character, what)
        super().__init__(f"{where}: {self.message}" if where else self.message)


def control_character_check(value, where: str = "") -> None:
    """Raise ControlCharacter for the first string, value or key, in parsed JSON that holds one."""
    if isinstance(value, str):
        if found := TEXT_CONTROLS.search(value):
            raise ControlCharacter(where, found.group())
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{printable(key)}".lstrip(".")
            if found := TEXT_CONTROLS.search(key):
                raise ControlCharacter(path, found.group(), "key", holder=where)
            control_character_check(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            control_character_check(item, f"{where}[{index}]")


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
    TooDeep and a string holding a control character with ControlCharacter. Other malformed JSON raises
    ValueError (JSONDecodeError, UnicodeDecodeError) as usual."""
    text = data.decode(json.detect_encoding(data)) if isinstance(data, bytes | bytearray) else data
    json_depth_check(text, max_depth)
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:  # only if the cap is set above what the stack allows
        raise TooDeep(settings.JSON_MAX_DEPTH if max_depth is None else max_depth) from None
    if _MAYBE_CONTROL.search(text):
        control_character_check(value)
    return value

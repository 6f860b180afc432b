"""No control character reaches a view in text it did not ask for.

Text in this service is typed by people: a note, a name, a search. It may hold tabs and line breaks, and
nothing else below the space: NUL, ESC, BEL, backspace, vertical tab, form feed, DEL and the C1 controls
(U+0080-U+009F) are never typed, are invisible on a page, and serve only to break things downstream. A NUL
fails PostgreSQL (it can store none in text, nor compare text with one: a 500); ESC sequences recolour or
rewrite a terminal that shows a log or an export; NEL (U+0085) and the rest split lines in tools that read
them as breaks, forging entries. `TEXT_CONTROLS` is that rule, once, for every kind of input:

- Form fields and query parameters of the pages, the portal, the admin and OAuth (/o/): this middleware
  refuses them before any view runs, a 400 that names the parameter, in the shape its caller reads
  (OAuth's error body under /o/, a page otherwise).
- JSON bodies and JSON carried in a form: `maternity.http.json_input.json_loads` refuses a string, value or
  key, holding one, naming where it is (the APIs answer DHG-0012 with that `field`). The APIs take their
  text only as JSON: their query parameters are ids, cursors and numbers, which their views refuse after
  checking the token (a caller without one gets 401 whatever else is wrong), so here the APIs' paths and
  queries are only refused a NUL.
- The path: a NUL, anywhere (an id with any other control character is simply not found).
- Header values: spine/context.py refuses every control character in the nhn-* and acting-user headers,
  percent-encoded ones included (they are names and ids: not even a tab).

A cookie holding a NUL is dropped, as if it had not been sent (a session key with a NUL would fail its
lookup). A refused request changes nothing; the page's Back button still has what was typed. The refusal
comes before the language middleware has run, so it chooses the language itself: a page's in hers, an
API's in English.
"""

import re
import uuid

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from .language import page_language

# Every control character except tab, LF and CR: C0 (U+0000-U+001F), DEL (U+007F), C1 (U+0080-U+009F).
TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
NUL = "\x00"
NUL_ONLY = re.compile(NUL)
API_PREFIXES = ("/api/", "/spine/")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Each control character's abbreviation (ISO 6429), in the order of its code.
_ABBREVIATIONS = (
    "NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB "
    "ESC FS GS RS US DEL PAD HOP BPH NBH IND NEL SSA ESA HTS HTJ VTS PLD PLU RI SS2 SS3 DCS PU1 PU2 STS "
    "CCH MW SPA EPA SOS SGCI SCI CSI ST OSC PM APC"
)
_NAMES = dict(zip([chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]], _ABBREVIATIONS.split(), strict=True))


def described(character: str) -> str:
    """'U+001B (ESC)': a control character as a person can read it in an error message."""
    return f"U+{ord(character):04X} ({_NAMES[character]})"


def text_rule(character: str, what: str = "text") -> str:
    """What is wrong and what to do, for an error message about `character` in text (or a key, `what`
    "key"), in the language of the request."""
    if what == "key":
        rule = _(
            "This key holds the control character %(character)s. Text may hold tabs and line breaks but no "
            "other control character: remove it and send again."
        )
    else:
        rule = _(
            "This text holds the control character %(character)s. Text may hold tabs and line breaks but no "
            "other control character: remove it and send again."
        )
    return rule % {"character": described(character)}


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(NUL in name or NUL in value for name, value in request.COOKIES.items()):
            request.COOKIES = {
                name: value for name, value in request.COOKIES.items() if NUL not in name + value
            }
        found = control_in(request)
        if found is not None:
            return refusal(request, *found)
        return self.get_response(request)


def control_in(request: HttpRequest) -> tuple[str, str] | None:
    """(where, the character): where is "path", or the name of the query parameter or form field (its
    control characters shown as %XX where the name itself holds one); None when nothing holds one."""
    if NUL in request.path:
        return "path", NUL
    refused = NUL_ONLY if request.path_info.startswith(API_PREFIXES) else TEXT_CONTROLS
    for name, values in _parameters(request):
        for text in (name, *values):
            if found := refused.search(text):
                return printable(name), found.group()
    return None


def printable(name: str) -> str:
    """`name` with its control characters as %XX, so an error can name it without holding them."""
    return _ANY_CONTROL.sub(lambda found: f"%{ord(found.group()):02X}", name)


def _parameters(request: HttpRequest):
    yield from request.GET.lists()
    if request.method == "POST" and request.content_type in FORM_TYPES:
        try:
            _ = request.body  # read and kept: the view may still read the body itself (a DRF parser does)
        except RequestDataTooBig:
            return  # the view refuses that in its own shape
        yield from request.POST.lists()


def refusal(request: HttpRequest, where: str, character: str) -> HttpResponse:
    """400, in the shape and the language its caller reads: the APIs and OAuth in English, a page in hers
    (chosen here: this runs before the language middleware)."""
    machine = request.path_info.startswith(("/o/", *API_PREFIXES))
    language = "en" if machine else page_language(request)
    with translation.override(language):
        response = _refusal(request, where, character)
    if not machine:
        response.headers.setdefault("Content-Language", language)
    return response


def _refusal(request: HttpRequest, where: str, character: str) -> HttpResponse:
    if where == "path":
        message = _(
            "The request has a control character, %(character)s, in the path. Text here may hold tabs and "
            "line breaks but no other control character: remove it and send the request again."
        ) % {"character": described(character)}
    else:
        message = _(
            "The request has a control character, %(character)s, in the parameter %(name)s. Text here may "
            "hold tabs and line breaks but no other control character: remove it and send the request again."
        ) % {"character": described(character), "name": repr(where)}
    path = request.path_info
    if path.startswith("/o/"):
        return JsonResponse({"error": "invalid_request", "error_description": message}, status=400)
    if path.startswith("/spine/fhir/"):
        # No expression: that is FHIRPath into the resource sent, and a query parameter or form field is
        # none of it (the diagnostics name it)
        issue = {"severity": "error", "code": "invalid", "diagnostics": message}
        body = {"resourceType": "OperationOutcome", "issue": [issue]}
        return JsonResponse(body, status=400, content_type="application/fhir+json")
    if path.startswith(("/api/", "/spine/")):
        event_id = getattr(request, "request_id", "") or uuid.uuid4().hex
        request.request_id = event_id  # type: ignore[attr-defined]  # the request's id, added by this project
        body = {"errorCode": "DHG-0012", "errorMessage": message, "eventId": event_id, "field": where}
        response = JsonResponse(body, status=400)
        response["nhn-error-code"] = "DHG-0012"
        return response
    template = "portal/bad_request.html" if path.startswith("/portal/") else "maternity/bad_request.html"
    return render(request, template, {"message": message}, status=400)

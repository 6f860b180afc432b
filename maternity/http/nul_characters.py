"""No NUL character reaches a view. PostgreSQL cannot store one in text, nor compare text with one, so a
%00 in a search box, an admin list filter, a form field or an id in the path would fail the query: a 500.
This middleware refuses it once, for the whole site, before any view runs: a 400 that names the parameter,
in the shape its caller reads (the APIs' error bodies, OAuth's under /o/, a page otherwise). A cookie
holding one is dropped, as if it had not been sent (a session key with a NUL would fail its lookup).

Forms still say what is wrong with the rest of what was typed; a NUL never gets that far. Header values
are the APIs' to check (spine/context.py refuses every control character in the nhn-* and acting-user
headers, percent-encoded ones included).
"""

import uuid

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(NUL in name or NUL in value for name, value in request.COOKIES.items()):
            request.COOKIES = {
                name: value for name, value in request.COOKIES.items() if NUL not in name + value
            }
        where = nul_in(request)
        if where is not None:
            return refusal(request, where)
        return self.get_response(request)


def nul_in(request: HttpRequest) -> str | None:
    """What holds a NUL: "path", or the name of the query parameter or form field (as %00 where the
    name itself holds it); None when nothing does."""
    if NUL in request.path:
        return "path"
    for name, values in _parameters(request):
        if NUL in name or any(NUL in value for value in values):
            return name.replace(NUL, "%00")
    return None


def _parameters(request: HttpRequest):
    yield from request.GET.lists()
    if request.method == "POST" and request.content_type in FORM_TYPES:
        try:
            _ = request.body  # read and kept: the view may still read the body itself (a DRF parser does)
        except RequestDataTooBig:
            return  # the view refuses that in its own shape
        yield from request.POST.lists()


def refusal(request: HttpRequest, where: str) -> HttpResponse:
    described = "the path" if where == "path" else f"the parameter {where!r}"
    message = (
        f"The request has a NUL character (%00) in {described}. No text here may contain one: "
        "remove it and send the request again."
    )
    path = request.path_info
    if path.startswith("/o/"):
        return JsonResponse({"error": "invalid_request", "error_description": message}, status=400)
    if path.startswith("/spine/fhir/"):
        issue: dict[str, str | list[str]] = {"severity": "error", "code": "invalid", "diagnostics": message}
        if where != "path":
            issue["expression"] = [where]
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

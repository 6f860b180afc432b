"""The last resort (`handler500`): what a request gets when a view raised and nothing answered for it; and
a page's `handler400` (a form too large to receive), in her language.

The APIs answer their own errors (spine/errors.py, spine/fhir/errors.py); this covers the rest, such as
the token endpoint and the pages. A database that is down or unreachable is not a bug but an outage:
503 with Retry-After, so clients and load balancers try again later. JSON callers get JSON, never an
HTML page: the token endpoint in OAuth's error shape, the APIs in theirs (FHIR's an OperationOutcome).
"""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults

from .language import MACHINE_PATHS

# The database is down, restarting or unreachable (or the transaction hit a deadlock): worth retrying.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = "5"


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A page's 400 that no view answered: above all a form too large to receive (DATA_UPLOAD_MAX_MEMORY_SIZE,
    read by the CSRF check before any view). The APIs answer their own (413); here they keep Django's."""
    if request.path.startswith(MACHINE_PATHS):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        message = _(
            "What was sent is too large to receive (at most %(size)s kB): shorten the text and send it again."
        ) % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024}
    else:
        message = _("The request could not be read.")
    return _page(message, 400)


def server_error(request: HttpRequest) -> HttpResponse:
    return failure_response(request, unavailable=isinstance(sys.exc_info()[1], UNAVAILABLE_ERRORS))


def failure_response(request: HttpRequest, *, unavailable: bool) -> HttpResponse:
    """500, or 503 while the database is unavailable, in the shape the caller expects."""
    status = 503 if unavailable else 500
    # The APIs' paths have English active (maternity/http/language.py); a page has hers.
    message = (
        _("The database is temporarily unavailable: try again shortly.")
        if unavailable
        else _("The server failed to answer this request.")
    )
    response: HttpResponse
    if request.path.startswith("/o/"):
        error = "temporarily_unavailable" if unavailable else "server_error"
        response = JsonResponse({"error": error, "error_description": message}, status=status)
    elif request.path.startswith("/spine/fhir/"):
        code = "transient" if unavailable else "exception"
        issue = {"severity": "error", "code": code, "diagnostics": message}
        body = {"resourceType": "OperationOutcome", "issue": [issue]}
        response = JsonResponse(body, status=status, content_type="application/fhir+json")
    elif request.path.startswith(("/api/", "/spine/")):
        code = "DHG-0006" if unavailable else "DHG-0001"
        if unavailable and request.method not in ("GET", "HEAD", "OPTIONS"):
            message += " Read the resource before you retry: the change may have been saved."
        body = {"errorCode": code, "errorMessage": message, "eventId": getattr(request, "request_id", "")}
        response = JsonResponse(body, status=status)
        response["nhn-error-code"] = code
    else:
        response = _page(message, status)
    if unavailable:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def _page(message: str, status: int) -> HttpResponse:
    """A page's answer, in her language: plain HTML, no template (rendering one may be what failed)."""
    title = (_("Bad request (%(status)s)") if status < 500 else _("Server error (%(status)s)")) % {
        "status": status
    }
    html = (
        f'<!doctype html>\n<html lang="{escape(get_language() or "en")}">\n<head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body>\n<h1>{escape(title)}</h1>\n<p>{escape(message)}</p>\n"
        "</body>\n</html>\n"
    )
    return HttpResponse(html, status=status)

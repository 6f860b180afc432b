"""Every API error in one shape: `{errorCode, errorMessage, eventId}` (+ `field` when one is to blame),
with the code echoed in the `nhn-error-code` header. Bad input is a 4xx, never a 500."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from maternity.errors import RecordError
from maternity.http.server_errors import RETRY_AFTER_SECONDS, UNAVAILABLE_ERRORS

from .authentication import TokenIssuerUnavailable
from .context import echoable_event_id, request_id
from .parsers import BodyHasControlCharacter, BodyTooDeep

logger = logging.getLogger(__name__)

HTTP_STATUS = {
    "DHG-0005": 401,
    "DHG-0007": 404,
    "DHG-0008": 409,
    "DHG-0009": 409,
    "DHG-0010": 403,
    "DHG-0011": 400,
    "DHG-0012": 400,
    "DHG-0013": 400,
    "DHG-0015": 404,
    "DHG-0016": 400,
    "DHG-0017": 409,
}


def event_id_of(request) -> str:
    """The caller's nhn-event-id, else the server's id for the request (the one its events carry)."""
    if request is None:
        return ""
    return echoable_event_id(request) or request_id(request)


def unavailable_response(request):
    """503 with DHG-0006 (NHN's "database error") and Retry-After: a clean answer, not a 500 page."""
    return error_response(
        request,
        "DHG-0006",
        "The database is temporarily unavailable: try again shortly. If this was a write, read the "
        "resource before you retry: the change may have been saved.",
        status=503,
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


def error_response(
    request, code: str, message: str, *, status: int | None = None, field: str | None = None, headers=None
):
    body = {"errorCode": code, "errorMessage": message, "eventId": event_id_of(request)}
    if field:
        body["field"] = field
    response = Response(body, status=status or HTTP_STATUS.get(code, 400), headers=headers)
    response["nhn-error-code"] = code
    return response


def _first_error(detail, path: str = "") -> tuple[str, str, str]:
    """(field path, message, code) of the first error in a DRF error tree."""
    if isinstance(detail, dict):
        key, value = next(iter(detail.items()))
        if isinstance(key, int):  # an item of a list (ListField and ListSerializer key errors by index)
            return _first_error(value, f"{path}[{key}]")
        key = "" if key == "non_field_errors" else str(key)
        return _first_error(value, f"{path}.{key}".strip(".") if key else path)
    if isinstance(detail, list):
        for index, item in enumerate(detail):
            if item:
                child = f"{path}[{index}]" if isinstance(item, dict) else path
                return _first_error(item, child)
    return path, str(detail), getattr(detail, "code", "invalid")


def exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, RecordError):
        return error_response(request, exc.code, exc.message, field=exc.field)
    if isinstance(exc, RequestDataTooBig):
        return error_response(request, "DHG-0011", "The request body is too large.", status=413)
    if isinstance(exc, BodyTooDeep):
        message = f"The request body is {exc.detail}: no request needs so many."
        return error_response(request, "DHG-0011", message)
    if isinstance(exc, BodyHasControlCharacter):
        text = f"{exc.field}: {exc.detail}" if exc.field else str(exc.detail)
        return error_response(request, "DHG-0012", text, field=exc.field or None)
    if isinstance(exc, exceptions.ParseError):
        return error_response(request, "DHG-0011", f"The request body is not valid JSON: {exc.detail}")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return error_response(request, "DHG-0011", "Send the body as application/json.", status=415)
    if isinstance(exc, exceptions.ValidationError):
        field, message, code = _first_error(exc.detail)
        error_code = {"unknown_code": "DHG-0016", "invalid_national_id": "DHG-0013"}.get(code, "DHG-0012")
        text = f"{field}: {message}" if field else message
        return error_response(request, error_code, text, field=field or None)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        message = (
            str(exc.detail)
            if isinstance(exc, exceptions.AuthenticationFailed)
            else ("Authentication required: send Authorization: Bearer <token> from POST /o/token/.")
        )
        challenge = getattr(exc, "challenge", 'Bearer realm="api"')
        return error_response(
            request, "DHG-0005", message, status=401, headers={"WWW-Authenticate": challenge}
        )
    if isinstance(exc, TokenIssuerUnavailable):
        return error_response(
            request, "DHG-0001", str(exc.detail), status=503, headers={"Retry-After": RETRY_AFTER_SECONDS}
        )
    if isinstance(exc, exceptions.Throttled):
        return Response(status=429, headers={"Retry-After": str(int(exc.wait or 1))})
    if isinstance(exc, exceptions.PermissionDenied):
        return error_response(request, "DHG-0010", str(exc.detail))
    if isinstance(exc, Http404 | exceptions.NotFound):
        return error_response(request, "DHG-0015", "Not found.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return error_response(request, "DHG-0012", str(exc.detail), status=405)
    if isinstance(exc, exceptions.NotAcceptable):
        return error_response(request, "DHG-0012", str(exc.detail), status=406)
    if isinstance(exc, exceptions.APIException):
        return error_response(request, "DHG-0001", str(exc.detail), status=exc.status_code)
    if isinstance(exc, UNAVAILABLE_ERRORS):
        logger.warning("Database unavailable: %s", exc)
        return unavailable_response(request)
    return None

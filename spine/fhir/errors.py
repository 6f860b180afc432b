"""Every error of the FHIR operations as an OperationOutcome with a clear diagnostic, never a 500."""

import math

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from maternity import errors as record_errors
from maternity.http.server_errors import RETRY_AFTER_SECONDS, UNAVAILABLE_ERRORS

from ..authentication import TokenIssuerUnavailable
from ..parsers import BodyHasControlCharacter, BodyTooDeep
from .build import operation_outcome
from .parse import FhirInvalid, body_fhirpath

# Domain errors: (HTTP status, OperationOutcome issue type).
RECORD_ERRORS = [
    (record_errors.NotFound, 404, "not-found"),
    (record_errors.ResourceNotFound, 404, "not-found"),
    (record_errors.NotAllowed, 403, "forbidden"),
    (record_errors.AlreadyExists, 409, "duplicate"),
    (record_errors.VersionConflict, 409, "conflict"),
    (record_errors.EnteredInError, 409, "conflict"),
    (record_errors.InvalidNationalId, 422, "value"),
    (record_errors.UnknownCode, 422, "code-invalid"),
    (record_errors.Invalid, 422, "invalid"),
]
HEADER_PREFIXES = ("x-", "nhn-")


def outcome_response(status: int, code: str, diagnostics: str, expression: str | None = None, headers=None):
    # str(): a domain error's message is a lazy string (maternity/rules/wording.py), English on these paths
    body = operation_outcome(diagnostics=str(diagnostics), code=code, expression=expression)
    return Response(body, status=status, headers=headers, content_type="application/fhir+json")


def _expression(context, field: str | None) -> str | None:
    """A domain error's `field` (the services' name, e.g. "startTime") as FHIRPath into the body the request
    sent (`FhirView.expression_for`); None when the body holds no such element (a header)."""
    view = context.get("view")
    return view.expression_for(field) if hasattr(view, "expression_for") else None


def fhir_exception_handler(exc, context):
    if isinstance(exc, FhirInvalid):
        return outcome_response(exc.status, exc.code, exc.message, exc.expression)
    if isinstance(exc, record_errors.RecordError):
        expression = _expression(context, exc.field)
        for kind, status, code in RECORD_ERRORS:
            if isinstance(exc, kind):
                if status == 422 and (exc.field or "").lower().startswith(HEADER_PREFIXES):
                    status = 400  # a bad header, not a bad resource
                return outcome_response(status, code, exc.message, expression)
        return outcome_response(400, "invalid", exc.message, expression)
    if isinstance(exc, RequestDataTooBig):
        return outcome_response(413, "too-costly", "The request body is too large.")
    if isinstance(exc, BodyTooDeep):
        return outcome_response(400, "structure", f"The body is {exc.detail}: no resource needs so many.")
    if isinstance(exc, BodyHasControlCharacter):
        diagnostics = f"{exc.field}: {exc.detail}" if exc.field else str(exc.detail)
        return outcome_response(400, "invalid", diagnostics, body_fhirpath(exc.body, exc.holder))
    if isinstance(exc, exceptions.ParseError):
        return outcome_response(400, "structure", f"The body is not valid JSON: {exc.detail}")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return outcome_response(415, "not-supported", "Send the body as application/fhir+json.")
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        message = (
            str(exc.detail)
            if isinstance(exc, exceptions.AuthenticationFailed)
            else "Authentication required: send Authorization: Bearer <token> from POST /o/token/."
        )
        challenge = getattr(exc, "challenge", 'Bearer realm="api"').replace('realm="api"', 'realm="fhir"')
        return outcome_response(401, "login", message, headers={"WWW-Authenticate": challenge})
    if isinstance(exc, TokenIssuerUnavailable):
        return outcome_response(
            503, "transient", str(exc.detail), headers={"Retry-After": RETRY_AFTER_SECONDS}
        )
    if isinstance(exc, exceptions.Throttled):
        wait = str(max(1, math.ceil(exc.wait or 1)))
        return outcome_response(429, "throttled", str(exc.detail), headers={"Retry-After": wait})
    if isinstance(exc, exceptions.PermissionDenied):
        return outcome_response(403, "forbidden", str(exc.detail))
    if isinstance(exc, Http404 | exceptions.NotFound):
        return outcome_response(404, "not-found", "Not found.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return outcome_response(405, "not-supported", str(exc.detail))
    if isinstance(exc, exceptions.NotAcceptable):
        return outcome_response(406, "not-supported", str(exc.detail))
    if isinstance(exc, exceptions.APIException):
        return outcome_response(exc.status_code, "processing", str(exc.detail))
    if isinstance(exc, UNAVAILABLE_ERRORS):
        return outcome_response(
            503,
            "transient",
            "The database is temporarily unavailable: try again shortly.",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    return None

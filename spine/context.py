"""What a record API request says about who is acting and for which patient (the nhn-* headers)."""

import contextlib
import re
import unicodedata
import uuid
from dataclasses import replace
from datetime import date
from urllib.parse import unquote

from maternity.actors import Actor
from maternity.errors import Invalid, InvalidNationalId, NotAllowed
from maternity.http.json_input import json_loads
from maternity.models import UserType
from maternity.rules.identifiers import InvalidIdentifier, NationalId, parse_national_id
from maternity.rules.pregnancy_keys import PregnancyKeys
from maternity.signin.locations import signed_in_professional

# C0 controls (NUL, tab, CR, LF, ESC ...), DEL and C1 controls: in a name or an id they only serve to forge
# lines in logs and the audit trail, or to fail in PostgreSQL (NUL). No header value read here may hold one.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _refuse_control_characters(name: str, value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise Invalid(
            f"{name} must not contain control characters (such as NUL, tab, CR, LF or ESC), raw or "
            "percent-encoded.",
            field=name,
        )
    return value


def _header(request, name: str) -> str:
    """A header's value as text. WSGI hands header bytes over as latin-1, so UTF-8 sent raw arrives garbled:
    undo that. Control characters are refused (Invalid, naming the header)."""
    value = request.headers.get(name, "").strip(" \t")  # optional whitespace (RFC 9110), nothing else
    with contextlib.suppress(UnicodeError):  # not UTF-8 bytes: keep the text as it came
        value = value.encode("latin-1").decode("utf-8")
    return _refuse_control_characters(name, value)


def _text_header(request, name: str) -> str:
    """A header carrying free text, such as a person's name ("Åse Ødegård"), raw UTF-8 or percent-encoded
    UTF-8 (for HTTP libraries that refuse non-ASCII header values, as nhn-user-role is encoded). Control
    characters are refused however they were sent."""
    return _refuse_control_characters(name, unquote(_header(request, name)).strip(" \t"))


def echoable_event_id(request) -> str:
    """The caller's nhn-event-id as an error body may echo it: only one the request would accept
    (`_event_id`). One it refuses, too long or holding a control character, is not echoed, cut or not: the
    error then says why, with the server's id for the request instead."""
    try:
        return _event_id(request)
    except Invalid:
        return ""


def request_id(request) -> str:
    """The server's id for this request: made once, then shared by the events it writes and by its error
    body, so an error can be traced. A request id set earlier (e.g. by a middleware) is kept."""
    http_request = getattr(request, "_request", request)
    if not getattr(http_request, "request_id", ""):
        http_request.request_id = uuid.uuid4().hex
    return http_request.request_id


def source_system(request) -> str:
    value = _text_header(request, "nhn-source-system")
    if not 3 <= len(value) <= 512:
        raise Invalid(
            "The nhn-source-system header is required: your system's name and version, 3-512 characters.",
            field="nhn-source-system",
        )
    return value


def patient_national_id(request) -> NationalId:
    value = _header(request, "nhn-patient-nin")
    if not value:
        raise Invalid(
            "The nhn-patient-nin header is required: the patient's national ID.", field="nhn-patient-nin"
        )
    try:
        return parse_national_id(value)
    except InvalidIdentifier as error:
        raise InvalidNationalId(f"nhn-patient-nin: {error}", field="nhn-patient-nin") from None


def _user_role(request) -> str:
    """`nhn-user-role`: URL-encoded JSON `{"system": ..., "code": "JO"}` (optional)."""
    raw = _header(request, "nhn-user-role")
    if not raw:
        return ""
    try:
        role = json_loads(_refuse_control_characters("nhn-user-role", unquote(raw)))
        code = role["code"] if isinstance(role, dict) else None
    except (ValueError, KeyError):
        code = None
    if not isinstance(code, str) or not 1 <= len(code) <= 10:
        raise Invalid(
            'nhn-user-role must be URL-encoded JSON like {"system": "...", "code": "JO"}.',
            field="nhn-user-role",
        )
    return code


def _same_name(a: str, b: str) -> bool:
    """Names compared as people read them: case, accents composed or not, and spacing aside."""

    def normal(name: str) -> str:
        return " ".join(unicodedata.normalize("NFC", name).casefold().split())

    return normal(a) == normal(b)


def _person_from_token(request, professional) -> tuple[str, str, str]:
    """(name, HPR number, role) of the professional a user token names. The X-Acting-User-* headers and
    nhn-user-role are optional then; sent, they must say what the token says (else 400)."""
    name = _text_header(request, "X-Acting-User-Name")[:200]
    user_id = _header(request, "X-Acting-User-Id")[:40]
    role = _user_role(request)
    if user_id and user_id != professional.hpr_nr:
        raise Invalid(
            f"X-Acting-User-Id {user_id} is not the HPR number in the access token "
            f"({professional.hpr_nr or 'none'}): leave the header out, or send the same.",
            field="X-Acting-User-Id",
        )
    if name and professional.name and not _same_name(name, professional.name):
        raise Invalid(
            f"X-Acting-User-Name is not the name in the access token ({professional.name}): leave the header "
            "out, or send the same.",
            field="X-Acting-User-Name",
        )
    if role and professional.roles and role not in professional.roles:
        raise Invalid(
            f"nhn-user-role {role} is not among the roles in the access token "
            f"({', '.join(professional.roles)}).",
            field="nhn-user-role",
        )
    if not role and len(professional.roles) == 1:
        role = professional.roles[0]
    return professional.name or name, professional.hpr_nr, role


def client_actor(request, *, writing: bool, source_system_required: bool = True) -> Actor:
    """The Actor for a request by a client system. On writes, the human behind it must be named: by a user
    token (spine/trusted_tokens.py), else by the X-Acting-User-* headers."""
    client = request.spine_client
    professional = getattr(request, "token_professional", None)
    if professional is not None:
        name, user_id, role = _person_from_token(request, professional)
    else:
        name = _text_header(request, "X-Acting-User-Name")[:200]
        user_id = _header(request, "X-Acting-User-Id")[:40]
        role = _user_role(request)
        if writing and not (name and user_id):
            raise Invalid(
                "X-Acting-User-Name and X-Acting-User-Id are required on writes (the person making the "
                "change), unless the access token is a user token that names her.",
                field="X-Acting-User-Name" if not name else "X-Acting-User-Id",
            )
    event_id = _event_id(request)
    return Actor(
        user_type=UserType.HEALTH_CARE_PROFESSIONAL,
        user=request.user,
        care_location=client.care_location,
        name=name or client.name,
        hpr_nr=user_id,
        hpr_role=role,
        source_system=source_system(request)
        if source_system_required
        else (_text_header(request, "nhn-source-system")[:512] or client.name),
        client_id=client.client_id,
        client_event_id=event_id,
        request_id=request_id(request),
        restricted_categories=tuple(client.restricted_categories),
    )


def _event_id(request) -> str:
    event_id = _header(request, "nhn-event-id")
    if len(event_id) > 128:
        raise Invalid("nhn-event-id must be at most 128 characters.", field="nhn-event-id")
    return event_id


def professional_actor(request) -> Actor:
    """The Actor for a professional signed in to this app (a browser session), acting for the Care
    Location chosen at login. She is the person behind the request, so no X-Acting-User-* headers."""
    actor = signed_in_professional(request)
    if actor is None:
        raise NotAllowed(
            "Only health care professionals acting for a Care Location may use this API: sign in and "
            "choose the Care Location you act for."
        )
    return replace(
        actor,
        source_system=_text_header(request, "nhn-source-system")[:512] or actor.source_system,
        client_event_id=_event_id(request),
        request_id=request_id(request),
    )


def calling_client(request):
    """The client system behind a bearer-token request. The event feed and webhooks are for client
    systems: a professional signed in to the app has the app's own pages instead."""
    client = getattr(request, "spine_client", None)
    if client is None:
        raise NotAllowed("The event feed and webhook subscriptions are for client systems (bearer tokens).")
    return client


def request_actor(request, *, writing: bool, source_system_required: bool = True) -> Actor:
    """Who is acting: a client system (bearer token) or a signed-in professional (session)."""
    if getattr(request, "spine_client", None) is not None:
        return client_actor(request, writing=writing, source_system_required=source_system_required)
    return professional_actor(request)


def _date_header(request, name: str) -> date | None:
    """None when the header is absent; sent empty, it is refused like any other value that is no date."""
    if name not in request.headers:
        return None
    try:
        return date.fromisoformat(_header(request, name))
    except ValueError:
        raise Invalid(f"{name} must be a date, YYYY-MM-DD.", field=name) from None


def pregnancy_keys(request, national_id: NationalId) -> PregnancyKeys | None:
    """The pregnancy keys, when the caller sends them: nhn-patient-nin with X-Patient-Birth-Date and
    X-Pregnancy-EDD. With them a caller that is not yet a stakeholder may read or write the record."""
    birth_date = _date_header(request, "X-Patient-Birth-Date")
    edd = _date_header(request, "X-Pregnancy-EDD")
    if birth_date is None and edd is None:
        return None
    if birth_date is None or edd is None:
        missing = "X-Patient-Birth-Date" if birth_date is None else "X-Pregnancy-EDD"
        raise Invalid(
            "Send both X-Patient-Birth-Date and X-Pregnancy-EDD (with nhn-patient-nin) to use the pregnancy "
            "keys.",
            field=missing,
        )
    return PregnancyKeys(national_id=national_id, date_of_birth=birth_date, edd=edd)

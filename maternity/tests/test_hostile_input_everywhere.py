"""No input causes a 500, anywhere: every URL pattern the resolver has (the APIs, the pages, the portal, the
admin, OAuth) gets each hostile input from each kind of caller that uses it, and none may answer 5xx.

The patterns come from the resolver itself, and the test asserts it reached every one, so a URL added later
is walked too (or the test says what it could not fill). Path parameters are real ids: the cast's record,
its list items, the client's subscription, and in the admin a real row of each model. Each request runs in
a savepoint rolled back afterwards, with the cache (the rate limits' counts) emptied and the caller's cookies
put back, so every request meets the same data and the same signed-in caller, whatever the one before did.

Site-wide, so here rather than in spine/tests. Run with -s to see the inputs and the count of patterns.
"""

import copy
import json
import re
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

from conftest import a_birth_then_active_again, fetch_token
from dataset.access import change_site_caller
from dataset.services import proposal_comment_add, proposal_create
from maternity import services
from maternity.models import (
    AccessAction,
    AccessOutcome,
    AntenatalAppointment,
    Birth,
    CareLocationEpisode,
    Note,
    Practitioner,
    ReviewKind,
    SymphysisFundalHeight,
)
from maternity.tests.web.conftest import practitioner
from maternity.tests.web.factories import days_from_today
from portal.tests.conftest import link_patient
from spine.services.subscriptions import subscription_create

pytestmark = pytest.mark.django_db

NUL = "\x00"
FORM = "application/x-www-form-urlencoded"
DEEP = '{"a": [' * 500 + "]}" * 500  # 1,000 levels of objects and arrays in 7 KB
# Query parameters the views read (searches, sorting, paging, filters, cursors), each sent alone with a
# NUL so that no refusal of one hides another; and a NUL in a parameter's name.
QUERY_PARAMETERS = [
    *["q", "p", "o", "e", "sort", "page", "status", "after", "limit", "next", "from", "to", "export"],
    *["_count", "_type", "_cursor"],  # FHIR paging ($everything)
    "resource",  # the data dictionary's filter (/data-set/?resource=<wire name>; `q` is above)
    "state",  # the change proposals' filter (dataset/views/proposals.py)
    "%00",
]
FIELDS = [
    *["q", "name", "username", "password", "note", "reason", "url", "mine", "next", "action", "post"],
    *["outcome", "comment"],  # the access review page's
    # the data set's change site (dataset/forms/): a proposal, its draft's first row, its thread, a release
    *[
        "title",
        "change",
        "resources",
        "on_behalf_of",
        "more_rows",
        "fields-TOTAL_FORMS",
        "fields-INITIAL_FORMS",
    ],
    *["fields-0-name", "fields-0-type", "fields-0-unit", "fields-0-required", "fields-0-description"],
    *["body", "version", "to", "scheduled_version", "support", "follow", "summary", "edits"],
]
FORM_BODY = "&".join(f"{name}=%00" for name in FIELDS) + "&%00=x"
DEEP_FORM = urlencode({"resolve": "mine", "version": 1, "base_version": 1, "mine": DEEP})  # a conflict page's
JSON_BODY = json.dumps({**{name: NUL for name in FIELDS}, NUL: NUL, "entry": [{"note": NUL}]})
ACTING_USER_NAMES = {
    "X-Acting-User-Name: %00": "Kari%00Jordmor",
    "X-Acting-User-Name: CR LF (raw)": "Kari\r\nX-Forged: yes",
    "X-Acting-User-Name: %0D%0A": "Kari%0D%0AX-Forged: yes",
    "X-Acting-User-Name: ESC (raw)": "Kari\x1b[31mJordmor",
    "X-Acting-User-Name: %1B": "Kari%1B[31mJordmor",
}
HEADERS_READ = [
    "X-Acting-User-Name",
    "X-Acting-User-Id",
    "nhn-source-system",
    "nhn-event-id",
    "nhn-patient-nin",
    "nhn-user-role",
    "X-Patient-Birth-Date",
    "X-Pregnancy-EDD",
]
IN_QUERY = f"NUL in a query parameter, each alone ({', '.join(QUERY_PARAMETERS)}, and each admin list filter)"
IN_FORM = "NUL in form values and a field name (urlencoded POST)"
IN_JSON = "NUL in JSON values and a key"
NESTED = "JSON nested 1,000 levels deep (7 KB)"
NESTED_IN_FORM = "JSON nested 1,000 levels deep in a form field (the conflict pages' carried entry, `mine`)"
NOT_AN_ID = "a value that is no id, code or date in each admin list filter"
IN_COOKIE = 'NUL in the session cookie (quoted, "\\000...": plain ASCII on the wire)'
EVERY_HEADER = f"%00 and ESC in every header the APIs read ({', '.join(HEADERS_READ)})"
HOSTILE_INPUTS = [
    IN_QUERY,
    NOT_AN_ID,
    IN_FORM,
    NESTED_IN_FORM,
    IN_JSON,
    NESTED,
    *ACTING_USER_NAMES,
    EVERY_HEADER,
    IN_COOKIE,
]

# Patterns no request reaches: an earlier pattern of the same URL answers it (the rate-limited wrappers of
# the same views). The walk checks each URL resolves to its own pattern, so this list cannot go stale.
SHADOWED = {
    "admin/login/": "config/urls.py serves it first as sign_in_limited(admin.site.login)",
    "o/token/": "spine/urls_oauth.py serves it first, rate-limited (spine/tokens.py)",
    "o/revoke_token/": "spine/urls_oauth.py serves it first, rate-limited (spine/tokens.py)",
    "oidc/authenticate/": "config/urls.py serves it first, rate-limited (oidc_limited)",
    "oidc/callback/": "config/urls.py serves it first, rate-limited (oidc_limited)",
}
# The regular-expression patterns, filled by hand: a new one fails the walk until it is added here.
REGEX_FILLS = {
    "^(?P<app_label>": lambda ids: "maternity/",
    "(?P<url>.*)$": lambda ids: "no-such-page/",
    "^([^/]+)/history/([^/]+)/$": lambda ids: f"{ids['record']}/history/{ids['record history']}/",
    r"^\.well-known/openid-configuration/?$": lambda ids: ".well-known/openid-configuration",
    "^.*$": lambda ids: "no/such/endpoint",
}


@dataclass
class Caller:
    name: str
    client: Client
    headers: dict


def walk(resolver=None, chain=()):
    """Every URL pattern, as the chain of patterns (includes, then the pattern) that leads to it."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, (*chain, pattern))
        else:
            yield (*chain, pattern)


def route_of(chain) -> str:
    return "".join(str(part.pattern) for part in chain)


def fill(chain, ids: dict) -> str:
    """The pattern's URL with its parameters filled with real ids."""
    path, model = "/", None
    for part in chain:
        text = str(part.pattern)
        if isinstance(part.pattern, RegexPattern):
            fills = [make for prefix, make in REGEX_FILLS.items() if text.startswith(prefix)]
            assert fills, f"No fill for the regex URL pattern {route_of(chain)!r}: add one to REGEX_FILLS."
            path += fills[0](ids)
            continue
        model_admin = re.fullmatch(r"(\w+)/(\w+)/", text)
        if path == "/admin/" and model_admin and isinstance(part, URLResolver):  # a ModelAdmin's URLs
            model = apps.get_model(*model_admin.groups())
        path = fill_route(text, path, model, ids)
    return path


def fill_route(route: str, path: str, model, ids: dict) -> str:
    """`path` followed by `route`, each <converter:name> in it filled."""
    end = 0
    for parameter in re.finditer(r"<(?:\w+:)?(\w+)>", route):
        path += route[end : parameter.start()]
        path += value_of(parameter[1], path, model, ids)
        end = parameter.end()
    return path + route[end:]


def value_of(name: str, before: str, model, ids: dict) -> str:
    segment = before.rstrip("/").rsplit("/", 1)[-1]
    if name in ("resource_id", "item_id"):
        return str(ids.get(segment, ids["antenatalAppointments"]))  # the list named just before it
    if name == "resource_type":
        if before.startswith("/api/"):
            return "notAResource"  # the known types have patterns of their own
        listed = "<uuid:item_id>" in ids["filling"] or ids["filling"].endswith("/new/")
        return "antenatalAppointments" if listed else "mother"
    if name == "object_id" and model is not None:
        assert model in ids["admin rows"], f"No {model._meta.label} row to fill {before}: make one in cast()."
        return str(ids["admin rows"][model])
    if name == "pk":
        return str(ids["access token"] if "authorized_tokens" in before else ids["application"])
    values = {
        "record_id": ids["record"],
        "subscription_id": ids["subscription"],
        "object_id": ids["record"],  # /admin/r/<content_type_id>/<object_id>/: the record's content type
        "content_type_id": ids["record content type"],
        "id": ids["superuser"],
        "client_id": ids["client id"],
        "user_code": "ABCD1234",
        "issuer_path": "elsewhere",
        "resource_path": "elsewhere",
        "booking_id": ids["booking"],
        "restriction_id": ids["restriction"],
        "step": 1,
        "code": ids["region code"],
        "number": ids["proposal"],
        "comment": ids["proposal comment"],
    }
    assert name in values, f"No value for the URL parameter <{name}> in {before!r}: add one to value_of()."
    return str(values[name])


def methods_of(pattern: URLPattern) -> list[str]:
    """The methods the view answers; GET and POST for a function view (it may take either)."""
    callback = pattern.callback
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return ["GET", "POST"]
    initkwargs = getattr(callback, "initkwargs", None) or getattr(callback, "view_initkwargs", None) or {}
    names = initkwargs.get("http_method_names", view_class.http_method_names)
    return [m.upper() for m in names if m not in ("head", "options", "trace") and hasattr(view_class, m)]


def area_of(path: str) -> str:
    for prefix, area in [
        ("/api/maternity-record/", "api"),
        ("/spine/", "api"),
        ("/admin/", "admin"),
        ("/portal/", "portal"),
        ("/o/", "oauth"),
        ("/data-set/", "data set"),
    ]:
        if path.startswith(prefix):
            return area
    return "pages"


def list_filter_parameters(chain) -> list[str]:
    """The query parameters of a changelist's filters (`status__exact`, `care_location`, ...)."""
    model_admin = getattr(chain[-1].callback, "model_admin", None)
    if model_admin is None or not (chain[-1].name or "").endswith("_changelist"):
        return []
    names = []
    for entry in model_admin.list_filter:
        entry = entry[0] if isinstance(entry, tuple) else entry
        names.append(f"{entry}__exact" if isinstance(entry, str) else entry.parameter_name)
    return names


def hostile_requests(method: str, path: str, chain) -> list[tuple[str, dict]]:
    """(hostile input, what to send) for one method of one URL."""
    content_type = "application/fhir+json" if path.startswith("/spine/fhir/") else "application/json"
    writing = method != "GET"
    empty = "{}" if writing else ""
    filters = list_filter_parameters(chain) if not writing else []
    names = [*QUERY_PARAMETERS, *filters] if not writing else ["q"]
    sent = [
        (f"{IN_QUERY}: {name}", {"query": f"{name}=%00", "data": empty, "type": content_type})
        for name in names
    ]
    sent += [(f"{NOT_AN_ID}: {name}", {"query": f"{name}=x", "data": "", "type": FORM}) for name in filters]
    if method == "POST":
        sent.append((IN_FORM, {"data": FORM_BODY, "type": FORM}))
        sent.append((NESTED_IN_FORM, {"data": DEEP_FORM, "type": FORM}))
    if writing:
        sent.append((IN_JSON, {"data": JSON_BODY, "type": content_type}))
        sent.append((NESTED, {"data": DEEP, "type": content_type}))
    if area_of(path) == "api":  # the only part of the site that reads these headers
        for name, value in ACTING_USER_NAMES.items():
            sent.append((name, {"data": empty, "type": content_type, "X-Acting-User-Name": value}))
    every = {name: "%00\x1b" for name in HEADERS_READ}
    sent.append((EVERY_HEADER, {"data": empty, "type": content_type, **every}))
    if not writing:  # (it replaces the caller's cookies: the same request whoever sends it, so sent once)
        cookie = f'{settings.SESSION_COOKIE_NAME}="\\000{"a" * 32}"'
        sent.append((IN_COOKIE, {"data": "", "type": FORM, "Cookie": cookie, "once": True}))
    return sent


def send(caller: Caller, method: str, path: str, request: dict):
    request = dict(request)
    query, data, content_type = request.pop("query", ""), request.pop("data"), request.pop("type")
    request.pop("once", None)
    url = f"{path}?{query}" if query else path
    cookies = copy.deepcopy(caller.client.cookies)
    try:
        with transaction.atomic():
            response = caller.client.generic(
                method, url, data, content_type=content_type, headers={**caller.headers, **request}
            )
            transaction.set_rollback(True)
    finally:
        caller.client.cookies = cookies  # a sign-out or a new session was rolled back with the rest
        cache.clear()
    return response


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def cast(record, client_a, location_a, midwife_actor, superuser, admin_a, nin):
    """The ids that fill the URLs, and the callers of each part of the site."""
    today = days_from_today(0)
    for resource_type, data in [
        ("antenatalAppointments", {"appointment_date": today - timedelta(days=7)}),
        ("symphysisFundalHeights", {"measurement": 30, "measurement_date": today - timedelta(days=7)}),
    ]:
        services.resource_create(
            record_id=record.pk, resource_type=resource_type, data=data, actor=midwife_actor
        )
    a_birth_then_active_again(record, midwife_actor, timezone.now() - timedelta(hours=1))
    services.care_pull(record_id=record.pk, actor=midwife_actor)  # a note, and a second care episode
    token = fetch_token(client_a.client_id, client_a.client_secret)
    application = client_a.client.application
    midwife = practitioner("kari", location_a)
    patient = link_patient(record.person)
    subscription = subscription_create(client=client_a.client, url="https://127.0.0.1/hook")
    soon = timezone.now() + timedelta(hours=1)
    Grant.objects.create(
        user=superuser,
        code="hostile",
        application=application,
        expires=soon,
        redirect_uri="https://x.example",
    )
    id_token = IDToken.objects.create(user=superuser, application=application, jti=uuid.uuid4(), expires=soon)
    RefreshToken.objects.create(user=superuser, token="hostile-refresh", application=application)
    services.access_log_write(action=AccessAction.READ, outcome=AccessOutcome.ALLOWED, actor=midwife_actor)
    ids = {
        "record": record.pk,
        "record history": record.history.first().history_id,
        "record content type": ContentType.objects.get_for_model(record).pk,
        "subscription": subscription.subscription.pk,
        "application": application.pk,
        "client id": application.client_id,
        "access token": AccessToken.objects.get(application=application).pk,
        "superuser": superuser.pk,
        "id token": id_token.pk,
    }
    lists = {
        "antenatalAppointments": AntenatalAppointment,
        "symphysisFundalHeights": SymphysisFundalHeight,
        "births": Birth,
        "careLocations": CareLocationEpisode,
        "notes": Note,
    }
    for name, model in lists.items():
        ids[name] = model.objects.filter(record=record).values_list("pk", flat=True).first()
        assert ids[name], f"The cast has no {name} item"
    ids["restriction"] = (
        services.restriction_add(  # one of the appointments, restricted by the cast's location
            record_id=record.pk,
            resource_type="antenatalAppointments",
            resource_id=ids["antenatalAppointments"],
            category="SAFEGUARDING",
            actor=midwife_actor,
        ).pk
    )
    ids["booking"] = services.resource_create(
        record_id=record.pk,
        resource_type="bookings",
        data={"starts_at": timezone.now() + timedelta(days=7), "kind": "ANTENATAL"},
        actor=midwife_actor,
    ).pk
    Group.objects.get_or_create(name="Hostile input")
    services.review_item_add(  # an item in A's access review queue, for its admin pages
        kind=ReviewKind.BREAK_GLASS, care_location=location_a, actor=midwife_actor, record=record
    )
    # A region the midwife reads, so its pages run their whole view for her (maternity/web/regional.py).
    ids["region code"] = services.region_create(
        name="Hostile region", code="hostile", care_locations=[location_a], viewers=[midwife], by=superuser
    ).code
    # A change proposal the midwife made, for the change site's pages (dataset/): its thread and forms.
    ids["proposal"] = proposal_create(
        caller=change_site_caller(midwife),
        title="Record the cord blood pH",
        change="A decimal on births.",
        reason="The registry asks for it.",
        resources=["births"],
    ).number
    ids["proposal comment"] = proposal_comment_add(  # hers: its author's page to change it
        caller=change_site_caller(midwife), number=ids["proposal"], body="The lab has it.", version=1
    ).pk
    ids["admin rows"] = {
        model: model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        for model in apps.get_models()
    }
    ids["admin rows"][Practitioner] = Practitioner.objects.get(user=midwife).pk
    nhn = {  # what a client system sends; others send it too (nothing but the APIs reads it)
        "nhn-source-system": "Test EPJ 1.0",
        "nhn-patient-nin": nin,
        "X-Acting-User-Name": "Kari Jordmor",
        "X-Acting-User-Id": "9144889",
    }
    anonymous = Caller("anonymous", Client(raise_request_exception=False), nhn)
    client_system = Caller(
        "a client system", Client(raise_request_exception=False), {**nhn, "Authorization": f"Bearer {token}"}
    )
    the_midwife = Caller("a signed-in midwife", signed_in(midwife), nhn)
    callers = {
        "api": [client_system, the_midwife, anonymous],
        "oauth": [client_system, the_midwife, anonymous],
        "pages": [the_midwife, anonymous],
        # the data set's pages: the change site's national administration too (its state and release forms)
        "data set": [
            Caller("the national administration", signed_in(superuser), nhn),
            the_midwife,
            anonymous,
        ],
        "portal": [Caller("the pregnant person", signed_in(patient), nhn), anonymous],
        "admin": [
            Caller("a superuser", signed_in(superuser), nhn),
            Caller("a Care Location admin", signed_in(admin_a), nhn),
            anonymous,
        ],
    }
    return ids, callers


def test_no_url_answers_any_hostile_input_with_a_server_error(cast):
    ids, callers = cast
    started = time.monotonic()
    chains = list(walk())
    failures, covered, shadowed, sent = [], [], [], 0
    for chain in chains:
        pattern, route = chain[-1], route_of(chain)
        ids["filling"] = route
        path = fill(chain, ids)
        if resolve(path).func is not pattern.callback:
            shadowed.append(route)
            continue
        covered.append(route)
        for method in methods_of(pattern):
            for hostile, request in hostile_requests(method, path, chain):
                for caller in callers[area_of(path)][-1:] if request.get("once") else callers[area_of(path)]:
                    response = send(caller, method, path, request)
                    sent += 1
                    if response.status_code >= 500 or response.exc_info:
                        error = response.exc_info[1] if response.exc_info else None
                        failures.append(
                            f"{response.status_code} {method} {path} as {caller.name}, {hostile}: {error!r}"
                        )
    summary = (
        f"{len(covered)} URL patterns walked of the resolver's {len(chains)} ({len(shadowed)} shadowed: "
        f"{', '.join(shadowed)}); {sent} requests in {time.monotonic() - started:.0f} s.\nHostile inputs:\n"
        + "\n".join(f"- {hostile}" for hostile in HOSTILE_INPUTS)
    )
    print(f"\n{summary}")
    assert sorted(shadowed) == sorted(SHADOWED), summary
    assert len(covered) == len(chains) - len(SHADOWED), summary
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures) + f"\n{summary}"

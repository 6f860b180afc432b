"""Reads that may lag a moment go to a replica; writes, and every read that must see them, to the primary.

Installed only when DATABASE_REPLICA_URL is set (config/settings.py): then `ReplicaRouter` is the database
router and `ReplicaRoutingMiddleware` keeps what it needs to know of the request being answered. Without
it neither exists and every query goes to "default", as it always did.

Writes go to "default", the primary: every write, the audit entry included. Migrations run only there.

A read goes to "replica" only when all of these hold, checked in this order, and to "default" otherwise:
1. it is made while answering a request (management commands and workers read the primary);
2. the request's view is marked `@lag_tolerant` and its method is safe (GET, HEAD, OPTIONS): a PUT or a
   POST to the same view reads the primary;
3. its model is not primary-only (`PRIMARY_ONLY`: sign-in, tokens, sessions, permissions, who a user is
   and acts for: a token just issued, a session just made, a client or location just deactivated must be
   seen at once);
4. no transaction is open on "default": a service reads its own writes and the rows it has locked;
5. the request has written nothing (any write but the audit entry) and has not asked for the primary
   (`read_primary_from_now`): from then on it reads what it wrote;
6. the caller is not pinned to the primary.

The caller is `request.user` (a client system's service user, as the spine's authentication sets it; the
signed-in midwife or pregnant person). A caller is pinned for DATABASE_PRIMARY_PIN_SECONDS when its request
used an unsafe method (POST, PUT, PATCH, DELETE), whatever the answer (a 409 may come from another writer's
change, which the caller must now see), or wrote: so the next requests read what it wrote, on every app
server, since the pins are kept in the shared cache (Redis in production). A request looks its caller's pin
up at most once, and only when a read could go to the replica.
"""

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache as memoize
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PIN_KEY = "primary-pin:{}"
AUDIT_MODEL = "maternity.accesslog"  # the audit entry every request writes: not a write its caller reads
MARK = "lag_tolerant"

# Always read from the primary: whole apps (a label) and single models (app.model). Who is calling and with
# what: users, groups and permissions, sessions, the admin's log, content types, django-oauth-toolkit's
# applications, grants and tokens (the token models settings name are its own), django-guardian's grants;
# a client system (its token's owner, active or not); a user's professional identity; the Care Locations a
# user acts for (and whether they are active). The pregnant person (maternity.Person) is the record's data
# here, found by her national ID; the portal, which finds her by her account, reads the primary.
PRIMARY_ONLY = (
    "auth",
    "contenttypes",
    "sessions",
    "admin",
    "oauth2_provider",
    "guardian",
    "spine.spineclient",
    "maternity.practitioner",
    "maternity.carelocation",
)


@dataclass
class _Request:
    """What the router knows of the request being answered."""

    request: HttpRequest
    safe: bool  # GET, HEAD or OPTIONS
    lag_tolerant: bool = False  # its view is marked `lag_tolerant`
    primary: bool = False  # it wrote, or asked for the primary: reads the primary from now on
    pin_of: Any = None  # whose pin `pinned` is (looked up once)
    pinned: bool = False


_current: ContextVar[_Request | None] = ContextVar("replica_routing_request", default=None)

V = TypeVar("V", bound=Callable[..., Any])


def lag_tolerant(view: V) -> V:
    """Mark a view whose GET may read from the replica: a function view (outermost decorator), or a view
    class (Django's or DRF's: the middleware finds the class on the function `as_view` returns). What it
    shows may be a moment behind the primary (the replication lag), except what its caller wrote."""
    setattr(view, MARK, True)
    return view


def is_lag_tolerant(view_func: Callable[..., Any]) -> bool:
    view_class = getattr(view_func, "view_class", None)
    return bool(getattr(view_func, MARK, False) or getattr(view_class, MARK, False))


def read_primary_from_now() -> None:
    """The rest of this request reads the primary, and its caller is pinned to it: for a service that let
    the caller see more (a stakeholder grant) but may have found the change made already and written
    nothing. Outside a request (or without a replica) nothing changes: every read is the primary's."""
    state = _current.get()
    if state is not None:
        state.primary = True


def read_alias(model: type[Model]) -> str:
    """The alias a read of `model` goes to: the router's choice when one is installed; else "default", at
    the cost of one settings lookup (for raw SQL, which no router sees)."""
    return router.db_for_read(model) if settings.DATABASE_ROUTERS else DEFAULT_DB_ALIAS


@memoize
def _primary_only(model: type[Model]) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY or meta.label_lower in PRIMARY_ONLY


def _caller(request: HttpRequest) -> Any:
    """The calling user's primary key, or None for nobody (anonymous; DRF's unauthenticated user is None)."""
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _pinned(state: _Request) -> bool:
    caller = _caller(state.request)
    if caller is None:
        return False
    if state.pin_of != caller:  # once per request (and again only if DRF authenticated someone else)
        state.pin_of = caller
        try:
            state.pinned = cache.get(PIN_KEY.format(caller)) is not None
        except Exception as error:  # the cache is down: the primary is always right
            log.warning("Primary pin of user %s not read (%s): reading the primary", caller, error)
            state.pinned = True
    return state.pinned


def _pin(request: HttpRequest) -> None:
    caller = _caller(request)
    if caller is None:
        return
    try:
        cache.set(PIN_KEY.format(caller), 1, timeout=settings.DATABASE_PRIMARY_PIN_SECONDS)
    except Exception:  # the answer stands; the caller may read the replica's older rows for a moment
        log.exception("User %s not pinned to the primary: the cache is not reachable", caller)


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        state = _current.get()
        if (
            state is None
            or not (state.lag_tolerant and state.safe)
            or _primary_only(model)
            or connections[PRIMARY].in_atomic_block
            or state.primary
            or _pinned(state)
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        state = _current.get()
        if state is not None and model._meta.label_lower != AUDIT_MODEL:
            state.primary = True
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # one database, copied: a row read from the replica is the primary's row

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == PRIMARY


class ReplicaRoutingMiddleware:
    """Holds the request's routing state while it is answered, notes whether its view is lag-tolerant, and
    pins its caller to the primary when it used an unsafe method or wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = _Request(request, safe=request.method in SAFE_METHODS)
        token = _current.set(state)
        try:
            response = self.get_response(request)
            if state.primary or not state.safe:
                _pin(request)
            return response
        finally:
            _current.reset(token)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args, view_kwargs
    ) -> None:
        state = _current.get()
        if state is not None:
            state.lag_tolerant = is_lag_tolerant(view_func)

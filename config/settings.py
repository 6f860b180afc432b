"""Settings, all from environment variables with safe defaults.

Production is the default: DEBUG is off and DJANGO_SECRET_KEY must be set. `make run` and the test
suite switch DEBUG on or give a key explicitly. DATABASE_URL selects PostgreSQL; without it an embedded
SQLite file is used (fine for a demo, not for concurrent writers).
"""

import json
import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from dataset.versions import DATA_SET_VERSION

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    return default if value in (None, "") else float(value)


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


RATE = re.compile(r"(?P<count>\d+)/(?P<number>\d*)(?P<unit>[smhd]?)")
SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def envrate(name: str, default: str) -> tuple[int, int] | None:
    """A rate limit as (count, seconds), from "count/period": 5/15m is five per fifteen minutes, 20/60 twenty
    per 60 seconds, 10/h ten per hour. "off" is no limit (None)."""
    value = (os.environ.get(name) or default).strip().lower().replace(" ", "")
    if value == "off":
        return None
    match = RATE.fullmatch(value)
    count, seconds = 0, 0
    if match and (match["number"] or match["unit"]):
        count, seconds = int(match["count"]), int(match["number"] or 1) * SECONDS[match["unit"]]
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured(
            f"{name} must be a count per period such as 5/15m or 20/60, or off: {value!r}."
        )
    return count, seconds


DEBUG = envbool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # `make run` serves static files the way production does
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "oauth2_provider",
    "mozilla_django_oidc",
    "maternity",
    "spine",
    "portal",
    "dataset",  # the data dictionary, its versions and change proposals
    "loadtools",  # benchmarks and load tools (manage.py benchmark..., loadtest), not the product
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # /static/ and /favicon.ico, before anything else runs
    "maternity.http.security_headers.SecurityHeadersMiddleware",
    "maternity.audit.middleware.AuditMiddleware",  # one audit entry per API request and audited page
    "maternity.http.control_characters.RefuseControlCharactersMiddleware",  # ESC, NUL... in a form: 400
    "django.contrib.sessions.middleware.SessionMiddleware",
    "maternity.http.sessions.SessionRenewalMiddleware",
    "maternity.http.language.PageLanguageMiddleware",  # pages in her language; the APIs in English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# The database. DATABASE_URL: PostgreSQL (postgres://...), or without it an SQLite file.
#
# DATABASE_POOL_MODE: empty (DATABASE_URL is PostgreSQL itself) or "transaction" (DATABASE_URL is PgBouncer
# in transaction pooling mode in front of it). Then each transaction may run on another server connection,
# so nothing may outlive a transaction: no prepared statements (DATABASE_PREPARED_STATEMENTS is forced off),
# no server-side cursors (DISABLE_SERVER_SIDE_CURSORS, as Django's docs say for transaction pooling), and no
# libpq `options` startup parameter, which PgBouncer refuses: a pooled deployment sets
# client_connection_check_interval and jit=off on the server instead (postgresql.conf, or Patroni's
# parameters). What needs a session of its own (LISTEN, session-level locks, migrations) connects to
# DATABASE_DIRECT_URL, which reaches the current primary directly (maternity/database/direct.py); without
# it the webhook workers poll instead of LISTENing.
# DATABASE_REPLICA_URL: a PostgreSQL replica (pooled the same way). When set, the reads that may lag a moment
# go there (the views marked `lag_tolerant`), and everything else, every write and whatever a caller who has
# just written reads, goes to DATABASE_URL's primary: maternity/database/replicas.py has the rules. Without
# it there is no router and no routing middleware: every query goes to "default", at no extra cost.
# DATABASE_PRIMARY_PIN_SECONDS: how long a caller who wrote (or sent POST, PUT, PATCH or DELETE) reads only
# from the primary, so they see their own writes; the pins are kept in the shared cache (REDIS_URL).
DATABASE_POOL_MODE = os.environ.get("DATABASE_POOL_MODE", "").strip().lower()
if DATABASE_POOL_MODE not in ("", "transaction"):
    raise ImproperlyConfigured(
        f'DATABASE_POOL_MODE must be empty or "transaction" (PgBouncer in transaction mode), '
        f"not {DATABASE_POOL_MODE!r}."
    )
POOLED = DATABASE_POOL_MODE == "transaction"
POSTGRESQL = "maternity.database.postgresql"


def database(url: str) -> dict[str, Any]:
    """One alias's settings from its URL: PostgreSQL through our backend, with the options above."""
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True)
    )
    if config["ENGINE"] != "django.db.backends.postgresql":
        return config
    # Django's backend with a health check that costs no round trip (maternity/database/postgresql/base.py).
    config["ENGINE"] = POSTGRESQL
    options: dict[str, Any] = {
        # An unreachable server fails the request within seconds (a 503), instead of hanging it.
        "connect_timeout": envint("DATABASE_CONNECT_TIMEOUT", 5),
    }
    if not POOLED:
        # A backend whose app process died (a killed or timed-out worker) notices within this interval and
        # rolls back, even while it waits for a lock. Without it, it keeps its locks until it next writes to
        # the socket, and a transaction that was waiting at COMMIT still commits (spine/tests/faults/).
        # JIT off: it pays off for long analytical queries, never for these short ones, and once a plan's
        # estimated cost passes jit_above_cost it adds 40-50 ms of compiling to a 5 ms query.
        options["options"] = (
            f"-c client_connection_check_interval={envint('DATABASE_CLIENT_CHECK_MS', 2000)} -c jit=off"
        )
    config["OPTIONS"] = {**options, **config.get("OPTIONS", {})}  # what the URL's query string sets wins
    config["DISABLE_SERVER_SIDE_CURSORS"] = POOLED
    return config


DATABASES = {"default": database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] != POSTGRESQL:
    # SQLite, in development: maternity/database/feed_entries.py makes FeedEntry's unique indexes itself
    SILENCED_SYSTEM_CHECKS = ["models.W039"]
DATABASE_ROUTERS: list[str] = []
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database(DATABASE_REPLICA_URL)
    if DATABASES["replica"]["ENGINE"] != POSTGRESQL or DATABASES["default"]["ENGINE"] != POSTGRESQL:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must be a PostgreSQL URL (postgres://...), and DATABASE_URL too: "
            "a replica is a PostgreSQL standby of DATABASE_URL's primary."
        )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests: the same database, no second one
    DATABASE_ROUTERS = ["maternity.database.replicas.ReplicaRouter"]
    # Early (static files are answered before it): the request's routing state is there for all that follows.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "maternity.database.replicas.ReplicaRoutingMiddleware",
    )
DATABASE_PRIMARY_PIN_SECONDS = envint("DATABASE_PRIMARY_PIN_SECONDS", 5)
DATABASE_DIRECT_URL = os.environ.get("DATABASE_DIRECT_URL", "")
if DATABASE_DIRECT_URL and database(DATABASE_DIRECT_URL)["ENGINE"] != POSTGRESQL:
    raise ImproperlyConfigured("DATABASE_DIRECT_URL must be a PostgreSQL URL (postgres://...).")
# The few queries every request makes are prepared once per connection on PostgreSQL, so the server plans
# them once (maternity/database/compiled_queries.py). Off behind a pooler in transaction mode (PgBouncer),
# where the next transaction may get another server connection.
DATABASE_PREPARED_STATEMENTS = envbool("DATABASE_PREPARED_STATEMENTS", True) and not POOLED
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: Redis (REDIS_URL, e.g. redis://127.0.0.1:6379/0 or rediss:// for TLS). The rate limits
# count in it, so every app server process sees the same counts. Without REDIS_URL each process has its own
# memory: fine for `make run`; with DEBUG off, `check --deploy` warns (maternity.W001).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "maternity"),
            # A Redis that is down or slow must not hold requests up for long (the rate limits then let the
            # attempt through and log the error).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Rate limits (maternity/http/rate_limits.py; docs/security.md): (count, seconds) per what is counted;
# None: none.
RATE_LIMITS = {
    # POST /o/token/ (and revoking a token): every request, per client_id and per IP address.
    "token-client": envrate("RATE_LIMIT_TOKEN_CLIENT", "20/m"),
    "token-ip": envrate("RATE_LIMIT_TOKEN_IP", "60/m"),
    # Password sign-in (the professionals' and the admin's): failed attempts, per user name and per IP.
    "login-username": envrate("RATE_LIMIT_LOGIN_USERNAME", "5/15m"),
    "login-ip": envrate("RATE_LIMIT_LOGIN_IP", "50/15m"),
    # Starting and completing an OpenID Connect sign-in (professionals and portal): every request, per IP.
    # Generous: a hospital's staff may all sign in from one address at a shift change; this stops floods.
    "oidc-ip": envrate("RATE_LIMIT_OIDC_IP", "300/5m"),
    # Finding a pregnancy by its keys with a break-glass reason (web and API): per person (a signed-in user,
    # or a client system's acting user) and per client system.
    "break-glass-user": envrate("RATE_LIMIT_BREAK_GLASS_USER", "10/h"),
    "break-glass-client": envrate("RATE_LIMIT_BREAK_GLASS_CLIENT", "100/h"),
}
# How many proxies in front of the app add to X-Forwarded-For: the caller's address is taken that many entries
# from the right. Production runs behind one TLS-terminating proxy (README); 0 means REMOTE_ADDR.
TRUSTED_PROXY_COUNT = envint("DJANGO_TRUSTED_PROXY_COUNT", 0 if DEBUG else 1)

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages. A page is in the language she chose (the switch on every page, kept in a cookie for a year), else
# the first of her browser's Accept-Language we speak, else PAGE_LANGUAGE_CODE (DJANGO_LANGUAGE_CODE): Bokmål
# unless the deployment says otherwise (maternity/http/language.py). Everything outside a page runs in
# LANGUAGE_CODE, English: the APIs, management commands, workers, migrations. So nothing stored or sent to
# another system is ever worded in a page's language by accident. The catalogue is
# locale/nb/LC_MESSAGES/django.po (`manage.py translations`); a test fails on a string left untranslated.
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
LANGUAGE_CODE = "en"
PAGE_LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "nb")
if PAGE_LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"DJANGO_LANGUAGE_CODE must be one of {', '.join(dict(LANGUAGES))}, not {PAGE_LANGUAGE_CODE!r}"
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
FORMAT_MODULE_PATH = [
    "config.formats"
]  # "4. des. 2026" and "4 Dec 2026", a 24-hour clock, the admin included
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Oslo")
USE_I18N = True
USE_TZ = True

# Static files: the app serves its own (WhiteNoise), so a production server needs no web server for them.
# `manage.py collectstatic` (run by the deployment, see README) copies them to STATIC_ROOT with their content
# hash in the name and a compressed copy beside each; pages link the hashed names, served with a year's
# immutable cache. With DEBUG on (`make run`) they are served from the source folders as they change.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_ROOT = BASE_DIR / "public"  # served at the site's root: favicon.ico, robots.txt

# Request bodies: a whole record with every resource is a few tens of kB; refuse anything far larger.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DJANGO_MAX_BODY_BYTES", 256 * 1024)
# How deeply any JSON read here may nest arrays and objects (maternity/http/json_depth.py): a FHIR Bundle, the
# deepest, needs about ten levels; ~1,000 would exhaust Python's stack while parsing.
JSON_MAX_DEPTH = 32

# Where the record document's JSON shape lives (maternity/reads/documents.py): the API's serializers.
RECORD_DOCUMENT_BUILDER = "spine.documents"

# The national schedule of antenatal visits the midwives' plan page offers
# (maternity/rules/visit_schedule.py): "NO" (Helsedirektoratet's guideline) or "NICE" (NICE NG201, the UK).
VISIT_SCHEDULE = os.environ.get("VISIT_SCHEDULE", "NO").upper()
if VISIT_SCHEDULE not in ("NO", "NICE"):
    raise ImproperlyConfigured(f'VISIT_SCHEDULE must be "NO" or "NICE", not {VISIT_SCHEDULE!r}.')

# Production safety: on unless DEBUG.
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/"]  # probes call the app server directly; a 301 would pass as healthy
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (maternity/http/security_headers.py), shaped like Django 6's SECURE_CSP so the
# built-in middleware can take over. No inline scripts or styles anywhere: pages load only their own static
# files. form-action also allows the portal's sign-out at its OpenID Connect provider (added per response).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # One style attribute by its hash: `border-top: 0` in django-simple-history's admin history list.
    "style-src-attr": ["'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# Browser features no page here uses, switched off (also for anything injected).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in [
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
}

# Sessions and cookies. A session ends after 30 minutes without a request (OWASP ASVS level 2: a clinical
# record on shared ward computers; renewed by maternity/http/sessions.py) or when the browser closes. The
# cookies are Secure, HttpOnly (session) and SameSite=Lax (not Strict: the sign-in provider redirects back
# here from another site, and the session must come along). In production their names have the __Host-
# prefix: only this host, over HTTPS, may set them.
SESSION_COOKIE_AGE = envint("DJANGO_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "spine.authentication.SpineClientAuthentication",  # client systems: bearer tokens
        "rest_framework.authentication.SessionAuthentication",  # professionals signed in (CSRF enforced)
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["spine.parsers.JSONParser"],  # JSON nested deeper than JSON_MAX_DEPTH: 400
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "spine.errors.exception_handler",
    "DEFAULT_METADATA_CLASS": "spine.metadata.ApiMetadata",
    "URL_FORMAT_OVERRIDE": None,  # the Accept header chooses JSON or FHIR JSON; no ?format= to get wrong
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}

OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": envint("SPINE_TOKEN_SECONDS", 3600),
    "SCOPES": {"record": "Read and write maternity records"},
    "DEFAULT_SCOPES": ["record"],
    "OAUTH2_VALIDATOR_CLASS": "spine.tokens.ClientSystemValidator",  # deactivated clients get no token
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Every RFC 9700 (OAuth 2.0 Security BCP) recommendation on, tokens stored hashed among them.
    **{
        f"COMPLIANT_BCP_RFC9700_{name}": True
        for name in [
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        ]
    },
}

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"

SPECTACULAR_SETTINGS = {
    "TITLE": "Shared maternity care record API",
    "DESCRIPTION": (
        "One pregnancy, one versioned record shared by every Care Location that cares for it. "
        "The record API follows the NHN maternity record API (Digitalt helsekort for gravide)."
    ),
    "VERSION": DATA_SET_VERSION,  # the data set's version (dataset/versions.py), as the dictionary shows it
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "DEFAULT_GENERATOR_CLASS": "spine.schema.SchemaGenerator",
    "ENUM_NAME_OVERRIDES": {"RecordStatusEnum": "maternity.models.RecordStatus"},
}

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:caseload"
LOGOUT_REDIRECT_URL = "web:login"

# Professionals' sign-in with OpenID Connect (mozilla-django-oidc), on when OIDC_RP_CLIENT_ID is set. The
# practitioner is found by a claim (e.g. the HPR number) matched against Practitioner.hpr_nr; nobody is
# created by signing in.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
LOGIN_REDIRECT_URL_FAILURE = "/login/?oidc-failed"
OIDC_PRACTITIONER_CLAIM = os.environ.get("OIDC_PRACTITIONER_CLAIM", "hpr_number")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED and not (OIDC_OP_ISSUER and OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT):
    raise ImproperlyConfigured(
        "OIDC_RP_CLIENT_ID is set: also set OIDC_OP_ISSUER, OIDC_OP_AUTHORIZATION_ENDPOINT, "
        "OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT and OIDC_OP_JWKS_ENDPOINT."
    )
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("maternity.signin.oidc.PractitionerOIDCBackend")

# The pregnant person's sign-in to the portal (portal/oidc.py), on when PORTAL_OIDC_RP_CLIENT_ID is set.
# `make run` points these at the local development provider (tools/oidc-provider) with the demo patients.
PORTAL_OIDC_RP_CLIENT_ID = os.environ.get("PORTAL_OIDC_RP_CLIENT_ID", "")
PORTAL_OIDC_RP_CLIENT_SECRET = os.environ.get("PORTAL_OIDC_RP_CLIENT_SECRET", "")
PORTAL_OIDC_RP_SIGN_ALGO = os.environ.get("PORTAL_OIDC_RP_SIGN_ALGO", "RS256")
PORTAL_OIDC_RP_SCOPES = os.environ.get("PORTAL_OIDC_RP_SCOPES", "openid profile")
PORTAL_OIDC_AUDIENCE = os.environ.get("PORTAL_OIDC_AUDIENCE", PORTAL_OIDC_RP_CLIENT_ID)
PORTAL_OIDC_OP_ISSUER = os.environ.get("PORTAL_OIDC_OP_ISSUER", "")
PORTAL_OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("PORTAL_OIDC_OP_AUTHORIZATION_ENDPOINT", "")
PORTAL_OIDC_OP_TOKEN_ENDPOINT = os.environ.get("PORTAL_OIDC_OP_TOKEN_ENDPOINT", "")
PORTAL_OIDC_OP_USER_ENDPOINT = os.environ.get("PORTAL_OIDC_OP_USER_ENDPOINT", "")
PORTAL_OIDC_OP_JWKS_ENDPOINT = os.environ.get("PORTAL_OIDC_OP_JWKS_ENDPOINT", "")
PORTAL_OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("PORTAL_OIDC_OP_LOGOUT_ENDPOINT", "")
PORTAL_OIDC_NATIONAL_ID_CLAIM = os.environ.get("PORTAL_OIDC_NATIONAL_ID_CLAIM", "pid")
PORTAL_OIDC_NATIONAL_ID_SYSTEM = os.environ.get("PORTAL_OIDC_NATIONAL_ID_SYSTEM", "")  # empty: from its shape
PORTAL_OIDC_ENABLED = bool(PORTAL_OIDC_RP_CLIENT_ID)
if PORTAL_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("portal.oidc.PortalOIDCBackend")

# Email: the portal's opt-in notifications to her (portal/notifications.py). Sent over SMTP to EMAIL_HOST when
# it is set; without it (development) written to the console. PORTAL_PUBLIC_URL is the site's address as she
# reaches it, for the link in the email.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = "django.core.mail.backends." + ("smtp" if EMAIL_HOST else "console") + ".EmailBackend"
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10  # seconds: a slow mail server must not hold a page for long
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "maternity-record@localhost")
PORTAL_PUBLIC_URL = os.environ.get("PORTAL_PUBLIC_URL", "http://localhost:8000").rstrip("/")
# The site's address as professionals reach it, for the links in the change site's emails to the followers of
# a data-set change proposal (dataset/emails.py); by default the portal's, the same site.
SITE_PUBLIC_URL = os.environ.get("SITE_PUBLIC_URL", PORTAL_PUBLIC_URL).rstrip("/")

# Signed access tokens from trusted OpenID Connect issuers (spine/trusted_tokens.py; docs/api.md): a JSON list
# of issuers, e.g. HelseID's: [{"issuer": "https://helseid-sts.nhn.no", "audience": "nhn:maternity-record",
# "scope": "nhn:maternity-record/api", "dpop_required": true, "minimum_security_level": 4}]. Each entry is
# checked when the app starts. Empty: only this server's own client-credentials tokens.
try:
    SPINE_TOKEN_ISSUERS: list = json.loads(os.environ.get("SPINE_TOKEN_ISSUERS", "") or "[]")
except ValueError as error:
    raise ImproperlyConfigured(f"SPINE_TOKEN_ISSUERS is not valid JSON: {error}") from None
if not isinstance(SPINE_TOKEN_ISSUERS, list):
    raise ImproperlyConfigured("SPINE_TOKEN_ISSUERS must be a JSON list of issuers.")
# A DPoP proof (RFC 9449) is good this many seconds either side of the server's clock.
SPINE_DPOP_PROOF_SECONDS = envint("SPINE_DPOP_PROOF_SECONDS", 60)

# Webhooks (spine/webhooks/). Receivers must use HTTPS on public addresses, except in development and tests.
WEBHOOK_ALLOW_HTTP = envbool("WEBHOOK_ALLOW_HTTP", DEBUG)
WEBHOOK_ALLOW_PRIVATE_NETWORKS = envbool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", DEBUG)
WEBHOOK_BATCH_SIZE = envint("WEBHOOK_BATCH_SIZE", 100)
WEBHOOK_TIMEOUT_SECONDS = envfloat("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_RETRY_BASE_SECONDS = envfloat("WEBHOOK_RETRY_BASE_SECONDS", 5)
WEBHOOK_RETRY_MAX_SECONDS = envfloat("WEBHOOK_RETRY_MAX_SECONDS", 3600)
WEBHOOK_FAILING_AFTER_SECONDS = envfloat("WEBHOOK_FAILING_AFTER_SECONDS", 3 * 24 * 3600)
WEBHOOK_MAX_PER_CLIENT = envint("WEBHOOK_MAX_PER_CLIENT", 10)
# Keys that encrypt the stored signing secrets (comma-separated, newest first, for rotation). Default:
# one derived from SECRET_KEY.
WEBHOOK_SECRET_KEYS = envlist("WEBHOOK_SECRET_KEYS")

# Alerts and the task list (maternity/rules/flags.py, docs/clinical-rules.md). From this gestation in days
# (default 41+0: NICE NG207) a pregnancy with no induction of labour booked is flagged.
INDUCTION_PLAN_BY_DAYS = envint("INDUCTION_PLAN_BY_DAYS", 41 * 7)
# A record whose data quality (share of the data-quality rules passed, 0-100) is below this is a task.
TASKS_DATA_QUALITY_BELOW = envfloat("TASKS_DATA_QUALITY_BELOW", 75.0)

# The access review queue's unusual access (maternity/services/reviews.py, docs/security.md): a find by keys
# after which the finder's Care Location had no care episode within this many hours; and more than this many
# finds and look-ups by one person in one day.
REVIEW_FIND_WITHOUT_CARE_HOURS = envint("REVIEW_FIND_WITHOUT_CARE_HOURS", 72)
REVIEW_MANY_FINDS_PER_DAY = envint("REVIEW_MANY_FINDS_PER_DAY", 20)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"timed": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "timed"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint (the printed notes) logs each step of every PDF at INFO; its warnings still show.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# How long a professional of another location who opened a restricted entry with a reason may see it
# (maternity/services/restrictions.py; the opening is kept and audited)
RESTRICTED_OPENING_MINUTES = envint("RESTRICTED_OPENING_MINUTES", 60)

"""Content-Security-Policy, Permissions-Policy and Cross-Origin-Resource-Policy on every response. Django's
SecurityMiddleware sets the others (HSTS, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy) and
XFrameOptionsMiddleware X-Frame-Options.

The policy is `settings.SECURE_CSP`, a dict shaped like Django 6's setting of that name: when the project
moves to Django 6 its ContentSecurityPolicyMiddleware can replace this one. Nothing here uses inline scripts
or styles, so no nonces are needed. A view that needs more (the Swagger UI) says so with `csp_update`.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings

CSP = "Content-Security-Policy"


def csp_update(extra: dict[str, list[str]]):
    """Decorate a view whose responses need sources beyond settings.SECURE_CSP (added, not replaced)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.csp_update = extra
            return response

        return wrapped

    return decorate


def content_security_policy(extra: dict[str, list[str]] | None = None) -> str:
    policy = {directive: list(sources) for directive, sources in settings.SECURE_CSP.items()}
    sign_out = _origin(settings.PORTAL_OIDC_OP_LOGOUT_ENDPOINT)
    if sign_out and "form-action" in policy:
        # The portal's sign-out is a form whose answer redirects to her provider's end-session endpoint, and
        # browsers apply form-action to where a submitted form is redirected too.
        policy["form-action"].append(sign_out)
    for directive, sources in (extra or {}).items():
        policy.setdefault(directive, [])
        policy[directive] += [source for source in sources if source not in policy[directive]]
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def permissions_policy() -> str:
    return ", ".join(
        f"{feature}=({' '.join(allowed)})" for feature, allowed in settings.PERMISSIONS_POLICY.items()
    )


def _origin(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if CSP not in response and settings.SECURE_CSP:
            response[CSP] = content_security_policy(getattr(response, "csp_update", None))
        if "Permissions-Policy" not in response and settings.PERMISSIONS_POLICY:
            response["Permissions-Policy"] = permissions_policy()
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response

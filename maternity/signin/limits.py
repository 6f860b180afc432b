"""Rate limits on the sign-in pages (maternity/http/rate_limits.py): the password sign-ins (the
professionals' and
the admin's) and the OpenID Connect sign-ins (the professionals' and the portal's). Over a limit the page
answers 429 with Retry-After and says in plain words when to try again; nothing is checked or changed."""

from functools import wraps
from typing import TYPE_CHECKING

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from maternity.http import rate_limits

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STAFF_HELP = _("If you did not make these attempts, tell your Care Location's administrator.")
PORTAL_HELP = _("If it keeps happening, ask your midwife.")
# What was attempted, as the page says it; the log says it in English
WHAT_WORDS = {"sign-in attempts": _("sign-in attempts")}


def too_many_attempts(
    request,
    attempt,
    *,
    what: str,
    back_url: str,
    base_template: str = "maternity/base.html",
    help_text: "StrOrPromise" = STAFF_HELP,
):
    attempt.log_refusal(request, what)
    context = {
        "base_template": base_template,
        "what": WHAT_WORDS.get(what, what),
        "minutes": attempt.retry_after_minutes,
        "back_url": back_url,
        "help": help_text,
    }
    response = render(request, "maternity/too_many_attempts.html", context, status=429)
    response["Retry-After"] = str(attempt.retry_after)
    return response


def sign_in_limited(view):
    """A password sign-in view. Failed attempts count, per user name and per address; one that signs in is
    given back, so colleagues signing in from one ward's address do not use the budget up. Over the limit the
    password is not even checked: a right guess would otherwise still tell the guesser it was right."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        attempt = rate_limits.sign_in_attempt(request, request.POST.get("username", ""))
        if attempt.refused:
            return too_many_attempts(
                request, attempt, what="sign-in attempts", back_url=request.get_full_path()
            )
        response = view(request, *args, **kwargs)
        if response.status_code == 302 and request.user.is_authenticated:  # signed in (a failure re-renders)
            attempt.refund()
        return response

    return wrapped


def oidc_limited(
    *, back_url: str, base_template: str = "maternity/base.html", help_text: "StrOrPromise" = STAFF_HELP
):
    """An OpenID Connect sign-in start or callback: every request counts, per address (each start stores
    state in a new session; each callback calls the provider)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            attempt = rate_limits.oidc_attempt(request)
            if attempt.refused:
                return too_many_attempts(
                    request,
                    attempt,
                    what="sign-in attempts",
                    back_url=back_url,
                    base_template=base_template,
                    help_text=help_text,
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorate

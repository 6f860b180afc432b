"""Sessions end after `SESSION_COOKIE_AGE` (30 minutes) without a request, and when the browser closes.

Django moves a session's expiry on only when it saves the session. Saving on every request
(SESSION_SAVE_EVERY_REQUEST) would cost every page a write; instead `SessionRenewalMiddleware` saves it when
it was last renewed more than a minute ago, so a signed-in user costs at most one write a minute and a
session left alone for 30 minutes has expired. Signing in counts as renewing.
"""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

RENEWED_AT = "_renewed_at"
RENEW_AFTER_SECONDS = 60


class SessionRenewalMiddleware:
    """Place it after SessionMiddleware, so the session it marks is saved on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key:
            return response  # no session cookie: nothing to renew (and none to start)
        renewed_at = session.get(RENEWED_AT, 0)  # an expired or unknown key loads as an empty session...
        now = int(time.time())
        if session.session_key and not session.is_empty() and now - renewed_at >= RENEW_AFTER_SECONDS:
            session[RENEWED_AT] = now  # ...which is not renewed into a new one
        return response


@receiver(user_logged_in, dispatch_uid="maternity.http.sessions.renewed_at_sign_in")
def renewed_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_AT] = int(time.time())

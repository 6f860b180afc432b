"""Whether the signed-in user reads any region's reports, kept in her session at sign-in (and refreshed
on the choose-location page) so the header can offer "Regional reports" on every page without a query."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from maternity.reads.regional import regions_of

SESSION_KEY = "views_regions"


def remember_regions(request, user) -> bool:
    views = regions_of(user).exists()
    request.session[SESSION_KEY] = views
    return views


@receiver(user_logged_in, dispatch_uid="maternity.signin.regions.remembered_at_sign_in")
def remembered_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_regions(request, user)

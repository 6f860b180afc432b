"""The portal's sign-in page: one button to her national sign-in (OpenID Connect)."""

from django.conf import settings
from django.shortcuts import redirect, render


def login(request):
    if request.user.is_authenticated and "failed" not in request.GET:
        return redirect("portal:home")
    context = {
        "enabled": settings.PORTAL_OIDC_ENABLED,
        "failed": "failed" in request.GET,
        "signed_out": "signed-out" in request.GET,
        "next": request.GET.get("next", ""),
    }
    return render(request, "portal/login.html", context)

"""The portal as an app on her phone: the web app manifest (so she can add it to her home screen) and the
service worker that keeps the pages she last opened readable when she has no signal.

Neither touches a record: both are the same for everyone, so neither needs her to be signed in. The worker
is served from /portal/ so that its scope covers the portal and nothing else; it lives in
static/portal/sw.js and is read from there (a static URL would give it the scope /static/portal/)."""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# The portal's brand colour (--brand in static/portal/portal.css).
THEME_COLOUR = "#7a2e5f"
BACKGROUND_COLOUR = "#f7f5f2"
WORKER = Path(settings.BASE_DIR) / "static" / "portal" / "sw.js"


@require_safe
def manifest(request):
    home = reverse("portal:home")
    response = JsonResponse(
        {
            # her words (the name under the icon on her home screen), in the language of her pages
            "name": _("My pregnancy"),
            "short_name": _("My pregnancy"),
            "description": _("Your pregnancy notes from your midwife, on your phone."),
            "lang": get_language(),
            "start_url": home,
            "scope": home,
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                {
                    "src": static(f"portal/icons/icon-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                }
                for size in (192, 512)
            ],
        },
        content_type="application/manifest+json",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def not_saved(request):
    """The page her phone shows, with no signal, for a portal page it has not kept: the worker keeps this
    one, in the language of her pages (static/portal/sw.js, offline.js)."""
    return render(request, "portal/offline.html")


@require_safe
def service_worker(request):
    response = HttpResponse(WORKER.read_bytes(), content_type="application/javascript; charset=utf-8")
    # The browser checks for a new worker on each visit; no-cache makes that check reach the server.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("portal:home")
    return response

"""The pregnant person's portal, under /portal/."""

from . import urls_auth, urls_pages

app_name = "portal"

urlpatterns = [*urls_auth.urlpatterns, *urls_pages.urlpatterns]

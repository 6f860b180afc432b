"""The professional UI's pages: signing in here; the rest by part of the work."""

from django.urls import include, path

from . import urls_care, urls_caseload, urls_record
from .views import auth

app_name = "web"

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("location/", auth.choose_location, name="choose-location"),
    *urls_caseload.urlpatterns,
    *urls_record.urlpatterns,
    *urls_care.urlpatterns,
    path("", include("maternity.web.urls_postnatal")),
    path("", include("maternity.web.urls_birth_plan")),
    path("", include("maternity.web.urls_reports")),
    path("", include("maternity.web.urls_regions")),
    path("", include("maternity.web.urls_bookings")),
    path("", include("maternity.web.urls_alerts")),
]

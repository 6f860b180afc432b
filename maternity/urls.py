"""Root URLs. `maternity` only includes the other apps' url modules; it imports none of their code."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="schema",
    ),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", authentication_classes=[], permission_classes=[]),
        name="swagger-ui",
    ),
    path("api/maternity-record/v1/", include("spine.urls")),
    path("spine/fhir/", include("spine.fhir.urls")),
    path("spine/v1/", include("spine.urls_v1")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("portal/", include("portal.urls")),
    path("", include("maternity.web.urls")),
]

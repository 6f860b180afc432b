"""Root URLs. `maternity` only includes the other apps' url modules; it imports none of their code."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from mozilla_django_oidc import urls as oidc_urls

from maternity.http import health
from maternity.http.security_headers import csp_update
from maternity.signin.limits import oidc_limited, sign_in_limited

# The Swagger UI's page has an inline <style> and its stylesheet data: images; its script is a file of its own
# (the split view), so scripts stay 'self' only.
swagger_ui = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema", authentication_classes=[], permission_classes=[])
)
professional_oidc = oidc_limited(back_url="/login/")

urlpatterns = [
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("admin/login/", sign_in_limited(admin.site.login)),
    path("admin/", admin.site.urls),
    path("o/", include("spine.urls_oauth")),  # the token endpoint, rate-limited
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="schema",
    ),
    path("api/docs/", swagger_ui, name="swagger-ui"),
    path("api/maternity-record/v1/", include("spine.urls")),
    path("spine/fhir/", include("spine.fhir.urls")),
    path("spine/v1/", include("spine.urls_v1")),
    path("oidc/authenticate/", professional_oidc(oidc_urls.OIDCAuthenticateClass.as_view())),
    path("oidc/callback/", professional_oidc(oidc_urls.OIDCCallbackClass.as_view())),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switch on every page
    path("portal/", include("portal.urls")),
    path("data-set/", include("dataset.urls")),  # the data dictionary and the change site: public pages
    path("", include("maternity.web.urls")),
]

handler400 = "maternity.http.server_errors.bad_request"  # a form too large to receive: said in her language
handler500 = "maternity.http.server_errors.server_error"  # a database outage is a 503; JSON callers get JSON

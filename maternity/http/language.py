"""The language of a response: pages speak hers, the APIs speak English.

A page is in the language she chose with the switch on every page (Django's `set_language`, kept in the
`language` cookie), else the first language of her browser's Accept-Language that we speak, else
`LANGUAGE_CODE`. That is Django's LocaleMiddleware, which this extends by one rule: the record API, the
spine's FHIR and v1 APIs, the token endpoint and the health checks answer in English, whatever the caller's
headers say, because their messages are a contract other systems parse and log (DESIGN.md, the API contract).
"""

from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

MACHINE_PATHS = ("/api/", "/spine/", "/o/", "/health/")


class PageLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(MACHINE_PATHS):
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
            return
        super().process_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path.startswith(MACHINE_PATHS):
            return response
        return super().process_response(request, response)

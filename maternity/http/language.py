"""The language of a response: pages speak hers, the APIs speak English.

A page is in the language she chose with the switch on every page (Django's `set_language`, kept in the
`language` cookie for a year), else the first language in her browser's Accept-Language that we speak, else
`PAGE_LANGUAGE_CODE` (DJANGO_LANGUAGE_CODE). A browser asking for Norwegian in general (`no`) or for Nynorsk
(`nn`), which we do not have, gets Bokmål, which every Nynorsk reader reads, rather than English.

The record API, the spine's FHIR and v1 APIs, the token endpoint and the health checks answer in English
whatever the caller's headers or cookies say: their messages are a contract other systems parse and log
(DESIGN.md, the API contract).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

MACHINE_PATHS = ("/api/", "/spine/", "/o/", "/health/")
READ_AS_BOKMAL = {"no": "nb", "nn": "nb"}


def page_language(request: HttpRequest) -> str:
    spoken = dict(settings.LANGUAGES)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in spoken:
        return chosen
    for tag, _ in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if tag == "*":
            break
        language = tag.lower().split("-")[0]
        language = READ_AS_BOKMAL.get(language, language)
        if language in spoken:
            return language
    return settings.PAGE_LANGUAGE_CODE


class PageLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        language = "en" if request.path.startswith(MACHINE_PATHS) else page_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if request.path.startswith(MACHINE_PATHS):
            return response
        return super().process_response(request, response)

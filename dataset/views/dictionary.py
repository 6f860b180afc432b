"""The data dictionary's page and downloads: public, no sign-in.

The dictionary itself is made once per language in a process (dataset.dictionary.build), so each costs one
query: the release row that dates the current version. The page's resource sections, most of its HTML and
the same for everyone, are rendered once per language and resource filter too (`sections_html`): rendering
them is most of the page's cost (about 30 ms), and they change only with the code.

The page filters on the server (`q`: words in a field's name, label or description; `resource`: one
resource type): an unknown resource type is said so, a search too long to be one is refused (400), and
neither is ever a 500.
"""

import json
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dataset.changelog import current_release
from dataset.dictionary import Dictionary, ResourceEntry, dictionary
from dataset.dictionary.export import CSV_HEADER, as_json, csv_rows, filename
from dataset.dictionary.search import MAX_QUERY, matching
from maternity.database.replicas import lag_tolerant
from maternity.http.csv_export import csv_response

MAX_RESOURCE = 100  # characters: longer than any wire name


def page_dictionary() -> Dictionary:
    """The dictionary in the page's language."""
    language = translation.get_language()
    return dictionary(language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)


def sections_html(whole: Dictionary, resources: list[ResourceEntry], *, q: str, resource: str) -> SafeString:
    """The resource types' sections for these `resources`: from the process's memory for the whole dictionary
    and for one resource type (a bounded set per language), rendered afresh for a search (`q`)."""
    if q:
        return _rendered(resources)
    return _remembered(whole.language, whole.version, resource)


@lru_cache(maxsize=64)
def _remembered(language: str, version: str, resource: str) -> SafeString:
    """Once per language, version and resource type ("" for all)."""
    with translation.override(language):
        return _rendered(matching(dictionary(language), q="", resource=resource))


def _rendered(resources: list[ResourceEntry]) -> SafeString:
    return render_to_string("dataset/dictionary_sections.html", {"resources": resources})


@lag_tolerant
@require_safe
def dictionary_page(request: HttpRequest) -> HttpResponse:
    whole = page_dictionary()
    q, resource = request.GET.get("q", "").strip(), request.GET.get("resource", "").strip()
    message, status = "", 200
    resources: list[ResourceEntry] = []
    if len(q) > MAX_QUERY:
        message = _("A search is at most %(count)s characters: shorten it.") % {"count": MAX_QUERY}
        status = 400
    elif resource and (len(resource) > MAX_RESOURCE or whole.resource(resource) is None):
        shown = resource if len(resource) <= MAX_RESOURCE else f"{resource[:MAX_RESOURCE]}…"
        message = _("The data set has no resource type called “%(name)s”: choose one from the list.") % {
            "name": shown
        }
    else:
        resources = matching(whole, q=q, resource=resource)
    context = {
        "nav": "dictionary",
        "dictionary": whole,
        "release": current_release(),
        "resources": resources,
        "sections": sections_html(whole, resources, q=q, resource=resource) if resources else "",
        "field_count": sum(len(entry.fields) for entry in resources),
        "filtered": bool(q or resource),
        "q": q[:MAX_QUERY],
        "resource": resource[:MAX_RESOURCE],
        "message": message,
    }
    return render(request, "dataset/dictionary.html", context, status=status)


@lag_tolerant
@require_safe
def dictionary_json(request: HttpRequest) -> HttpResponse:
    whole = page_dictionary()
    release = current_release()
    body = as_json(
        whole,
        released_on=release.released_on if release else None,
        openapi=request.build_absolute_uri(reverse("schema")),
    )
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(whole.version, "json")}"'
    return response


@lag_tolerant
@require_safe
def dictionary_csv(request: HttpRequest) -> HttpResponse:
    whole = page_dictionary()
    return csv_response(filename=filename(whole.version, "csv"), header=CSV_HEADER, rows=csv_rows(whole))

"""API paths answer with and without a trailing slash (`record/{id}` and `record/{id}/`): the same view, not
a redirect, since API clients and POST bodies do not follow redirects well. Only the form without the slash
is named and documented (spine/schema.py leaves the other out of the OpenAPI schema)."""

import functools

from django.urls import URLPattern, path


def api_path(route: str, view, name: str | None = None) -> list[URLPattern]:
    return [path(route, view, name=name), path(f"{route}/", slash_twin(view))]


def slash_twin(view):
    """The same view under the route with a trailing slash, marked so the schema leaves it out."""

    @functools.wraps(view)  # keeps what Django and DRF read off the view: csrf_exempt, cls, initkwargs
    def twin(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    twin.slash_twin = True
    return twin

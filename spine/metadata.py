"""What OPTIONS answers on the API: the view's name, what it renders and parses, and (in `Allow`) its
methods. The request and answer bodies are in the OpenAPI schema (/api/schema/)."""

from rest_framework.metadata import SimpleMetadata


class ApiMetadata(SimpleMetadata):
    def determine_actions(self, request, view):
        """No field descriptions: most views here build their bodies without a `serializer_class`, which
        DRF's default needs (it failed with a 500)."""
        return {}

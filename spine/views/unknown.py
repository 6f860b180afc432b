from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from ..errors import error_response


@extend_schema(exclude=True)
class UnknownEndpointView(APIView):
    """Any other path under the API: a JSON 404, not an HTML page."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def not_found(self, request, *args, **kwargs):
        return error_response(request, "DHG-0007", f"No such endpoint: {request.path}.", status=404)

    get = post = put = patch = delete = not_found

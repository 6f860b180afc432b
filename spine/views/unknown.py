"""Any other path under the APIs: a 404 in the API's own shape, never an HTML page. Audited like every
API request (spine/audit.py, the middleware)."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from ..errors import error_response
from ..fhir.errors import outcome_response
from ..fhir.http import FhirJsonRenderer


@extend_schema(exclude=True)
class UnknownEndpointView(APIView):
    """The record API and /spine/v1/: DHG-0007."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def not_found(self, request, *args, **kwargs):
        return error_response(request, "DHG-0007", f"No such endpoint: {request.path}.", status=404)

    get = post = put = patch = delete = options = not_found


@extend_schema(exclude=True)
class UnknownFhirOperationView(APIView):
    """The FHIR operations: an OperationOutcome (not-found)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    renderer_classes = [FhirJsonRenderer, JSONRenderer]

    def not_found(self, request, *args, **kwargs):
        return outcome_response(404, "not-found", f"No such operation: {request.path}.")

    get = post = put = patch = delete = options = not_found

"""Health checks for load balancers and orchestrators: unauthenticated, not audited, tiny JSON.

- `GET /health/live`: the process answers HTTP (no database). Restart the process when this fails.
- `GET /health/ready`: the process can serve requests: one cheap query on the database. 503 when it
  cannot, so a balancer stops sending traffic here until the database is back.

Neither says why in the body (an unauthenticated caller learns nothing about the deployment); readiness
failures are logged. Probes must send an allowed `Host` (DJANGO_ALLOWED_HOSTS); they are exempt from the
HTTPS redirect, since probes usually call the app server directly over plain HTTP.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Readiness check: the database is unavailable", exc_info=True)
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})

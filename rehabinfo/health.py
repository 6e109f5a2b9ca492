"""Health endpoints for load balancers and orchestrators, outside throttling.

``/healthz`` says the process is alive and touches nothing. ``/readyz`` says
whether it can serve: the database and the cache must both answer; a 503
problem response names what is down. It also reports how long the oldest
background task has been waiting for the worker: a worker that is down
leaves readers to render documents themselves, slower but correct, so a
backlog is for monitoring, not a reason to take the server out of service.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

from api.problems import (
    DATABASE_OUTAGE_LOG_INTERVAL,
    PROBLEM_CONTENT_TYPE,
    OutageLog,
    problem,
)

# Load balancers probe every few seconds: an outage is one line per interval.
not_ready = OutageLog(
    "Not ready: %s down; further failed probes in the next %g s are not logged.",
    interval=DATABASE_OUTAGE_LOG_INTERVAL,
    level=logging.WARNING,
)
READINESS_KEY = "readyz:probe"


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


def database_is_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def cache_is_up() -> bool:
    # django-redis ignores errors when configured to, so a round trip proves it.
    try:
        cache.set(READINESS_KEY, "ok", timeout=10)
        return cache.get(READINESS_KEY) == "ok"
    except Exception:  # noqa: BLE001 (any cache backend failure means "down")
        return False


def oldest_waiting_task_seconds() -> float | None:
    """Seconds the oldest task ready to run has waited; ``None`` when none
    waits or the queue cannot be read. One query on the queue's index of
    ready tasks."""
    try:
        oldest = (
            DBTaskResult.objects.ready()
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
    except DatabaseError:
        return None
    if oldest is None:
        return None
    return round((timezone.now() - oldest).total_seconds(), 1)


@never_cache
@require_safe
def readyz(request):
    checks = {"database": database_is_up(), "cache": cache_is_up()}
    down = [name for name, up in checks.items() if not up]
    if down:
        not_ready.log(", ".join(down))
        body = problem(503, f"Unavailable: {', '.join(down)}.")
        body["checks"] = {name: "up" if up else "down" for name, up in checks.items()}
        response = JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
        response.headers["Retry-After"] = "5"
        return response
    return JsonResponse(
        {
            "status": "ready",
            "checks": dict.fromkeys(checks, "up"),
            "tasks": {"oldest_waiting_seconds": oldest_waiting_task_seconds()},
        }
    )

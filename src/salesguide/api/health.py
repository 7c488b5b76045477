"""Is the service up, and can it reach its database? For load balancers and monitoring: no login."""

from __future__ import annotations

import logging
from typing import Any, Literal

from django.db import DatabaseError, connection
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router, Schema

from salesguide.api.errors import ErrorOut

logger = logging.getLogger("salesguide.api")
router = Router(tags=["Health"])


class HealthOut(Schema):
    status: Literal["ok"]
    database: str


class HealthFailedOut(ErrorOut):
    status: Literal["unavailable"]
    database: str


@router.get(
    "/health",
    auth=None,
    response={200: HealthOut, 429: ErrorOut, 503: HealthFailedOut},
    summary="Health check",
    description=('`{"status": "ok", "database": "sqlite" | "postgresql"}`; 503 when the database does not answer.'),
)
def health(request: HttpRequest) -> Any:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return 503, {
            "status": "unavailable",
            "database": connection.vendor,
            "detail": gettext("The database does not answer."),
        }
    return {"status": "ok", "database": connection.vendor}

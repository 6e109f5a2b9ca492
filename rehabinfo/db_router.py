"""An optional read replica (DATABASE_REPLICA_URL) for the public API's reads.

Public requests (under /api/ and /embed/) read from the replica while it has
the latest editorial change; everything else (the admin, every write, the
content clock that decides freshness) uses the primary. A replica that lags
behind an edit, or is unreachable, is skipped for that request, so no answer
is older than what the primary shows.
"""

import logging
import time
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from content.models import ContentChange, content_version

REPLICA = "replica"
PUBLIC_PATH_PREFIXES = ("/api/", "/embed/")
logger = logging.getLogger(__name__)

# Set for the duration of a public request whose reads may use the replica.
replica_reads = ContextVar("replica_reads", default=False)
# After a failure the replica is left alone this long, so an outage costs one
# connect timeout per worker per interval, not one per request.
RETRY_AFTER_SECONDS = 10.0
replica_down_until = 0.0


class PrimaryReplicaRouter:
    """Reads go to the replica inside public requests; all else to the primary."""

    def db_for_read(self, model, **hints):
        # Inside a transaction on the primary (a scheduled revision being
        # published, a preview), reads see that transaction's writes.
        if replica_reads.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema by replication.
        return db == DEFAULT_DB_ALIAS


def replica_is_current() -> bool:
    """Whether the replica is reachable and holds the latest editorial change."""
    global replica_down_until
    if time.monotonic() < replica_down_until:
        return False
    try:
        edited_at = content_version().edited_at
    except DatabaseError:
        # The primary is down: the request reads it anyway and answers 503,
        # rather than trust a replica that cannot be checked.
        return False
    try:
        replica_edited_at = ContentChange.last_changed_at(using=REPLICA)
    except DatabaseError as error:
        replica_down_until = time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning(
            "Read replica unreachable, reading the primary for %d s: %s",
            RETRY_AFTER_SECONDS,
            error,
        )
        return False
    return edited_at is None or (
        replica_edited_at is not None and replica_edited_at >= edited_at
    )


class ReplicaReadsMiddleware:
    """Route a public request's reads to the replica when it is up to date.

    It sits after the response cache: a cache hit reads no database at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PUBLIC_PATH_PREFIXES):
            return self.get_response(request)
        token = replica_reads.set(replica_is_current())
        try:
            return self.get_response(request)
        finally:
            replica_reads.reset(token)

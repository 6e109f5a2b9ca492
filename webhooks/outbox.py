"""Writing deliveries: one per change and interested endpoint, in the
caller's transaction, with their sending queued once it commits."""

import logging
from collections.abc import Iterable
from functools import partial
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from webhooks.models import Delivery, Endpoint

logger = logging.getLogger(__name__)

# The API's detail route of each kind, and the name of its lookup in payloads.
DETAIL_ROUTES = {
    "topic": ("v1:topic-detail", "slug"),
    "comparison": ("v1:comparison-detail", "slug"),
    "faq": ("v1:faq-detail", "id"),
    "resource": ("v1:resource-detail", "slug"),
}


class Change(Protocol):
    """A public change as the change feed records it."""

    sequence: int
    type: str  # published | updated | unpublished | deleted
    kind: str  # topic | comparison | faq | resource
    item_id: int
    lookup: str | int  # slug, or the FAQ's id
    at: object  # datetime


def public_api_url(kind: str, lookup: str | int) -> str:
    """The item's API address: absolute on API_CANONICAL_ORIGIN when that is
    set (production sets it), else the path alone."""
    route, lookup_name = DETAIL_ROUTES[kind]
    return settings.API_CANONICAL_ORIGIN + reverse(route, kwargs={lookup_name: lookup})


def payload_for(change: Change) -> dict:
    """The Standard Webhooks body of a change. It names the item and where to
    read it; a withdrawal (unpublished, deleted) carries nothing of the item's
    content, and neither does a publication: receivers fetch the URL."""
    _, lookup_name = DETAIL_ROUTES[change.kind]
    lookup = int(change.lookup) if lookup_name == "id" else change.lookup
    return {
        "type": f"content.{change.type}",
        "timestamp": change.at.isoformat(),
        "data": {
            "kind": change.kind,
            lookup_name: lookup,
            "url": public_api_url(change.kind, lookup),
            "sequence": change.sequence,
        },
    }


def record(changes: Iterable[Change]) -> list[Delivery]:
    """Write a delivery of each change to each active endpoint that wants its
    event, in the current transaction; sending starts after it commits, and
    a rollback leaves nothing behind."""
    changes = sorted(changes, key=lambda change: change.sequence)
    if not changes:
        return []
    endpoints = list(Endpoint.objects.filter(is_active=True))
    deliveries = []
    for change in changes:
        payload = payload_for(change)
        deliveries += [
            Delivery(
                endpoint=endpoint,
                event_type=payload["type"],
                sequence=change.sequence,
                payload=payload,
            )
            for endpoint in endpoints
            if endpoint.wants(payload["type"])
        ]
    Delivery.objects.bulk_create(deliveries)
    for endpoint_id in sorted({delivery.endpoint_id for delivery in deliveries}):
        # robust: a queue hiccup must not fail the caller's commit; the
        # deliveries wait in the outbox for `manage.py send_webhooks`.
        transaction.on_commit(partial(start_sending, endpoint_id), robust=True)
    return deliveries


def start_sending(endpoint_id: int) -> None:
    from webhooks.tasks import send_deliveries

    send_deliveries.enqueue(endpoint_id)

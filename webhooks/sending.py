"""Sending an endpoint's deliveries: in order, signed, retried with backoff.

Only the first pending delivery of an endpoint (in the changes' order) is
ever attempted; the ones after it wait. Each attempt first claims its
delivery until the end of the sending task's lease (``next_attempt_at``
moves there; the transaction of the task's first claim also queues a task for
that moment), so that if the worker dies mid-delivery the delivery is made
again once the lease ends, with the same ``webhook-id``, and receivers drop
the repeat.
"""

import json
import logging
import math
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from standardwebhooks import Webhook

from webhooks import network
from webhooks.models import (
    FAILURES_BEFORE_DISABLING,
    Delivery,
    Endpoint,
    retry_delay,
)

logger = logging.getLogger(__name__)

# How long one task may go on claiming deliveries. Every claim of a task holds
# its delivery until the same moment, the lease's end, when one task queued
# at the first claim looks again: an attempt not finished by then (the worker
# died) is made again.
LEASE = timedelta(minutes=2)
# No new attempt starts this close to the lease's end: room for one attempt
# to finish inside the lease (connect and read timeouts, WEBHOOKS_TIMEOUT_SECONDS
# each, which is why that setting stays at 10 seconds or less).
ATTEMPT_ROOM = timedelta(seconds=30)


def queue_sending(endpoint_id: int, at: datetime | None = None) -> None:
    from webhooks.tasks import send_deliveries

    task = send_deliveries.using(run_after=at) if at else send_deliveries
    task.enqueue(endpoint_id)


def send_due(endpoint_id: int) -> int:
    """Send the endpoint's due deliveries in order, up to the first failure.

    Returns how many were delivered.
    """
    lease_ends = timezone.now() + LEASE
    delivered = 0
    while timezone.now() < lease_ends - ATTEMPT_ROOM:
        delivery = claim_next(endpoint_id, lease_ends, first=delivered == 0)
        if delivery is None or not attempt(delivery):
            return delivered
        delivered += 1
    queue_sending(endpoint_id)  # more may be waiting: a fresh task goes on
    return delivered


def claim_next(endpoint_id: int, lease_ends: datetime, first: bool) -> Delivery | None:
    """The endpoint's first pending delivery, if it is due, claimed for one
    attempt until ``lease_ends``; None when nothing is due or another worker
    holds it."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.pending()
            .filter(endpoint_id=endpoint_id)
            .in_sending_order()
            .select_related("endpoint")
            .first()
        )
        if (
            delivery is None
            or not delivery.endpoint.is_active
            or delivery.next_attempt_at > now
        ):
            return None
        claimed = Delivery.objects.filter(
            pk=delivery.pk,
            status=Delivery.Status.PENDING,
            next_attempt_at=delivery.next_attempt_at,
        ).update(
            next_attempt_at=lease_ends,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
        if not claimed:
            return None
        if first:
            # Does something only if an attempt of this task never reports
            # back (the worker died); in the claim's transaction, so a claim
            # never exists without it.
            queue_sending(endpoint_id, at=lease_ends)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    return delivery


def signed_request(delivery: Delivery) -> tuple[bytes, dict[str, str]]:
    """The body and Standard Webhooks headers of one attempt; the signature
    covers the webhook-id, the attempt's timestamp and the body (one per
    secret in use: two for a day after a rotation)."""
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    timestamp = timezone.now()
    signature = " ".join(
        Webhook(secret).sign(msg_id=delivery.webhook_id, timestamp=timestamp, data=body)
        for secret in delivery.endpoint.signing_secrets()
    )
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Rehabinfo-Webhooks/1",
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(math.floor(timestamp.timestamp())),
        "webhook-signature": signature,
    }
    return body.encode(), headers


def attempt(delivery: Delivery) -> bool:
    """POST the delivery once and record the outcome; True when delivered."""
    body, headers = signed_request(delivery)
    try:
        status = network.post(delivery.endpoint.url, body, headers)
    except Exception as error:  # refused, unreachable, timed out, garbled
        return record_outcome(delivery, None, f"{type(error).__name__}: {error}")
    if 200 <= status < 300:
        return record_outcome(delivery, status, "")
    return record_outcome(delivery, status, f"The receiver answered HTTP {status}.")


def record_outcome(delivery: Delivery, status: int | None, error: str) -> bool:
    now = timezone.now()
    succeeded = not error
    this_attempt = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts
    )
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if succeeded:
            if this_attempt.update(
                status=Delivery.Status.DELIVERED,
                delivered_at=now,
                last_response_status=status,
                last_error="",
            ):
                Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
            return True
        failures = endpoint.consecutive_failures + 1
        if failures >= FAILURES_BEFORE_DISABLING:
            recorded = this_attempt.update(
                status=Delivery.Status.FAILED,
                last_response_status=status,
                last_error=error,
            )
            if recorded:
                Endpoint.objects.filter(pk=endpoint.pk).update(
                    consecutive_failures=failures, is_active=False, disabled_at=now
                )
                logger.warning(
                    "Webhook endpoint %s (%s) disabled after %d failed attempts "
                    "in a row; last error: %s",
                    endpoint.pk,
                    endpoint.url,
                    failures,
                    error,
                )
            return False
        next_attempt_at = now + retry_delay(failures)
        if this_attempt.update(
            next_attempt_at=next_attempt_at,
            last_response_status=status,
            last_error=error,
        ):
            Endpoint.objects.filter(pk=endpoint.pk).update(
                consecutive_failures=failures
            )
            queue_sending(endpoint.pk, at=next_attempt_at)
            logger.info(
                "Webhook %s to endpoint %s failed (%s); retrying at %s",
                delivery.webhook_id,
                endpoint.pk,
                error,
                next_attempt_at.isoformat(),
            )
    return False

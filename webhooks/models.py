"""Webhook endpoints and their outbox of deliveries.

A delivery is written in the same transaction as the change it announces
(``webhooks.outbox.record``), so it is never lost and never sent for a change
that was rolled back; the worker sends it later (``webhooks.sending``).
"""

import base64
import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from webhooks.network import check_url_is_public

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32

# Waits after the 1st, 2nd, ... consecutive failed attempt; the last repeats.
RETRY_DELAYS = [
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=4),
    timedelta(hours=8),
]
# After a rotation, deliveries are signed with the old secret too for this
# long, so a receiver can switch without rejecting any (Standard Webhooks
# allows several signatures in one header).
SECRET_OVERLAP = timedelta(hours=24)
# Ten failures in a row span about a day of retries (23 h 13 min); then the
# endpoint is disabled until someone re-enables it.
FAILURES_BEFORE_DISABLING = 10


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and base64 of random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def retry_delay(consecutive_failures: int) -> timedelta:
    return RETRY_DELAYS[min(consecutive_failures, len(RETRY_DELAYS)) - 1]


class EventType(models.TextChoices):
    PUBLISHED = "content.published", "Published: an item became public"
    UPDATED = "content.updated", "Updated: a public item changed"
    UNPUBLISHED = "content.unpublished", "Unpublished: an item was withdrawn"
    DELETED = "content.deleted", "Deleted: an item was deleted"


class Endpoint(models.Model):
    url = models.URLField(
        "URL",
        max_length=500,
        validators=[check_url_is_public],
        help_text="Where deliveries are POSTed (https:// in production). "
        "Redirects are not followed.",
    )
    description = models.CharField(
        max_length=200, help_text="Whose endpoint this is and what it is for."
    )
    events = models.JSONField(
        default=list, help_text="The event types this endpoint receives."
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Inactive endpoints get no new deliveries; what is waiting "
        "is sent once the endpoint is active again.",
    )
    # Kept in full because every delivery is signed with it; the admin shows
    # it only once, right after it is made.
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    secret_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_valid_until = models.DateTimeField(
        null=True, blank=True, editable=False
    )
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the endpoint was switched off after failing for a day.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["description", "pk"]

    def __str__(self):
        return f"{self.description} ({self.url})"

    def clean(self):
        if not isinstance(self.events, list) or not self.events:
            raise ValidationError({"events": "Choose at least one event type."})
        unknown = sorted(set(self.events) - set(EventType.values))
        if unknown:
            raise ValidationError({"events": f"Unknown event types: {unknown}."})

    def wants(self, event_type: str) -> bool:
        return event_type in self.events

    def rotate_secret(self) -> str:
        """Replace the secret; deliveries are signed with the old one as well
        for SECRET_OVERLAP, while the receiver switches."""
        now = timezone.now()
        self.previous_secret = self.secret
        self.previous_secret_valid_until = now + SECRET_OVERLAP
        self.secret = new_secret()
        self.secret_rotated_at = now
        self.save(
            update_fields=[
                "secret",
                "secret_rotated_at",
                "previous_secret",
                "previous_secret_valid_until",
                "updated_at",
            ]
        )
        return self.secret

    def signing_secrets(self) -> list[str]:
        """The secrets each delivery is signed with, newest first."""
        if (
            self.previous_secret
            and self.previous_secret_valid_until
            and self.previous_secret_valid_until > timezone.now()
        ):
            return [self.secret, self.previous_secret]
        return [self.secret]

    def enable(self) -> int:
        """Switch the endpoint back on; what it missed is sent again, in order.

        Returns how many given-up deliveries were put back in the queue.
        """
        now = timezone.now()
        self.is_active = True
        self.consecutive_failures = 0
        self.disabled_at = None
        self.save(
            update_fields=[
                "is_active",
                "consecutive_failures",
                "disabled_at",
                "updated_at",
            ]
        )
        return self.deliveries.filter(status=Delivery.Status.FAILED).update(
            status=Delivery.Status.PENDING, next_attempt_at=now
        )


class DeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Delivery.Status.PENDING)

    def in_sending_order(self):
        """The order an endpoint receives its deliveries in: the changes' order."""
        return self.order_by("sequence", "pk")

    def finished_before(self, moment):
        """Deliveries delivered or given up whose last attempt was before
        ``moment``: what pruning may delete. Pending ones are always kept."""
        return self.exclude(status=Delivery.Status.PENDING).filter(
            last_attempt_at__lt=moment
        )


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    webhook_id = models.CharField(
        "webhook-id",
        max_length=40,
        unique=True,
        default=new_webhook_id,
        editable=False,
        help_text="The same on every attempt, so receivers can drop repeats.",
    )
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    sequence = models.PositiveBigIntegerField(
        help_text="The change's position in the change feed."
    )
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        default=timezone.now,
        help_text="Not before this time; while an attempt is under way, when "
        "it counts as lost (the worker crashed) and is made again.",
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(
                fields=["endpoint", "sequence", "id"],
                condition=Q(status="pending"),
                name="delivery_pending_queue",
            )
        ]

    def __str__(self):
        return f"{self.event_type} #{self.sequence} to {self.endpoint.description}"

    def redeliver(self) -> None:
        """Send again, with the same webhook-id, ahead of newer deliveries."""
        self.status = self.Status.PENDING
        self.next_attempt_at = timezone.now()
        self.save(update_fields=["status", "next_attempt_at"])

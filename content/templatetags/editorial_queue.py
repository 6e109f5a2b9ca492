"""The admin home page's work queue, for each role from its permissions."""

from django import template
from django.urls import reverse
from django.utils import timezone

from content.editorial import can_publish, can_review
from content.models import FAQ, Comparison, PublicationState, Resource, Topic

register = template.Library()
PUBLISHABLE_MODELS = (Topic, Comparison, FAQ, Resource)
SHOWN_PER_QUEUE = 10


def queue(title: str, help_text: str, entries: list[dict]) -> dict:
    return {"title": title, "help": help_text, "entries": entries}


def entries(user, may, items_of, query: str, when=None) -> list[dict]:
    """One entry per kind of item the user may act on, with its first items."""
    found = []
    for model in PUBLISHABLE_MODELS:
        if not may(user, model):
            continue
        items = items_of(model)
        count = items.count()
        if count:
            opts = model._meta
            found.append(
                {
                    "kind": opts.verbose_name_plural,
                    "count": count,
                    "url": reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_changelist"
                    )
                    + query,
                    "items": [
                        {
                            "item": item,
                            "url": reverse(
                                f"admin:{opts.app_label}_{opts.model_name}_change",
                                args=[item.pk],
                            ),
                            "when": when(item) if when else None,
                        }
                        for item in items[:SHOWN_PER_QUEUE]
                    ],
                }
            )
    return found


@register.inclusion_tag("admin/content/editorial_queue.html", takes_context=True)
def editorial_queue(context):
    """What waits for the signed-in user: reviews, overdue reviews, schedules."""
    user = context["request"].user
    now = timezone.now()
    queues = [
        queue(
            "Waiting for medical review",
            "Submitted for review by editors.",
            entries(
                user,
                can_review,
                lambda model: model.objects.in_state(PublicationState.IN_REVIEW, now),
                "?state=in_review",
            ),
        ),
        queue(
            "Medical review overdue",
            "Live or draft content past its next review date.",
            entries(
                user,
                can_review,
                lambda model: model.objects.review_overdue(),
                "?review=overdue",
            ),
        ),
        queue(
            "Waiting to be published",
            "In review: publish once the medical review is recorded.",
            entries(
                user,
                can_publish,
                lambda model: model.objects.in_state(PublicationState.IN_REVIEW, now),
                "?state=in_review",
            ),
        ),
        queue(
            "Scheduled",
            "Goes live by itself at the time shown.",
            entries(
                user,
                can_publish,
                lambda model: model.objects.in_state(
                    PublicationState.SCHEDULED, now
                ).order_by("publish_at"),
                "?state=scheduled",
                when=lambda item: item.publish_at,
            ),
        ),
    ]
    return {"queues": [q for q in queues if q["entries"]]}

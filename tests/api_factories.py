"""Builders of public and unpublished content for the API tests."""

import datetime
import re
from urllib.parse import urlencode

from content.models import (
    FAQ,
    Comparison,
    ComparisonOption,
    PublicationStatus,
    Resource,
    Reviewer,
    Topic,
)
from tests.conftest import FROZEN_NOW, approve, reviewed

API = "http://testserver/api/v1"
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)

# Every way a published item can be kept from the public.
UNPUBLISHED_STATES = ["draft", "in_review", "archived", "scheduled", "expired"]

# An ISO 8601 timestamp that names its offset from UTC.
ISO_8601_WITH_ZONE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)


def query(**parameters) -> str:
    """A URL-encoded query string, so offsets such as +00:00 survive."""
    return urlencode(parameters)


def make_topic(reviewer: Reviewer, slug: str, **fields) -> Topic:
    return approve(
        Topic.objects.create(
            **reviewed(
                reviewer,
                slug=slug,
                title=fields.pop("title", slug.replace("-", " ").capitalize()),
                summary=fields.pop("summary", f"Summary of {slug}."),
                **fields,
            )
        )
    )


def make_comparison(
    reviewer: Reviewer,
    topic: Topic,
    slug: str,
    options: tuple[str, ...] = ("inpatient", "outpatient"),
    **fields,
) -> Comparison:
    comparison = Comparison.objects.create(
        **reviewed(
            reviewer,
            slug=slug,
            topic=topic,
            title=fields.pop("title", slug.replace("-", " ").capitalize()),
            summary=fields.pop("summary", f"Summary of {slug}."),
            **fields,
        )
    )
    for position, key in enumerate(options):
        ComparisonOption.objects.create(
            comparison=comparison, position=position, key=key, name=key.capitalize()
        )
    return approve(comparison)


def make_faq(reviewer: Reviewer, topic: Topic, question: str, **fields) -> FAQ:
    return approve(
        FAQ.objects.create(
            **reviewed(
                reviewer,
                topic=topic,
                question=question,
                answer=fields.pop("answer", f"The answer to “{question}”"),
                **fields,
            )
        )
    )


def make_resource(reviewer: Reviewer, slug: str, **fields) -> Resource:
    return approve(
        Resource.objects.create(
            **reviewed(
                reviewer,
                slug=slug,
                name=fields.pop("name", slug.replace("-", " ").title()),
                kind=fields.pop("kind", "helpline"),
                description=fields.pop("description", f"About {slug}."),
                **fields,
            )
        )
    )


def unpublish(item, state: str, now: datetime.datetime = FROZEN_NOW) -> None:
    """Put a published item into one unpublished state, as an editor would."""
    if state == "scheduled":
        changes = {"publish_at": now + DAY}
    elif state == "expired":
        changes = {"publish_at": now - 2 * DAY, "unpublish_at": now - DAY}
    else:
        changes = {"status": PublicationStatus(state)}
    type(item).objects.filter(pk=item.pk).update(**changes)

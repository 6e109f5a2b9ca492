"""The publication rule, at the queryset layer: one method decides what is public."""

import datetime

import pytest

from content.models import (
    FAQ,
    Comparison,
    Criterion,
    PublicationStatus,
    Resource,
    Topic,
)

HOUR = datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    "status",
    [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED],
)
def test_published_hides_every_unpublished_status(published_topic, status):
    Topic.objects.filter(pk=published_topic.pk).update(status=status)

    assert not Topic.objects.published().exists()


def test_published_shows_published_topic(published_topic):
    assert list(Topic.objects.published()) == [published_topic]


def test_published_hides_scheduled_item_until_its_publish_time(published_topic, now):
    published_topic.publish_at = now + HOUR
    published_topic.save()

    assert not Topic.objects.published(now=now).exists()
    assert Topic.objects.published(now=now + 2 * HOUR).exists()


def test_published_hides_item_from_its_unpublish_time(published_topic, now):
    published_topic.unpublish_at = now + HOUR
    published_topic.save()

    assert Topic.objects.published(now=now).exists()
    assert not Topic.objects.published(now=now + HOUR).exists()


def test_published_uses_the_current_time_when_called(published_topic, time_machine):
    """No cron job: the scheduled item appears once the clock passes publish_at."""
    time_machine.move_to(datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC))
    published_topic.publish_at = datetime.datetime(2030, 1, 1, 13, tzinfo=datetime.UTC)
    published_topic.save()
    queryset = Topic.objects.all()

    assert not queryset.published().exists()
    time_machine.move_to(datetime.datetime(2030, 1, 1, 13, 0, 1, tzinfo=datetime.UTC))
    assert queryset.published().exists()


def test_published_hides_draft_faq_of_published_topic(published_faq):
    FAQ.objects.filter(pk=published_faq.pk).update(status=PublicationStatus.DRAFT)

    assert not FAQ.objects.published().exists()


def test_published_hides_published_faq_of_draft_topic(published_faq):
    Topic.objects.update(status=PublicationStatus.DRAFT)

    assert not FAQ.objects.published().exists()


def test_published_hides_faq_of_expired_topic(published_faq, now):
    Topic.objects.update(unpublish_at=now - HOUR)

    assert not FAQ.objects.published().exists()


def test_published_hides_faq_of_draft_comparison(published_faq, published_comparison):
    published_faq.comparison = published_comparison
    published_faq.save()
    assert FAQ.objects.published().exists()

    Comparison.objects.update(status=PublicationStatus.IN_REVIEW)

    assert not FAQ.objects.published().exists()


def test_published_hides_comparison_of_draft_topic(published_comparison):
    assert Comparison.objects.published().exists()

    Topic.objects.update(status=PublicationStatus.ARCHIVED)

    assert not Comparison.objects.published().exists()


def test_published_criteria_need_switch_and_public_comparison(published_comparison):
    criterion = Criterion.objects.create(
        comparison=published_comparison, key="safe-home", question="Safe home?"
    )
    assert not Criterion.objects.published().exists()

    criterion.is_published = True
    criterion.save()
    assert Criterion.objects.published().exists()

    Comparison.objects.update(status=PublicationStatus.DRAFT)
    assert not Criterion.objects.published().exists()


def test_published_resource_follows_its_schedule(published_resource, now):
    Resource.objects.update(publish_at=now + HOUR)

    assert not Resource.objects.published(now=now).exists()
    assert Resource.objects.published(now=now + HOUR).exists()


def test_review_overdue_lists_items_past_their_review_date(published_topic):
    due = published_topic.next_review_due

    assert not Topic.objects.review_overdue(today=due).exists()
    assert Topic.objects.review_overdue(today=due + datetime.timedelta(days=1)).exists()


def test_is_public_follows_the_queryset_rule(published_topic):
    assert published_topic.is_public
    published_topic.status = PublicationStatus.DRAFT
    published_topic.save()

    assert not published_topic.is_public

"""Model validation guards the invariants an editor could break."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from content.models import (
    Aspect,
    AspectCell,
    Comparison,
    ComparisonOption,
    Criterion,
    CriterionEffect,
    PublicationStatus,
    Section,
    Topic,
)
from content.revisions import content_hash
from tests.conftest import approve


def other_comparison(topic):
    comparison = Comparison.objects.create(
        slug="other", title="Other", topic=topic, summary="s"
    )
    option = ComparisonOption.objects.create(comparison=comparison, key="a", name="A")
    return comparison, option


def test_topic_slug_must_be_unique(published_topic):
    duplicate = Topic(slug=published_topic.slug, title="Again", summary="s")

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "slug" in error.value.message_dict


def test_publish_at_must_precede_unpublish_at(published_topic, now):
    published_topic.publish_at = now
    published_topic.unpublish_at = now - datetime.timedelta(minutes=1)

    with pytest.raises(ValidationError) as error:
        published_topic.full_clean()
    assert "unpublish_at" in error.value.message_dict


def test_database_refuses_unpublish_before_publish(published_topic, now):
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.filter(pk=published_topic.pk).update(
            publish_at=now, unpublish_at=now - datetime.timedelta(minutes=1)
        )


def test_publishing_needs_a_medical_review(draft_topic):
    draft_topic.status = PublicationStatus.PUBLISHED

    with pytest.raises(ValidationError) as error:
        draft_topic.full_clean()
    assert "status" in error.value.message_dict


def test_comparison_needs_two_options_to_be_published(published_comparison):
    published_comparison.options.last().delete()
    approve(published_comparison)

    with pytest.raises(ValidationError) as error:
        published_comparison.full_clean()
    assert "2 or more options" in str(error.value)


def test_comparison_with_two_options_can_be_published(published_comparison):
    published_comparison.full_clean()


def test_draft_comparison_may_have_fewer_options(published_comparison):
    published_comparison.options.last().delete()
    published_comparison.status = PublicationStatus.DRAFT

    published_comparison.full_clean()


def test_cell_option_must_belong_to_the_aspect_comparison(published_comparison):
    aspect = Aspect.objects.create(
        comparison=published_comparison, key="cost", name="Cost"
    )
    _, foreign_option = other_comparison(published_comparison.topic)
    cell = AspectCell(aspect=aspect, option=foreign_option, text="Cheaper")

    with pytest.raises(ValidationError) as error:
        cell.full_clean()
    assert "option" in error.value.message_dict


def test_one_cell_per_aspect_and_option(published_comparison):
    aspect = Aspect.objects.create(
        comparison=published_comparison, key="cost", name="Cost"
    )
    option = published_comparison.options.first()
    AspectCell.objects.create(aspect=aspect, option=option, text="More")

    with pytest.raises(ValidationError):
        AspectCell(aspect=aspect, option=option, text="Less").full_clean()


def test_effect_option_must_belong_to_the_criterion_comparison(published_comparison):
    criterion = Criterion.objects.create(
        comparison=published_comparison, key="safe-home", question="Safe home?"
    )
    _, foreign_option = other_comparison(published_comparison.topic)
    effect = CriterionEffect(
        criterion=criterion,
        option=foreign_option,
        answer="no",
        effect="favours",
        reason="An unsafe or unstable place to live.",
    )

    with pytest.raises(ValidationError) as error:
        effect.full_clean()
    assert "option" in error.value.message_dict


def test_section_anchor_is_unique_within_its_topic(published_topic, draft_topic):
    Section.objects.create(topic=published_topic, heading="A", anchor="a", body="x")
    Section(topic=draft_topic, heading="A", anchor="a", body="x").full_clean()

    with pytest.raises(ValidationError):
        Section(topic=published_topic, heading="B", anchor="a", body="y").full_clean()


def test_record_review_sets_today_reviewer_next_due_and_content(
    clock, draft_topic, reviewer
):
    draft_topic.record_review(reviewer)

    assert draft_topic.last_reviewed_on == datetime.date(2026, 11, 23)
    assert draft_topic.reviewed_by == reviewer
    assert draft_topic.next_review_due == datetime.date(2027, 11, 23)
    assert draft_topic.reviewed_hash == content_hash(draft_topic)


def test_review_overdue_property(published_topic):
    published_topic.next_review_due = datetime.date(2000, 1, 1)

    assert published_topic.review_overdue

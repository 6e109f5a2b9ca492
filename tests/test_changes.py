"""Every edit moves the content clock; child edits move their page's updated_at."""

import datetime

import pytest

from content.models import (
    Aspect,
    AspectCell,
    ContentChange,
    Section,
    Source,
    Topic,
)
from content.models.changes import compute_content_version, schedule

LATER = datetime.datetime(2031, 5, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def later(time_machine):
    time_machine.move_to(LATER, tick=False)
    return LATER


def test_saving_content_records_a_change(published_topic, later):
    published_topic.title = "Heroin rehab, explained"
    published_topic.save()

    assert ContentChange.last_changed_at() == later


def test_deleting_content_records_a_change(published_faq, later):
    published_faq.delete()

    assert ContentChange.last_changed_at() == later


def test_bulk_delete_records_a_change(published_faq, later):
    type(published_faq).objects.all().delete()

    assert ContentChange.last_changed_at() == later


def test_section_edit_moves_topic_updated_at(published_topic, later):
    Section.objects.create(topic=published_topic, heading="H", anchor="h", body="b")

    published_topic.refresh_from_db()
    assert published_topic.updated_at == later


def test_cell_edit_moves_comparison_updated_at(published_comparison, time_machine):
    aspect = Aspect.objects.create(comparison=published_comparison, key="c", name="C")
    time_machine.move_to(LATER, tick=False)

    AspectCell.objects.create(
        aspect=aspect, option=published_comparison.options.first(), text="More"
    )

    published_comparison.refresh_from_db()
    assert published_comparison.updated_at == LATER


def test_relating_a_source_records_a_change(published_topic, later):
    source = Source.objects.create(title="Principles", publisher="NIDA")
    ContentChange.objects.all().delete()

    published_topic.sources.add(source)

    assert ContentChange.last_changed_at() == later


def test_passed_schedule_boundary_counts_as_a_change(published_topic, now):
    ContentChange.record(now - datetime.timedelta(days=2))
    publish_at = now - datetime.timedelta(hours=1)
    Topic.objects.update(publish_at=publish_at)

    assert compute_content_version(now).changed_at == publish_at


def test_schedule_reports_latest_passed_and_next_boundary(published_topic, now):
    hour = datetime.timedelta(hours=1)
    Topic.objects.update(publish_at=now - hour, unpublish_at=now + hour)

    passed, upcoming, _ = schedule(now)
    assert (passed, upcoming) == (now - hour, now + hour)

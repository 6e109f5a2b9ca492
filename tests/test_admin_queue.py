"""The admin home page shows each role what waits for it."""

import datetime

import pytest

from content.models import FAQ, PublicationStatus, Topic
from content.revisions import start_revision
from tests.conftest import FROZEN_NOW, REVIEWED_ON, reviewed
from tests.test_admin import logged_in


@pytest.fixture
def work(clock, reviewer, published_topic):
    """One item in review, one approved, one scheduled, one overdue for review."""
    Topic.objects.create(
        slug="submitted",
        title="Submitted topic",
        summary=".",
        status=PublicationStatus.IN_REVIEW,
    )
    approved = Topic.objects.create(
        slug="approved", title="Approved topic", summary=".", status="in_review"
    )
    approved.record_review(reviewer)
    approved.save()
    Topic.objects.create(
        **reviewed(
            reviewer,
            slug="tomorrow",
            title="Tomorrow's topic",
            summary=".",
            publish_at=FROZEN_NOW + datetime.timedelta(days=1),
        )
    )
    FAQ.objects.create(
        **reviewed(
            reviewer,
            topic=published_topic,
            question="Overdue question?",
            answer=".",
            next_review_due=REVIEWED_ON,
        )
    )


def home(user) -> str:
    response = logged_in(user).get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_medical_reviewer_sees_what_waits_for_review_and_what_is_overdue(
    medical_reviewer, work
):
    page = home(medical_reviewer)

    assert "Waiting for your medical review" in page
    assert "Submitted topic" in page
    assert "Approved topic" not in page
    assert "Medical review overdue" in page
    assert "Overdue question?" in page
    assert "Scheduled" not in page.split('id="editorial-queue"')[1].split("</div>")[0]


def test_publisher_sees_what_waits_to_be_published_and_what_is_scheduled(
    publisher, work
):
    page = home(publisher)

    assert "Approved, waiting to be published" in page
    assert "Approved topic" in page
    assert "Submitted topic" not in page
    assert "Tomorrow&#x27;s topic</a> (Nov. 24, 2026, noon)" in page
    assert "?state=scheduled" in page


def test_editor_has_no_review_or_publishing_queue(editor, work):
    assert 'id="editorial-queue"' not in home(editor)


def test_editor_sees_the_revisions_they_hold(editor, work, published_topic):
    start_revision(published_topic, editor)

    page = home(editor)

    assert "Your open revisions" in page
    assert "Heroin rehab</a> (revision)" in page


def test_queue_counts_are_pluralised(medical_reviewer, work):
    page = home(medical_reviewer)

    assert "1 topic</a>" in page
    assert "1 topics" not in page

"""The admin tells the truth about each item's state, in the editor's time zone."""

import datetime

import pytest

from content.models import FAQ, PublicationState, PublicationStatus, Topic
from rehabinfo.timezones import TIME_ZONE_COOKIE
from tests.conftest import FROZEN_NOW, reviewed
from tests.test_admin import admin_url, form_data, logged_in

TOMORROW_9AM_NEW_YORK = datetime.datetime(2026, 11, 24, 14, 0, tzinfo=datetime.UTC)


@pytest.fixture
def items_in_every_state(clock, reviewer, published_topic, draft_topic):
    """One topic or FAQ in each state, by slug or question."""
    hour = datetime.timedelta(hours=1)
    Topic.objects.create(
        **reviewed(
            reviewer,
            slug="scheduled",
            title="Scheduled",
            summary=".",
            publish_at=TOMORROW_9AM_NEW_YORK,
        )
    )
    Topic.objects.create(
        **reviewed(
            reviewer,
            slug="expired",
            title="Expired",
            summary=".",
            unpublish_at=FROZEN_NOW - hour,
        )
    )
    Topic.objects.create(
        slug="in-review",
        title="In review",
        summary=".",
        status=PublicationStatus.IN_REVIEW,
    )
    Topic.objects.create(
        slug="archived", title="Archived", summary=".", status="archived"
    )
    FAQ.objects.create(
        **reviewed(reviewer, topic=draft_topic, question="Not shown?", answer=".")
    )
    FAQ.objects.create(
        **reviewed(reviewer, topic=published_topic, question="Live?", answer=".")
    )
    return {
        "draft-topic": PublicationState.DRAFT,
        "in-review": PublicationState.IN_REVIEW,
        "scheduled": PublicationState.SCHEDULED,
        "heroin-rehab": PublicationState.LIVE,
        "expired": PublicationState.EXPIRED,
        "archived": PublicationState.ARCHIVED,
        "Not shown?": PublicationState.NOT_SHOWN,
        "Live?": PublicationState.LIVE,
    }


def items():
    return {topic.slug: topic for topic in Topic.objects.all()} | {
        faq.question: faq for faq in FAQ.objects.all()
    }


def test_state_of_each_item_is_where_it_stands_for_readers(items_in_every_state):
    states = {key: item.state() for key, item in items().items()}

    assert states == items_in_every_state


def test_state_filter_lists_exactly_the_items_in_that_state(items_in_every_state):
    for state in PublicationState:
        expected = {k for k, s in items_in_every_state.items() if s == state}
        found = {t.slug for t in Topic.objects.in_state(state)} | {
            f.question for f in FAQ.objects.in_state(state)
        }
        assert found == expected, state


def test_scheduled_topic_is_listed_as_scheduled_not_published(
    editor, items_in_every_state
):
    client = logged_in(editor)
    client.cookies[TIME_ZONE_COOKIE] = "America/New_York"

    page = client.get(admin_url(Topic, "changelist"), {"state": "scheduled"})

    text = page.content.decode()
    assert "Scheduled for Nov. 24, 2026, 9 a.m. (America/New_York)" in text
    assert "Heroin rehab" not in text


def test_admin_list_of_faqs_says_which_are_not_shown(editor, items_in_every_state):
    page = logged_in(editor).get(admin_url(FAQ, "changelist"))

    text = page.content.decode()
    assert "Published, not shown: a page it belongs to is not live" in text


def test_admin_list_costs_the_same_queries_for_many_items(
    editor, reviewer, published_topic, django_assert_max_num_queries
):
    client = logged_in(editor)
    client.get(admin_url(FAQ, "changelist"))
    for n in range(30):
        FAQ.objects.create(
            **reviewed(reviewer, topic=published_topic, question=f"Q{n}?", answer=".")
        )

    with django_assert_max_num_queries(12):
        page = client.get(admin_url(FAQ, "changelist"))

    assert page.content.decode().count('<td class="field-state">Live</td>') == 30


def test_times_are_shown_in_the_editors_time_zone(publisher, reviewer, clock):
    topic = Topic.objects.create(
        slug="later", title="Later", summary=".", publish_at=TOMORROW_9AM_NEW_YORK
    )
    client = logged_in(publisher)
    client.cookies[TIME_ZONE_COOKIE] = "America/New_York"

    data = form_data(client.get(admin_url(Topic, "change", topic.pk)))

    assert data["publish_at_0"] == ["2026-11-24"]
    assert data["publish_at_1"] == ["09:00:00"]


def test_times_are_entered_in_the_editors_time_zone_and_stored_in_utc(
    publisher, draft_topic, clock
):
    client = logged_in(publisher)
    client.cookies[TIME_ZONE_COOKIE] = "Europe/Berlin"
    url = admin_url(Topic, "change", draft_topic.pk)
    data = form_data(client.get(url))
    data["publish_at_0"], data["publish_at_1"] = ["2026-11-24"], ["10:00:00"]

    response = client.post(url, data)

    assert response.status_code == 302
    draft_topic.refresh_from_db()
    assert draft_topic.publish_at == datetime.datetime(
        2026, 11, 24, 9, 0, tzinfo=datetime.UTC
    )


def test_a_percent_encoded_time_zone_cookie_is_understood(publisher, reviewer, clock):
    topic = Topic.objects.create(
        slug="later", title="Later", summary=".", publish_at=TOMORROW_9AM_NEW_YORK
    )
    client = logged_in(publisher)
    client.cookies[TIME_ZONE_COOKIE] = "America%2FNew_York"

    data = form_data(client.get(admin_url(Topic, "change", topic.pk)))

    assert data["publish_at_1"] == ["09:00:00"]


@pytest.mark.parametrize("cookie", ["Mars/Olympus", "../../etc/passwd", "x" * 200])
def test_unknown_time_zone_falls_back_to_utc(editor, draft_topic, cookie):
    client = logged_in(editor)
    client.cookies[TIME_ZONE_COOKIE] = cookie

    page = client.get(admin_url(Topic, "change", draft_topic.pk))

    assert page.status_code == 200
    assert "Times are in UTC." in page.content.decode()

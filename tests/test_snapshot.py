"""The snapshot is built in the background after the feed moves, and the
endpoint sends the latest built bundle, except when a withdrawal was recorded
after its cursor: withdrawn content never leaves in a snapshot."""

import datetime
import gzip
import json

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from content.models import PublicationStatus, Topic
from feed import changes, cursors, snapshot
from feed.models import FeedClock, Snapshot
from tests.conftest import run_task_worker
from tests.test_feed import SNAPSHOT, publish_topic

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Tasks are accepted and never run: nothing is built in the background.
NO_WORKER = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def uncached(settings):
    """The endpoint itself answers, not the response cache in front of it."""
    settings.RESPONSE_CACHE_ENABLED = False


@pytest.fixture
def no_worker(seed_content, settings):
    """The seed recorded in the feed, then a queue whose tasks never run."""
    changes.reconcile_everything()
    settings.TASKS = NO_WORKER


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def builds(monkeypatch):
    """The origins of every bundle built, in the request or in a task."""
    built = []
    build = snapshot.build

    def counting(origin, sequence, now):
        built.append(origin)
        return build(origin, sequence, now)

    monkeypatch.setattr(snapshot, "build", counting)
    return built


def bundle_of(client, **headers) -> dict:
    response = client.get(SNAPSHOT, HTTP_ACCEPT_ENCODING="gzip", **headers)
    assert response.status_code == 200
    return json.loads(gzip.decompress(response.content))


def urls(bundle: dict) -> set[str]:
    return {document["url"] for document in bundle["documents"]}


def position(bundle: dict) -> int:
    return cursors.decode(bundle["cursor"], FeedClock.objects.get().last_sequence)


def last_sequence() -> int:
    return FeedClock.objects.get().last_sequence


def test_without_a_stored_bundle_the_request_builds_one(
    client, seed_content, no_worker, builds
):
    bundle = bundle_of(client)

    assert builds == ["http://testserver"]
    assert position(bundle) == last_sequence()
    stored = Snapshot.objects.get()
    assert (stored.origin, stored.sequence) == ("http://testserver", last_sequence())


def test_serving_the_latest_bundle_builds_nothing_in_the_request(
    client, seed_content, no_worker, reviewer, committed, builds
):
    first = bundle_of(client)
    with committed():  # no worker: the stored bundle stays behind the feed
        publish_topic(reviewer, "naloxone")
    assert last_sequence() > position(first)
    builds.clear()

    again = bundle_of(client)

    assert builds == []
    assert again == first  # its cursor is older than now: the feed has the rest
    assert not [url for url in urls(again) if "naloxone" in url]


def test_serving_the_latest_bundle_reads_a_bounded_number_of_queries(
    client, seed_content, no_worker, reviewer, committed, django_assert_max_num_queries
):
    bundle_of(client)
    with committed():
        publish_topic(reviewer, "naloxone")

    # The clock, the schedule, the stored bundle, withdrawals after it, and
    # the content version for Last-Modified: never the documents.
    with django_assert_max_num_queries(7):
        response = client.get(SNAPSHOT, HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200


def test_a_change_builds_a_new_bundle_in_the_background(
    client, seed_content, reviewer, committed, builds
):
    bundle_of(client)
    builds.clear()
    with committed():  # tests run queued tasks at once
        publish_topic(reviewer, "naloxone")

    assert builds == ["http://testserver"]
    assert Snapshot.objects.get().sequence == last_sequence()
    served = bundle_of(client)
    assert builds == ["http://testserver"]  # the request built nothing more
    assert "http://testserver/api/v1/topics/naloxone/" in urls(served)


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_bundle_after_a_change_commits(
    client, reviewer, settings, builds
):
    publish_topic(reviewer, "heroin-rehab")
    settings.TASKS = DATABASE_TASKS
    first = bundle_of(client)  # none stored yet: built in the request
    builds.clear()

    publish_topic(reviewer, "naloxone")  # commits: queues the build

    queued = DBTaskResult.objects.filter(task_path="feed.tasks.build_snapshots")
    assert queued.ready().count() >= 1
    assert builds == []
    assert bundle_of(client) == first  # until the worker has run
    run_task_worker()
    assert "http://testserver" in builds
    built = len(builds)
    assert "http://testserver/api/v1/topics/naloxone/" in urls(bundle_of(client))
    assert len(builds) == built  # the request built nothing


def test_a_withdrawal_after_the_bundles_cursor_means_that_bundle_is_never_served(
    client, seed_content, no_worker, committed, builds
):
    stale = bundle_of(client)
    withdrawn = "http://testserver/api/v1/topics/medical-detox/"
    assert withdrawn in urls(stale)
    topic = Topic.objects.get(slug="medical-detox")
    with committed():  # no worker: the stored bundle still holds the topic
        topic.status = PublicationStatus.ARCHIVED
        topic.save()
    assert Snapshot.objects.get().sequence == position(stale)
    builds.clear()

    fresh = bundle_of(client)

    assert builds == ["http://testserver"]  # built in the request instead
    assert withdrawn not in urls(fresh)
    assert position(fresh) == last_sequence() > position(stale)
    assert Snapshot.objects.get().sequence == last_sequence()


def test_an_expiry_passing_means_the_bundle_holding_it_is_never_served(
    client, clock, seed_content, no_worker, committed
):
    topic = Topic.objects.get(slug="medical-detox")
    topic.unpublish_at = timezone.now() + HOUR
    with committed():
        topic.save()
    stale = bundle_of(client)
    assert "http://testserver/api/v1/topics/medical-detox/" in urls(stale)

    clock.shift(2 * HOUR)  # no edit: the feed records it on the next read

    fresh = bundle_of(client)
    assert "http://testserver/api/v1/topics/medical-detox/" not in urls(fresh)


def test_a_bundle_older_than_half_the_retention_is_never_served(
    client, clock, seed_content, no_worker, builds
):
    old = bundle_of(client)
    clock.shift(snapshot.max_served_age() + HOUR)
    builds.clear()

    fresh = bundle_of(client)

    assert builds == ["http://testserver"]
    assert fresh["created_at"] != old["created_at"]
    assert position(fresh) == last_sequence()  # its cursor is young again


def test_each_origin_has_its_own_bundle_rebuilt_after_a_change(
    client, seed_content, reviewer, committed, builds
):
    here = bundle_of(client)
    there = bundle_of(client, HTTP_HOST="localhost")
    assert all(url.startswith("http://localhost/") for url in urls(there))
    assert all(url.startswith("http://testserver/") for url in urls(here))
    builds.clear()

    with committed():
        publish_topic(reviewer, "naloxone")

    assert sorted(builds) == ["http://localhost", "http://testserver"]
    assert "http://localhost/api/v1/topics/naloxone/" in urls(
        bundle_of(client, HTTP_HOST="localhost")
    )


def test_a_refresh_with_nothing_new_builds_nothing(client, seed_content, builds):
    bundle_of(client)
    builds.clear()

    assert snapshot.refresh() == []
    assert builds == []


def test_a_quiet_librarys_bundle_is_rebuilt_in_the_background_after_a_day(
    client, seed_content, clock, builds
):
    bundle_of(client)
    clock.shift(snapshot.REFRESH_AFTER + HOUR)
    builds.clear()

    changes.reconcile_everything()  # nothing changed: the feed stays put
    assert snapshot.refresh() == ["http://testserver"]


def test_a_cache_miss_serves_the_stored_bundle_without_building(
    client, seed_content, builds
):
    first = bundle_of(client)
    cache.clear()  # Redis flushed, evicted or down
    builds.clear()

    assert bundle_of(client) == first
    assert builds == []


def test_a_bundle_replaced_after_its_check_is_not_sent(client, seed_content):
    bundle_of(client)
    checked = Snapshot.objects.defer("body").get()
    cache.clear()
    Snapshot.objects.update(built_at=timezone.now() + HOUR)  # another build

    assert snapshot.body_of(checked) is None

"""`manage.py prune` deletes what is past its retention setting, and only that;
a cursor whose next entries were compacted away is refused, never answered
with a gap."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from feed import changes, cursors, snapshot
from feed.models import Change, FeedClock, Snapshot
from publishing.tasks import purge_keys
from tests.conftest import run_task_worker
from tests.test_feed import CHANGES, SNAPSHOT, publish_topic
from webhooks.models import Delivery, Endpoint

DAY = datetime.timedelta(days=1)


def prune() -> None:
    call_command("prune", verbosity=0)


@pytest.fixture
def endpoint(db):
    return Endpoint.objects.create(
        url="https://partner.example/hooks", description="Mirror", events=[]
    )


def delivery(endpoint, status, last_attempt_at, sequence=1) -> Delivery:
    return Delivery.objects.create(
        endpoint=endpoint,
        event_type="content.published",
        sequence=sequence,
        payload={},
        status=status,
        last_attempt_at=last_attempt_at,
    )


def test_prune_deletes_finished_deliveries_past_their_retention_only(
    endpoint, settings
):
    now = timezone.now()
    old = now - datetime.timedelta(days=settings.WEBHOOKS_DELIVERY_RETENTION_DAYS)
    delivered_long_ago = delivery(endpoint, Delivery.Status.DELIVERED, old - DAY)
    given_up_long_ago = delivery(endpoint, Delivery.Status.FAILED, old - DAY)
    delivered_lately = delivery(endpoint, Delivery.Status.DELIVERED, old + DAY)
    still_retrying = delivery(endpoint, Delivery.Status.PENDING, old - DAY)

    prune()

    assert set(Delivery.objects.all()) == {delivered_lately, still_retrying}
    assert not Delivery.objects.filter(
        pk__in=[delivered_long_ago.pk, given_up_long_ago.pk]
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_prune_deletes_finished_task_results_past_their_retention_only(
    settings, time_machine
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    purge_keys.enqueue(keys=["list"])
    run_task_worker()  # finished at the start
    time_machine.move_to(start + 3 * DAY, tick=False)
    finished_later = purge_keys.enqueue(keys=["search"])
    run_task_worker()
    waiting = purge_keys.enqueue(keys=["list"])  # never run
    time_machine.move_to(
        start + settings.TASK_RESULT_RETENTION_DAYS * DAY + datetime.timedelta(hours=1),
        tick=False,
    )

    prune()

    kept = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert kept == {str(finished_later.id), str(waiting.id)}


@pytest.fixture
def old_feed(client, reviewer, clock):
    """A feed with one entry older than the retention window and one inside."""
    client.get(CHANGES)
    publish_topic(reviewer, "first")
    changes.reconcile_everything()
    clock.shift(cursors.retention() + DAY)
    publish_topic(reviewer, "second")
    changes.reconcile_everything()
    return clock


def test_prune_compacts_feed_entries_older_than_the_retention(old_feed):
    prune()

    assert list(Change.objects.values_list("lookup", flat=True)) == ["second"]
    first_kept = Change.objects.get().sequence
    assert FeedClock.objects.get().pruned_through == first_kept - 1


def test_a_cursor_from_before_compaction_is_an_expired_problem_naming_since(
    client, old_feed
):
    behind = cursors.encode(0)  # freshly signed, but its next entries are gone
    pruned = Change.objects.order_by("sequence").first().sequence
    current = cursors.encode(pruned)
    prune()

    response = client.get(CHANGES, {"since": behind})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == "since"
    assert "snapshot" in problem["detail"]
    followed = client.get(CHANGES, {"since": current})
    assert followed.status_code == 200
    assert [entry["lookup"] for entry in followed.json()["entries"]] == ["second"]


def test_prune_keeps_the_feed_whole_inside_the_retention(client, reviewer):
    client.get(CHANGES)
    publish_topic(reviewer, "first")
    changes.reconcile_everything()
    before = list(Change.objects.all())

    prune()

    assert list(Change.objects.all()) == before
    assert FeedClock.objects.get().pruned_through == 0
    start = client.get(CHANGES, {"since": cursors.encode(0)})
    assert start.status_code == 200


def test_prune_deletes_snapshot_bundles_too_old_to_serve(client, reviewer):
    publish_topic(reviewer, "first")
    client.get(SNAPSHOT)
    client.get(SNAPSHOT, HTTP_HOST="localhost")
    too_old = timezone.now() - snapshot.max_served_age() - DAY
    Snapshot.objects.filter(origin="http://testserver").update(built_at=too_old)

    prune()

    assert list(Snapshot.objects.values_list("origin", flat=True)) == [
        "http://localhost"
    ]

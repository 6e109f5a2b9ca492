"""The change feed and the snapshot: a copy kept by following them stays
identical to the public API, and they reveal nothing unpublished."""

import datetime
import gzip
import json
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from content.models import (
    FAQ,
    Comparison,
    PublicationStatus,
    Resource,
    Reviewer,
    Topic,
)
from content.revisions import start_revision
from feed import changes, cursors
from feed.models import Change, FeedClock
from tests.conftest import FROZEN_NOW, approve, reviewed, run_task_worker
from tests.test_admin import admin_url, logged_in
from tests.test_revisions import DAY, change_words, review

HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)
CHANGES = "/api/v1/changes/"
SNAPSHOT = "/api/v1/snapshot/"
LISTS = ("topics", "comparisons", "faqs", "resources")


@pytest.fixture(autouse=True)
def uncached(settings):
    """The feed itself answers, not the response cache in front of it."""
    settings.RESPONSE_CACHE_ENABLED = False


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Edits as the admin makes them: committed, so what follows a commit runs."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def snapshot_of(client) -> dict:
    response = client.get(SNAPSHOT, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    return json.loads(gzip.decompress(response.content))


def crawl(client) -> dict[str, str]:
    """Every published item's detail URL and the ETag it answers with, found
    as a crawler finds them: through every page of every list."""
    found = {}
    for name in LISTS:
        url = f"/api/v1/{name}/?limit=100"
        while url:
            page = client.get(url).json()
            for item in page["results"]:
                found[item["url"]] = client.get(item["url"])["ETag"]
            url = page["next"]
    return found


class Mirror:
    """An offline copy kept as an app keeps it: the snapshot, then the feed."""

    def __init__(self, client, page_size: int = 3):
        self.client = client
        self.page_size = page_size
        bundle = snapshot_of(client)
        self.etags = {doc["url"]: doc["etag"] for doc in bundle["documents"]}
        self.cursor = bundle["cursor"]

    def follow(self) -> list[dict]:
        seen = []
        while True:
            response = self.client.get(
                CHANGES, {"since": self.cursor, "limit": self.page_size}
            )
            assert response.status_code == 200, response.content
            page = response.json()
            for entry in page["entries"]:
                self.apply(entry)
            seen += page["entries"]
            self.cursor = page["next"]
            if not page["more"]:
                return seen

    def apply(self, entry: dict) -> None:
        url = entry["url"]
        if entry["type"] in ("unpublished", "deleted"):
            self.etags.pop(url, None)
        elif entry["etag"] is None:  # A later entry withdraws it.
            return
        elif self.etags.get(url) != entry["etag"]:
            response = self.client.get(url)
            assert response.status_code == 200
            assert response["ETag"] == entry["etag"]
            self.etags[url] = response["ETag"]


def events(entries) -> list[tuple[str, str, str]]:
    return [(e["type"], e["kind"], e["lookup"]) for e in entries]


def publish_topic(reviewer, slug, **fields):
    return approve(
        Topic.objects.create(
            **reviewed(
                reviewer,
                slug=slug,
                title=slug.replace("-", " ").capitalize(),
                summary=f"About {slug}.",
                body="Words.",
                **fields,
            )
        )
    )


def publish_faq(reviewer, topic, question, **fields):
    return approve(
        FAQ.objects.create(
            **reviewed(
                reviewer, topic=topic, question=question, answer="Yes.", **fields
            )
        )
    )


def test_a_mirror_following_the_feed_from_the_snapshot_matches_a_full_crawl(
    client, seed_content, reviewer, clock, committed, settings
):
    mirror = Mirror(client)
    assert mirror.etags == crawl(client)
    heroin_rehab = Topic.objects.get(slug="heroin-rehab")

    with committed():  # publish
        new_topic = publish_topic(reviewer, "naloxone")
    with committed():  # edit
        new_topic.title = "Naloxone saves lives"
        new_topic.save()
    with committed():  # a child: an FAQ of a topic
        faq = publish_faq(reviewer, heroin_rehab, "Is rehab confidential?")
    assert events(mirror.follow()) == [
        ("published", "topic", "naloxone"),
        ("updated", "topic", "naloxone"),
        ("updated", "topic", "heroin-rehab"),
        ("published", "faq", str(faq.pk)),
    ]
    assert mirror.etags == crawl(client)

    with committed():  # a child edit changes its topic's page too
        faq.answer = "Yes, by law."
        faq.save()
    with committed():  # scheduled to go live in an hour
        publish_topic(reviewer, "fentanyl", publish_at=timezone.now() + HOUR)
    with committed():  # scheduled to expire in an hour
        faq.unpublish_at = timezone.now() + HOUR
        faq.save()
    assert events(mirror.follow()) == [
        ("updated", "topic", "heroin-rehab"),
        ("updated", "faq", str(faq.pk)),
    ]

    clock.shift(2 * HOUR)  # both times pass, with no cron
    assert events(mirror.follow()) == [
        ("unpublished", "faq", str(faq.pk)),  # withdrawals first
        ("published", "topic", "fentanyl"),
        ("updated", "topic", "heroin-rehab"),
    ]
    assert mirror.etags == crawl(client)

    resource = Resource.objects.published().first()
    comparison = Comparison.objects.published().first()
    comparison_faq = FAQ.objects.published().filter(comparison=comparison).first()
    deleted_faq = str(comparison_faq.pk)
    with committed():  # unpublish
        resource.status = PublicationStatus.ARCHIVED
        resource.save()
    with committed():  # delete
        comparison_faq.delete()
    with committed():  # a new address
        new_topic.slug = "naloxone-kits"
        new_topic.save()
    followed = events(mirror.follow())
    assert ("unpublished", "resource", resource.slug) in followed
    assert ("deleted", "faq", deleted_faq) in followed
    assert ("updated", "comparison", comparison.slug) in followed
    assert followed[-2:] == [
        ("unpublished", "topic", "naloxone"),
        ("published", "topic", "naloxone-kits"),
    ]
    assert mirror.etags == crawl(client)

    # A write that skips signals reaches the feed within its full reconcile.
    Topic.objects.filter(slug="fentanyl").update(status=PublicationStatus.DRAFT)
    clock.shift(datetime.timedelta(seconds=settings.FEED_FULL_RECONCILE_SECONDS))
    assert ("unpublished", "topic", "fentanyl") in events(mirror.follow())
    assert mirror.etags == crawl(client)
    assert not [url for url in mirror.etags if "fentanyl" in url or "naloxone/" in url]


@pytest.mark.django_db(transaction=True)
def test_a_due_full_reconcile_is_queued_once_and_run_by_the_worker_not_the_read(
    client, clock, reviewer, settings
):
    publish_topic(reviewer, "fentanyl")
    changes.reconcile_everything()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cursor = client.get(CHANGES).json()["next"]
    Topic.objects.filter(slug="fentanyl").update(status=PublicationStatus.DRAFT)
    clock.shift(datetime.timedelta(seconds=settings.FEED_FULL_RECONCILE_SECONDS))

    reads = [client.get(CHANGES, {"since": cursor}).json() for _ in range(3)]

    assert [read["entries"] for read in reads] == [[], [], []]  # not in the read
    queued = DBTaskResult.objects.filter(
        task_path="feed.tasks.reconcile_everything_task"
    )
    assert queued.count() == 1
    run_task_worker()
    assert events(client.get(CHANGES, {"since": cursor}).json()["entries"]) == [
        ("unpublished", "topic", "fentanyl")
    ]


def test_a_mirror_of_an_empty_library_fills_from_the_feed_alone(
    client, reviewer, committed
):
    mirror = Mirror(client)
    assert mirror.etags == {}

    with committed():
        topic = publish_topic(reviewer, "heroin-rehab")
    with committed():
        publish_faq(reviewer, topic, "How long does rehab last?")
    mirror.follow()

    assert len(mirror.etags) == 2
    assert mirror.etags == crawl(client)


def test_withdrawing_a_topic_leaves_tombstones_for_its_faqs(
    client, seed_content, committed
):
    topic = Topic.objects.get(slug="medical-detox")
    faqs = {
        str(pk)
        for pk in FAQ.objects.published()
        .filter(topic=topic)
        .values_list("pk", flat=True)
    }
    cursor = client.get(CHANGES).json()["next"]
    with committed():
        topic.status = PublicationStatus.ARCHIVED
        topic.save()

    entries = client.get(CHANGES, {"since": cursor}).json()["entries"]

    withdrawn = {e["lookup"] for e in entries if e["type"] == "unpublished"}
    assert faqs and faqs | {"medical-detox"} <= withdrawn
    assert all(e["etag"] is None for e in entries if e["type"] == "unpublished")


def test_an_edit_shown_by_many_items_queues_a_full_reconcile_that_records_them(
    client, seed_content, committed, monkeypatch
):
    monkeypatch.setattr("publishing.documents.EAGER_RENDER_LIMIT", 2)
    mirror = Mirror(client, page_size=100)
    before = FeedClock.objects.get().last_sequence
    reviewer = Reviewer.objects.get(pk=Topic.objects.first().reviewed_by_id)
    with committed():  # the queued full reconcile runs at once here
        reviewer.credentials = "MD, PhD"
        reviewer.save()
    assert Change.objects.filter(type="updated", sequence__gt=before).count() > 2

    updated = [e for e in mirror.follow() if e["type"] == "updated"]

    assert len(updated) > 2
    assert mirror.etags == crawl(client)


def test_a_scheduled_revision_is_an_update_when_its_time_comes(
    client, published_faq, editor, publisher, medical_reviewer, clock, committed
):
    mirror = Mirror(client)
    revision = start_revision(published_faq, editor)
    change_words(revision, "Words for tomorrow.")
    review(logged_in(medical_reviewer), FAQ.objects.get(pk=revision.pk))
    with committed():
        logged_in(publisher).post(
            admin_url(FAQ, "publish", revision.pk),
            {"publish_at": (FROZEN_NOW + DAY).strftime("%Y-%m-%d %H:%M")},
        )
    assert mirror.follow() == []  # A draft revision and its schedule are private.

    clock.move_to(FROZEN_NOW + DAY + SECOND, tick=False)

    assert events(mirror.follow()) == [
        ("updated", "topic", "heroin-rehab"),
        ("updated", "faq", str(published_faq.pk)),
    ]
    assert mirror.etags == crawl(client)
    assert (
        b"Words for tomorrow."
        in client.get(f"/api/v1/faqs/{published_faq.pk}/").content
    )


def test_drafts_never_appear_in_the_feed(client, reviewer, committed, clock):
    cursor = client.get(CHANGES).json()["next"]
    with committed():
        draft = Topic.objects.create(slug="secret-plan", title="Secret", summary="…")
    with committed():
        draft.title = "Still secret"
        draft.save()
    with committed():
        draft.delete()
    with committed():
        publish_topic(reviewer, "not-yet", publish_at=timezone.now() + HOUR)

    page = client.get(CHANGES, {"since": cursor})

    assert page.status_code == 200
    assert page.json()["entries"] == []
    assert not Change.objects.exists()
    assert b"secret" not in snapshot_of(client)["documents"].__repr__().encode()


def test_the_snapshot_holds_every_published_detail_as_its_url_serves_it(
    client, seed_content
):
    bundle = snapshot_of(client)

    assert bundle["format"] == "rehabinfo-snapshot"
    assert bundle["version"] == 1
    assert {doc["url"]: doc["etag"] for doc in bundle["documents"]} == crawl(client)
    for doc in bundle["documents"]:
        assert doc["body"] == client.get(doc["url"]).json()


def test_the_snapshot_is_plain_json_to_a_client_without_gzip(client, seed_content):
    response = client.get(SNAPSHOT, HTTP_ACCEPT_ENCODING="identity")

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert "Accept-Encoding" in response["Vary"]
    assert json.loads(response.content)["documents"]


def test_the_response_cache_never_replays_one_encoding_to_another(
    client, seed_content, settings
):
    settings.RESPONSE_CACHE_ENABLED = True
    client.get(SNAPSHOT, HTTP_ACCEPT_ENCODING="gzip")

    plain = client.get(SNAPSHOT, HTTP_ACCEPT_ENCODING="identity")

    assert "Content-Encoding" not in plain
    assert json.loads(plain.content)["format"] == "rehabinfo-snapshot"


def test_the_snapshot_answers_its_etag_with_304(client, seed_content):
    etag = client.get(SNAPSHOT, HTTP_ACCEPT_ENCODING="gzip")["ETag"]

    again = client.get(SNAPSHOT, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304


def test_entry_etags_are_those_each_host_gets_from_the_url(client, seed_content):
    start = cursors.encode(0)
    for host in ("testserver", "localhost"):
        page = client.get(CHANGES, {"since": start, "limit": 3}, HTTP_HOST=host)
        for entry in page.json()["entries"]:
            assert entry["url"].startswith(f"http://{host}/")
            assert client.get(entry["url"], HTTP_HOST=host)["ETag"] == entry["etag"]
    elsewhere = client.get(CHANGES, {"since": start, "limit": 1}, HTTP_HOST="localhost")
    here = client.get(CHANGES, {"since": start, "limit": 1})
    assert elsewhere.json()["entries"][0]["etag"] != here.json()["entries"][0]["etag"]


def test_a_cdn_purges_feed_pages_and_the_snapshot_with_the_lists(client, db):
    for url in (CHANGES, SNAPSHOT):
        assert client.get(url)["Surrogate-Key"] == "list"


def test_the_first_read_gives_a_cursor_for_now_and_the_snapshot(client, seed_content):
    response = client.get(CHANGES)

    assert response.status_code == 200
    page = response.json()
    assert page["entries"] == []
    assert page["more"] is False
    assert page["snapshot"] == "http://testserver/api/v1/snapshot/"
    later = client.get(CHANGES, {"since": page["next"]}).json()
    assert later["entries"] == []


@pytest.mark.parametrize(
    "cursor", ["nonsense", "eyJ2IjoxLCJzIjo1fQ:1xXYD1:forged", "x" * 201]
)
def test_a_malformed_cursor_is_a_problem_naming_since(client, db, cursor):
    response = client.get(CHANGES, {"since": cursor})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "since"


def test_an_expired_cursor_is_a_problem_naming_since(client, seed_content, clock):
    cursor = client.get(CHANGES).json()["next"]
    clock.shift(cursors.retention() + HOUR)

    response = client.get(CHANGES, {"since": cursor})

    assert response.status_code == 400
    problem = response.json()
    assert problem["errors"][0]["field"] == "since"
    assert "snapshot" in problem["detail"]


def test_a_cursor_ahead_of_the_log_is_expired(client, db):
    response = client.get(CHANGES, {"since": cursors.encode(10_000)})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "since"


@pytest.mark.parametrize("limit", ["0", "501", "ten", "-1"])
def test_a_page_size_out_of_bounds_is_a_problem_naming_limit(client, db, limit):
    response = client.get(CHANGES, {"limit": limit})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "limit"


def test_paging_is_stable(client, seed_content):
    start = cursors.encode(0)  # the beginning: the seed, published
    first = client.get(CHANGES, {"since": start, "limit": 5}).json()
    second = client.get(CHANGES, {"since": first["next"], "limit": 5}).json()

    assert first["more"] is True
    assert len(first["entries"]) == 5
    assert (
        client.get(CHANGES, {"since": start, "limit": 5}).json()["entries"]
        == (first["entries"])
    )
    again = client.get(CHANGES, {"since": first["next"], "limit": 5}).json()
    assert again["entries"] == second["entries"]
    everything = client.get(CHANGES, {"since": start, "limit": 500}).json()
    assert everything["entries"][:10] == first["entries"] + second["entries"]
    assert len(everything["entries"]) == Change.objects.count()


def test_sequences_follow_commit_order(client, reviewer, committed):
    client.get(CHANGES)
    with committed():
        publish_topic(reviewer, "first")
    with committed():
        publish_topic(reviewer, "second")

    lookups = list(Change.objects.order_by("sequence").values_list("lookup", flat=True))

    assert lookups == ["first", "second"]


def blocked_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Activity is read once per transaction unless the snapshot is cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_reconcile_waits_for_the_one_in_progress_so_sequences_follow_commits(
    reviewer,
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time and no row locks to wait on")
    first, second = Topic.objects.bulk_create(  # no signals: nothing recorded yet
        Topic(**reviewed(reviewer, slug=slug, title=slug, summary=slug))
        for slug in ("first", "second")
    )
    FeedClock.objects.create(pk=changes.CLOCK_ID)  # committed: only a row lock waits

    failures = []

    def reconcile_second():
        try:
            changes.reconcile({("topic", second.pk)})
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        clock = changes.locked_clock()
        thread = threading.Thread(target=reconcile_second)
        thread.start()
        for _ in range(500):  # until the other reconcile waits for the clock
            if blocked_on_a_lock():
                break
            threading.Event().wait(0.01)
        else:
            pytest.fail(f"The second reconcile did not wait for the lock: {failures}")
        changes.record(clock, {("topic", first.pk)}, timezone.now())
    thread.join(timeout=30)

    order = Change.objects.order_by("sequence").values_list("sequence", "lookup")
    assert list(order) == [(1, "first"), (2, "second")]


def test_a_page_of_changes_reads_a_bounded_number_of_queries(
    client, seed_content, django_assert_max_num_queries
):
    start = cursors.encode(0)
    client.get(CHANGES, {"since": start, "limit": 5})

    with django_assert_max_num_queries(12):
        small = client.get(CHANGES, {"since": start, "limit": 5})
    with django_assert_max_num_queries(12):
        large = client.get(CHANGES, {"since": start, "limit": 500})

    assert len(small.json()["entries"]) == 5
    assert len(large.json()["entries"]) > 5


def test_the_snapshot_reads_a_bounded_number_of_queries(
    client, seed_content, django_assert_max_num_queries
):
    client.get(SNAPSHOT, HTTP_ACCEPT_ENCODING="gzip")

    with django_assert_max_num_queries(14):
        response = client.get(SNAPSHOT, HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200

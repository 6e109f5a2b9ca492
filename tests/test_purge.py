"""CDN purge: responses name what they show; a change purges exactly that."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from content.models import FAQ, Topic
from publishing import purge
from tests.conftest import run_task_worker
from tests.test_documents import public_addresses

purged: list[list[str]] = []


class RecordingPurger:
    def purge(self, keys):
        purged.append(list(keys))


@pytest.fixture(autouse=True)
def recording(settings):
    settings.RESPONSE_CACHE_ENABLED = False
    settings.CDN_PURGER = "tests.test_purge.RecordingPurger"
    purged.clear()
    yield
    purged.clear()


def keys_of(response) -> set[str]:
    return set(response.get("Surrogate-Key", "").split())


def test_a_topic_names_itself_and_everything_it_shows(client, seed_content):
    topic = Topic.objects.get(slug="heroin-rehab")
    response = client.get("/api/v1/topics/heroin-rehab/")

    keys = keys_of(response)
    assert f"topic-{topic.pk}" in keys
    assert {f"faq-{pk}" for pk in topic.faqs.values_list("pk", flat=True)} <= keys
    assert f"reviewer-{topic.reviewed_by_id}" in keys
    assert response["Cache-Tag"] == response["Surrogate-Key"].replace(" ", ",")


def test_lists_search_and_widgets_carry_their_keys(client, seed_content):
    assert keys_of(client.get("/api/v1/topics/")) == {"list"}
    assert keys_of(client.get("/api/v1/search/?q=detox")) == {"search"}
    iframe = client.get("/embed/v1/topics/heroin-rehab/faqs/")
    assert "resource-any" in keys_of(iframe)  # it lists the help lines


def test_editing_an_faq_purges_exactly_the_responses_that_show_it(
    client, seed_content, django_capture_on_commit_callbacks
):
    before = {url: client.get(url) for url in public_addresses()}
    faq = FAQ.objects.published().filter(comparison__isnull=False).first()

    with django_capture_on_commit_callbacks(execute=True):
        faq.answer = "A different answer."
        faq.save()

    [keys] = purged
    after = {url: client.get(url) for url in public_addresses()}
    changed = {url for url in before if before[url]["ETag"] != after[url]["ETag"]}
    withdrawn = {url for url in before if keys_of(before[url]) & set(keys)}
    assert changed <= withdrawn  # no stale copy is left in a CDN
    details = {url for url in withdrawn if "list" not in keys_of(before[url])}
    assert details == changed - {"/api/v1/faqs/?limit=100"}  # and nothing else


def test_a_rolled_back_change_purges_nothing(
    seed_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            from django.db import transaction

            with transaction.atomic():
                faq = FAQ.objects.published().first()
                faq.answer = "Never committed."
                faq.save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    assert purged == []


class PurgeEndpoint(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        PurgeEndpoint.received.append((self.headers["Authorization"], json.loads(body)))
        self.send_response(PurgeEndpoint.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_endpoint():
    server = HTTPServer(("127.0.0.1", 0), PurgeEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    PurgeEndpoint.received = []
    PurgeEndpoint.status = 200
    yield f"http://127.0.0.1:{server.server_port}/purge"
    server.shutdown()


def test_the_http_purger_posts_the_keys_with_its_token(purge_endpoint):
    purge.HTTPPurger(purge_endpoint, token="s3cret").purge(["topic-1", "list"])

    assert PurgeEndpoint.received == [
        ("Bearer s3cret", {"surrogate_keys": ["topic-1", "list"]})
    ]


def test_the_http_purger_raises_when_the_cdn_refuses(purge_endpoint):
    PurgeEndpoint.status = 500

    with pytest.raises(OSError):
        purge.HTTPPurger(purge_endpoint, token="").purge(["topic-1"])


class RefusingPurger:
    """A CDN that refuses the first two purges, then accepts."""

    refusals = 2

    def purge(self, keys):
        purged.append(list(keys))
        if RefusingPurger.refusals:
            RefusingPurger.refusals -= 1
            raise OSError("CDN answered 503")


@pytest.mark.django_db(transaction=True)
def test_a_refused_purge_is_retried_by_the_worker_with_backoff(
    settings, time_machine, published_faq
):
    from django_tasks_db.models import DBTaskResult

    from publishing.tasks import PURGE_RETRY_DELAYS

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    time_machine.move_to(timezone.now(), tick=False)

    run_task_worker()  # the fixtures' own purges
    purged.clear()
    settings.CDN_PURGER = "tests.test_purge.RefusingPurger"
    RefusingPurger.refusals = 2

    published_faq.answer = "Purged at the third try."
    published_faq.save()  # committed: the purge is queued
    run_task_worker()
    assert len(purged) == 1  # refused; the retry waits for its time
    time_machine.shift(PURGE_RETRY_DELAYS[0])
    run_task_worker()
    time_machine.shift(PURGE_RETRY_DELAYS[1])
    run_task_worker()

    assert len(purged) == 3
    assert purged[0] == purged[2]
    assert f"faq-{published_faq.pk}" in purged[2]
    assert not DBTaskResult.objects.ready().exists()

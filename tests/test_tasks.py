"""Background rendering: the real database queue and its worker.

A publish renders the changed item's own documents when it commits and
queues the items that show it; those are fresh only once the worker has run,
and until then a read renders them itself, so readers never get old words.
"""

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from publishing import documents
from publishing.models import Document
from publishing.tasks import render_items_showing
from tests.conftest import run_task_worker

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FAQ_URL_TEMPLATE = "/api/v1/faqs/{pk}/"
COMPARISON_URL = "/api/v1/comparisons/inpatient-vs-outpatient/"


@pytest.fixture
def run_worker():
    return run_task_worker


def document(kind: str, item_id: int, representation: str = "detail") -> Document:
    return Document.objects.get(
        kind=kind, item_id=item_id, representation=representation
    )


def is_fresh(doc: Document) -> bool:
    return doc.valid_until > timezone.now()


@pytest.fixture
def rendered_library(published_topic, published_faq, published_comparison):
    documents.rebuild_all()
    return published_topic


@pytest.fixture
def database_queue(settings, rendered_library):
    """The real queue, from after the library was built: nothing waits in it."""
    settings.TASKS = DATABASE_TASKS
    settings.RESPONSE_CACHE_ENABLED = False  # the documents answer


def rendering_tasks():
    """The queued renderings (a change also queues its CDN purge)."""
    return DBTaskResult.objects.filter(
        task_path="publishing.tasks.render_items_showing"
    )


@pytest.mark.django_db(transaction=True)
def test_a_publish_leaves_the_items_showing_it_stale_until_the_worker_runs(
    client,
    database_queue,
    rendered_library,
    published_faq,
    published_comparison,
    run_worker,
):
    topic = rendered_library
    topic.title = "Heroin rehab, revised"
    topic.save()  # commits: renders the topic, queues what shows it

    assert is_fresh(document("topic", topic.pk))
    assert b"Heroin rehab, revised" in bytes(document("topic", topic.pk).body)
    assert rendering_tasks().ready().count() == 1
    assert not is_fresh(document("faq", published_faq.pk))
    assert not is_fresh(document("comparison", published_comparison.pk))

    run_worker()

    assert rendering_tasks().successful().count() == 1
    assert is_fresh(document("faq", published_faq.pk))
    assert is_fresh(document("comparison", published_comparison.pk))
    assert b"Heroin rehab, revised" in bytes(
        document("comparison", published_comparison.pk).body
    )


@pytest.mark.django_db(transaction=True)
def test_reads_before_the_worker_runs_get_the_new_content(
    client,
    database_queue,
    rendered_library,
    published_faq,
    published_comparison,
    run_worker,
):
    topic = rendered_library
    topic.title = "Heroin rehab, revised"
    topic.save()

    response = client.get(COMPARISON_URL)

    assert response.status_code == 200
    assert response.json()["topic"]["title"] == "Heroin rehab, revised"
    assert rendering_tasks().ready().count() == 1  # the worker has not run
    etag = response["ETag"]

    run_worker()

    again = client.get(COMPARISON_URL)
    assert again.status_code == 200
    assert again["ETag"] == etag  # the worker stored the same bytes


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_queues_nothing(
    database_queue, rendered_library, published_faq
):
    topic = rendered_library
    with pytest.raises(RuntimeError), transaction.atomic():
        topic.title = "Never committed"
        topic.save()
        raise RuntimeError("The editor's save fails after the row is written.")

    assert not DBTaskResult.objects.exists()
    assert b"Never committed" not in bytes(document("topic", topic.pk).body)


@pytest.mark.django_db(transaction=True)
def test_publishing_and_reading_work_with_no_worker(
    client, database_queue, rendered_library, published_faq
):
    published_faq.question = "Is the worker needed?"
    published_faq.save()

    response = client.get(FAQ_URL_TEMPLATE.format(pk=published_faq.pk))
    topic = client.get("/api/v1/topics/heroin-rehab/")

    assert response.status_code == 200
    assert response.json()["question"] == "Is the worker needed?"
    assert topic.status_code == 200
    assert "Is the worker needed?" in topic.content.decode()


def test_rendering_the_items_showing_a_row_twice_changes_nothing(
    rendered_library, published_faq, published_comparison
):
    rows = [["topic", rendered_library.pk]]
    Document.objects.update(valid_until=documents.STALE)
    before = {
        (d.kind, d.item_id, d.representation): d.etag for d in Document.objects.all()
    }

    first = render_items_showing.call(rows=rows, rendered=[])
    second = render_items_showing.call(rows=rows, rendered=[])

    assert "0 created, 0 changed" in first
    assert second == first
    after = {
        (d.kind, d.item_id, d.representation): d.etag for d in Document.objects.all()
    }
    assert after == before
    assert is_fresh(document("comparison", published_comparison.pk))


def test_the_items_rendered_at_commit_are_not_rendered_again(
    rendered_library, published_faq, published_comparison
):
    rows = [["topic", rendered_library.pk]]
    showing_it = Document.objects.filter(kind__in=["faq", "comparison"]).count()

    report = render_items_showing.call(rows=rows, rendered=rows)

    # The topic's own documents are left out: only the FAQ's and the
    # comparison's are rendered.
    assert report == f"0 created, 0 changed, {showing_it} unchanged, 0 removed"


def test_a_change_shown_by_many_items_is_left_to_render_on_read(
    rendered_library, published_faq, published_comparison, monkeypatch, settings
):
    monkeypatch.setattr(documents, "EAGER_RENDER_LIMIT", 1)
    # Not the feed's full reconcile the change queues, which renders what is
    # due in a task of its own (tests/test_feed.py).
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    Document.objects.update(valid_until=documents.STALE)
    rows = [["topic", rendered_library.pk]]

    report = render_items_showing.call(rows=rows, rendered=rows)

    assert report == "2 items left to render on read"
    showing_it = Document.objects.filter(kind__in=["faq", "comparison"])
    assert not showing_it.filter(valid_until__gt=timezone.now()).exists()

"""Published documents: rendered once by the serializers, served as stored bytes,
fresh per item."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from api import jsonld
from api.v1 import serializers
from content.models import FAQ, Comparison, PublicationStatus, Resource, Topic
from content.reader import public_url
from embed.fragments import widget_document
from publishing import documents
from publishing.models import Document
from tests.conftest import approve, reviewed

SECOND = datetime.timedelta(seconds=1)
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def uncached(settings):
    """The stored documents answer, not the response cache in front of them."""
    settings.RESPONSE_CACHE_ENABLED = False


def public_addresses():
    """Every public URL served from a document, with the lists of every kind."""
    urls = ["/api/v1/topics/", "/api/v1/comparisons/", "/api/v1/faqs/?limit=100"]
    urls.append("/api/v1/resources/")
    for slug in Topic.objects.published().values_list("slug", flat=True):
        base = f"/api/v1/topics/{slug}/"
        urls += [base, f"{base}faqpage/", f"{base}medicalwebpage/", f"{base}widget/"]
        urls.append(f"/embed/v1/topics/{slug}/faqs/")
    for slug in Comparison.objects.published().values_list("slug", flat=True):
        base = f"/api/v1/comparisons/{slug}/"
        urls += [base, f"{base}faqpage/", f"{base}widget/"]
        urls.append(f"/embed/v1/comparisons/{slug}/faqs/")
    for pk in FAQ.objects.published().values_list("pk", flat=True):
        urls.append(f"/api/v1/faqs/{pk}/")
    for slug in Resource.objects.published().values_list("slug", flat=True):
        urls.append(f"/api/v1/resources/{slug}/")
    return urls


def etags(client) -> dict[str, str]:
    responses = {url: client.get(url) for url in public_addresses()}
    assert {r.status_code for r in responses.values()} == {200}
    return {url: response["ETag"] for url, response in responses.items()}


class Request:
    """What the test client's requests look like to a serializer."""

    scheme = "http"

    def get_host(self):
        return "testserver"

    def build_absolute_uri(self, path):
        return f"http://testserver{path}"


def expected_body(document: Document) -> bytes:
    """The document rendered straight by the API's serializers and JSON-LD
    builders from the content as it stands."""
    now = timezone.now()
    request = Request()
    context = {"request": request}
    kind = documents.KINDS[document.kind]
    item = kind.pages(now).get(pk=document.item_id)
    name = document.representation
    if name == "widget":
        help_lines = Resource.objects.national_help_lines()
        data = widget_document(request, item, item.public_faqs, help_lines)
    elif name == "faqpage":
        url = f"{public_url(request, item)}#faqs"
        data = jsonld.faq_page(
            item, item.public_faqs, url=url, name=f"{item.title}: FAQs"
        )
    elif name == "medicalwebpage":
        url = public_url(request, item)
        data = jsonld.medical_web_page(
            item, item.public_faqs, url=url, faq_url=f"{url}#faqs"
        )
    else:
        serializer = {
            ("topic", "detail"): serializers.TopicDetailSerializer,
            ("topic", "entry"): serializers.TopicListSerializer,
            ("comparison", "detail"): serializers.ComparisonDetailSerializer,
            ("comparison", "entry"): serializers.ComparisonListSerializer,
            ("faq", "detail"): serializers.FAQSerializer,
            ("resource", "detail"): serializers.ResourceSerializer,
        }[(document.kind, name)]
        data = serializer(item, context=context).data
    return JSONRenderer().render(data)


def test_every_stored_document_is_what_the_serializers_render(
    client, seed_content, clock
):
    faq = FAQ.objects.published().first()
    faq.answer = "Edited answer."
    faq.save()
    Topic.objects.filter(slug="medical-detox").update(status=PublicationStatus.DRAFT)
    etags(client)  # every public address read: stale documents render again

    stored = Document.objects.all()
    assert stored.count() > 20
    for document in stored:
        served = documents.for_origin(bytes(document.body), "http://testserver")
        assert served == expected_body(document), document


def test_a_read_of_a_fresh_document_is_one_query(
    client, published_topic, django_assert_num_queries
):
    client.get("/api/v1/topics/heroin-rehab/")

    with django_assert_num_queries(1):
        response = client.get("/api/v1/topics/heroin-rehab/")

    assert response.status_code == 200


def test_editing_one_faq_changes_only_the_etags_of_what_shows_it(
    client, seed_content, clock
):
    before = etags(client)
    faq = FAQ.objects.published().filter(comparison__isnull=False).first()
    shows_it = {
        "/api/v1/faqs/?limit=100",
        f"/api/v1/faqs/{faq.pk}/",
        f"/api/v1/topics/{faq.topic.slug}/",
        f"/api/v1/topics/{faq.topic.slug}/faqpage/",
        f"/api/v1/topics/{faq.topic.slug}/medicalwebpage/",
        f"/api/v1/topics/{faq.topic.slug}/widget/",
        f"/embed/v1/topics/{faq.topic.slug}/faqs/",
        f"/api/v1/comparisons/{faq.comparison.slug}/",
        f"/api/v1/comparisons/{faq.comparison.slug}/faqpage/",
        f"/api/v1/comparisons/{faq.comparison.slug}/widget/",
        f"/embed/v1/comparisons/{faq.comparison.slug}/faqs/",
    }

    clock.shift(HOUR)
    faq.answer = "A different answer."
    faq.save()
    after = etags(client)

    changed = {url for url in before if before[url] != after[url]}
    assert changed == shows_it


def test_an_edit_marks_stale_only_the_documents_that_show_the_row(client, seed_content):
    etags(client)
    faq = FAQ.objects.published().filter(comparison__isnull=True).first()

    faq.question = "A new question?"
    faq.save()

    stale = Document.objects.filter(valid_until=documents.STALE)
    assert set(stale.values_list("kind", "item_id").distinct()) == {
        ("faq", faq.pk),
        ("topic", faq.topic_id),
    }


def test_a_commit_renders_what_the_change_shows(
    client, published_faq, django_capture_on_commit_callbacks
):
    client.get("/api/v1/topics/heroin-rehab/")
    with django_capture_on_commit_callbacks(execute=True):
        published_faq.question = "Rendered at commit?"
        published_faq.save()

    topic = Document.objects.get(
        kind="topic", lookup="heroin-rehab", representation="detail"
    )
    assert topic.valid_until > timezone.now()
    assert b"Rendered at commit?" in bytes(topic.body)


def test_an_unchanged_document_keeps_its_last_modified_and_etag(
    client, published_topic, published_faq, clock
):
    detail, listing = "/api/v1/topics/heroin-rehab/", "/api/v1/topics/"
    clock.shift(HOUR)
    before = {url: client.get(url) for url in (detail, listing)}
    entry_before = Document.objects.get(kind="topic", representation="entry")
    clock.shift(HOUR)

    published_faq.question = "Only the FAQ changed?"
    published_faq.save()
    after = {url: client.get(url) for url in (detail, listing)}

    # The topic's page shows its FAQs; its list entry does not.
    assert after[detail]["ETag"] != before[detail]["ETag"]
    assert after[detail]["Last-Modified"] != before[detail]["Last-Modified"]
    assert after[listing]["ETag"] == before[listing]["ETag"]
    entry_after = Document.objects.get(kind="topic", representation="entry")
    assert entry_after.modified_at == entry_before.modified_at
    assert entry_after.rendered_at > entry_before.rendered_at


def test_first_render_dates_the_content_not_the_render(clock, client, published_topic):
    clock.shift(2 * SECOND)
    last_modified = client.get("/api/v1/topics/heroin-rehab/")["Last-Modified"]

    response = client.get(
        "/api/v1/topics/heroin-rehab/", HTTP_IF_MODIFIED_SINCE=last_modified
    )

    assert response.status_code == 304


def test_unpublishing_that_skips_signals_is_gone_at_once(client, published_topic):
    assert client.get("/api/v1/topics/heroin-rehab/").status_code == 200

    Topic.objects.filter(pk=published_topic.pk).update(status=PublicationStatus.DRAFT)

    assert client.get("/api/v1/topics/heroin-rehab/").status_code == 404
    assert client.get("/api/v1/topics/").json()["count"] == 0


def test_words_changed_behind_signals_show_within_the_recheck_interval(
    client, published_topic, clock, settings
):
    url = "/api/v1/topics/heroin-rehab/"
    client.get(url)
    Topic.objects.filter(pk=published_topic.pk).update(title="Changed by SQL")

    clock.shift(datetime.timedelta(seconds=settings.DOCUMENT_RECHECK_SECONDS) - SECOND)
    assert "Changed by SQL" not in client.get(url).content.decode()
    clock.shift(SECOND)
    assert "Changed by SQL" in client.get(url).content.decode()


def test_a_scheduled_faq_joins_and_leaves_its_topic_on_time_without_cron(
    client, reviewer, published_topic, clock
):
    url = "/api/v1/topics/heroin-rehab/"
    approve(
        FAQ.objects.create(
            **reviewed(
                reviewer,
                topic=published_topic,
                question="Scheduled question?",
                answer="Yes.",
                publish_at=timezone.now() + HOUR,
                unpublish_at=timezone.now() + 2 * HOUR,
            )
        )
    )
    assert client.get(url).json()["faqs"] == []

    clock.shift(HOUR)
    assert [f["question"] for f in client.get(url).json()["faqs"]] == [
        "Scheduled question?"
    ]

    clock.shift(HOUR)
    assert client.get(url).json()["faqs"] == []


def test_a_new_slug_moves_the_document(client, published_topic):
    client.get("/api/v1/topics/heroin-rehab/")

    published_topic.slug = "heroin-treatment"
    published_topic.save()

    assert client.get("/api/v1/topics/heroin-rehab/").status_code == 404
    assert client.get("/api/v1/topics/heroin-treatment/").status_code == 200


def test_documents_link_to_the_origin_asked_for(client, published_topic, settings):
    settings.ALLOWED_HOSTS = ["testserver", "api.example.org"]
    for host in ("testserver", "api.example.org"):
        body = client.get("/api/v1/topics/heroin-rehab/", HTTP_HOST=host).json()
        assert body["url"] == f"http://{host}/api/v1/topics/heroin-rehab/"


def test_render_documents_reports_what_changed(seed_content, clock):
    first, second = io.StringIO(), io.StringIO()

    call_command("render_documents", stdout=first)
    # A resource that is not a help line shows only on its own page; changed
    # by SQL, no signal marks it.
    locator = Resource.objects.published().exclude(
        pk__in=Resource.objects.national_help_lines()
    )
    Resource.objects.filter(pk=locator.first().pk).update(phone="1-800-000-0000")
    call_command("render_documents", stdout=second)

    total = Document.objects.count()
    assert f"{total} created, 0 changed, 0 unchanged, 0 removed" in first.getvalue()
    assert f"0 created, 1 changed, {total - 1} unchanged" in second.getvalue()


def test_an_item_no_longer_public_loses_its_documents(client, published_topic):
    client.get("/api/v1/topics/heroin-rehab/")
    published_topic.status = PublicationStatus.DRAFT
    published_topic.save()

    documents.rebuild_all()

    assert not Document.objects.filter(kind="topic").exists()


def document_addresses():
    for slug in Topic.objects.published().values_list("slug", flat=True):
        base = f"/api/v1/topics/{slug}/"
        yield from (base, f"{base}faqpage/", f"{base}medicalwebpage/")
        yield f"{base}widget/"
    for slug in Comparison.objects.published().values_list("slug", flat=True):
        base = f"/api/v1/comparisons/{slug}/"
        yield from (base, f"{base}faqpage/", f"{base}widget/")
    yield f"/api/v1/faqs/{FAQ.objects.published().first().pk}/"
    yield f"/api/v1/resources/{Resource.objects.published().first().slug}/"


@pytest.mark.parametrize(
    "accept", ["", "*/*", "application/json", "application/ld+json"]
)
def test_the_short_way_answers_exactly_what_the_view_answers(
    clock, client, seed_content, accept, monkeypatch
):
    from api.v1.views import PublicViewSet

    through_view = []
    original = PublicViewSet.document
    monkeypatch.setattr(
        PublicViewSet,
        "document",
        lambda view, name: through_view.append(name) or original(view, name),
    )
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    # The same choice, spelt so that only the view takes it (q is ignored).
    long_way = {"HTTP_ACCEPT": f"{accept or '*/*'};q=1"}
    for url in document_addresses():
        del through_view[:]
        view = client.get(url, **long_way)
        if view.status_code == 406:
            continue  # No such representation: the view answers that alone.
        assert through_view, url
        del through_view[:]
        short = client.get(url, **headers)
        assert through_view == [], url
        assert short.status_code == view.status_code == 200
        assert short.content == view.content, url
        for name in ("Content-Type", "ETag", "Last-Modified", "Cache-Control"):
            assert short[name] == view[name], (url, name)
        for name in ("Vary", "Allow", "Content-Length", "X-Frame-Options"):
            assert short[name] == view[name], (url, name)
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=short["ETag"], **headers)
        assert not_modified.status_code == 304


WIDGET = "/api/v1/topics/heroin-rehab/widget/"
IFRAME = "/embed/v1/topics/heroin-rehab/faqs/"


def test_both_widgets_are_served_from_the_stored_widget_document(
    client, published_topic, published_faq, django_assert_num_queries
):
    client.get(WIDGET)  # renders the topic's documents

    with django_assert_num_queries(1):
        script_widget = client.get(WIDGET)
    with django_assert_num_queries(1):
        iframe = client.get(IFRAME)

    stored = Document.objects.get(kind="topic", representation="widget")
    served = documents.for_origin(bytes(stored.body), "http://testserver")
    assert script_widget.content == served
    assert script_widget.json()["html"] in iframe.content.decode()


def test_a_new_national_help_line_shows_in_every_widget_at_once(
    client, published_topic, published_faq, reviewer, django_capture_on_commit_callbacks
):
    before = client.get(WIDGET)

    with django_capture_on_commit_callbacks(execute=True):
        approve(
            Resource.objects.create(
                **reviewed(reviewer, slug="new-line", name="New line", kind="helpline")
            )
        )

    after = client.get(WIDGET)
    assert "New line" in after.json()["html"]
    assert "New line" in client.get(IFRAME).content.decode()
    assert after["ETag"] != before["ETag"]


def test_a_help_line_scheduled_to_go_live_shows_in_widgets_at_its_time(
    client, clock, published_topic, reviewer
):
    approve(
        Resource.objects.create(
            **reviewed(
                reviewer,
                slug="later-line",
                name="Later line",
                kind="crisis_line",
                publish_at=timezone.now() + MINUTE,
            )
        )
    )
    assert "Later line" not in client.get(WIDGET).json()["html"]

    clock.shift(MINUTE + SECOND)  # well within the recheck interval

    assert "Later line" in client.get(WIDGET).json()["html"]
    assert "Later line" in client.get(IFRAME).content.decode()


def test_an_unpublished_topic_has_no_widget_even_with_its_document_stored(
    client, published_topic
):
    client.get(WIDGET)
    Topic.objects.filter(pk=published_topic.pk).update(status=PublicationStatus.DRAFT)

    assert client.get(WIDGET).status_code == 404
    assert client.get(IFRAME).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_rendering_in_several_processes_stores_what_one_process_stores():
    call_command("loaddata", "seed", verbosity=0)
    in_one = documents.rebuild_all(jobs=1)
    stored = set(Document.objects.values_list("kind", "lookup", "etag"))
    Document.objects.all().delete()

    in_two = documents.rebuild_all(jobs=2)

    assert str(in_two) == str(in_one)
    assert set(Document.objects.values_list("kind", "lookup", "etag")) == stored


@pytest.mark.parametrize(
    "publish_at, unpublish_at, status, public",
    [
        (None, None, PublicationStatus.PUBLISHED, True),
        (-HOUR, HOUR, PublicationStatus.PUBLISHED, True),
        (SECOND, None, PublicationStatus.PUBLISHED, False),  # scheduled
        (None, -SECOND, PublicationStatus.PUBLISHED, False),  # expired
        (None, None, PublicationStatus.DRAFT, False),
    ],
)
def test_the_precompiled_read_finds_what_the_orm_query_finds(
    published_topic, clock, publish_at, unpublish_at, status, public
):
    documents.rebuild_all()
    now = timezone.now()
    Topic.objects.filter(pk=published_topic.pk).update(
        status=status,
        publish_at=publish_at and now + publish_at,
        unpublish_at=unpublish_at and now + unpublish_at,
    )

    for representation in ("detail", "faqpage", "widget"):
        found = documents.fresh("topic", "heroin-rehab", representation, now)
        expected = documents.at_address("topic", "heroin-rehab", representation, now)
        assert ([found.pk] if found else []) == [doc.pk for doc in expected]
        assert (found is not None) == public
    assert documents.fresh("topic", "medical-detox", "detail", now) is None

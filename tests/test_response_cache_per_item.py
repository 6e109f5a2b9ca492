"""Per-item freshness of the response cache: an edit misses exactly the cached
responses that show the edited row (``publishing.generations``)."""

import datetime
import uuid

import pytest
import redis
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

import api.throttling
from api.throttling import ThrottleCounts
from content.models import FAQ, Comparison, PublicationStatus, Resource, Topic
from publishing import documents, generations, serving
from tests.conftest import FROZEN_NOW, approve, reviewed

SECOND = datetime.timedelta(seconds=1)
LIFETIME = datetime.timedelta(seconds=generations.ENTRY_LIFETIME)
TOPIC = "/api/v1/topics/heroin-rehab/"
LISTS = [
    "/api/v1/topics/",
    "/api/v1/comparisons/",
    "/api/v1/faqs/?limit=100",
    "/api/v1/resources/",
]
RESPONSE_CACHE_REDIS_URL = "redis://127.0.0.1:6379/11"


def document_addresses() -> list[str]:
    """Every public URL served from a document, in both its representations
    where it has two, and the list of every kind."""
    urls = list(LISTS)
    for slug in Topic.objects.published().values_list("slug", flat=True):
        base = f"/api/v1/topics/{slug}/"
        urls += [base, f"{base}faqpage/", f"{base}medicalwebpage/"]
    for slug in Comparison.objects.published().values_list("slug", flat=True):
        urls += [f"/api/v1/comparisons/{slug}/", f"/api/v1/comparisons/{slug}/faqpage/"]
    for pk in FAQ.objects.published().values_list("pk", flat=True):
        urls.append(f"/api/v1/faqs/{pk}/")
    for slug in Resource.objects.published().values_list("slug", flat=True):
        urls.append(f"/api/v1/resources/{slug}/")
    return urls


def get_all(client, urls):
    responses = {url: client.get(url) for url in urls}
    assert {r.status_code for r in responses.values()} == {200}
    return responses


def test_editing_one_faq_misses_only_the_cached_responses_that_show_it(
    clock, client, seed_content, django_capture_on_commit_callbacks
):
    urls = document_addresses()
    get_all(client, urls)
    before = get_all(client, urls)
    assert {r["X-Cache"] for r in before.values()} == {"hit"}
    faq = FAQ.objects.published().filter(comparison__isnull=False).first()
    topic, comparison = faq.topic.slug, faq.comparison.slug
    shows_it = {
        "/api/v1/faqs/?limit=100",
        f"/api/v1/faqs/{faq.pk}/",
        f"/api/v1/topics/{topic}/",
        f"/api/v1/topics/{topic}/faqpage/",
        f"/api/v1/topics/{topic}/medicalwebpage/",
        f"/api/v1/comparisons/{comparison}/",
        f"/api/v1/comparisons/{comparison}/faqpage/",
    }
    # Documents are marked per item, not per representation: the lists of the
    # kinds whose items show the FAQ miss too, and keep their ETags.
    lists_of_kinds_showing_it = {"/api/v1/topics/", "/api/v1/comparisons/"}

    clock.shift(10 * SECOND)
    with django_capture_on_commit_callbacks(execute=True):
        faq.answer = "A different answer."
        faq.save()
    after = {url: client.get(url) for url in urls}

    missed = {url for url, response in after.items() if response["X-Cache"] == "miss"}
    assert missed == shows_it | lists_of_kinds_showing_it
    for url in set(urls) - missed:
        assert after[url]["X-Cache"] == "hit"
        assert after[url]["ETag"] == before[url]["ETag"], url
    for url in shows_it:
        assert after[url]["ETag"] != before[url]["ETag"], url
        assert b"A different answer." in after[url].content, url
    for url in lists_of_kinds_showing_it:
        assert after[url]["ETag"] == before[url]["ETag"], url


def test_editing_a_resource_keeps_every_faq_entry(
    client, seed_content, django_capture_on_commit_callbacks
):
    urls = document_addresses()
    get_all(client, urls)
    resource = Resource.objects.published().first()

    with django_capture_on_commit_callbacks(execute=True):
        resource.name = "Renamed helpline"
        resource.save()
    after = {url: client.get(url) for url in urls}

    missed = {url for url, response in after.items() if response["X-Cache"] == "miss"}
    # Topics and comparisons list the national help lines in their widgets
    # (publishing.documents.EVERY_ROW): a resource edit reaches them all.
    assert f"/api/v1/resources/{resource.slug}/" in missed
    assert not {url for url in missed if url.startswith("/api/v1/faqs/")}


def test_a_request_made_while_an_edit_is_uncommitted_leaves_a_miss_behind(
    client, seed_content, django_capture_on_commit_callbacks
):
    client.get(TOPIC)
    topic = Topic.objects.get(slug="heroin-rehab")

    with django_capture_on_commit_callbacks(execute=True):
        topic.title = "Heroin rehab, renamed"
        topic.save()
        # The token is gone until the commit: this request adds its own.
        during = client.get(TOPIC)
    after = client.get(TOPIC)

    assert during["X-Cache"] == "miss"
    assert after["X-Cache"] == "miss"
    assert client.get(TOPIC)["X-Cache"] == "hit"


def test_a_token_replaced_while_the_view_ran_makes_its_entry_a_miss(
    client, seed_content, monkeypatch, django_capture_on_commit_callbacks
):
    fresh = documents.fresh

    def read_then_edit(*args, **kwargs):
        """The document is read, then an edit commits before the response is
        stored: the response is the old one."""
        document = fresh(*args, **kwargs)
        monkeypatch.setattr(documents, "fresh", fresh)
        with django_capture_on_commit_callbacks(execute=True):
            topic = Topic.objects.get(slug="heroin-rehab")
            topic.title = "Renamed during the read"
            topic.save()
        return document

    client.get(TOPIC)  # The document is rendered; the next read is the short way.
    cache.clear()
    monkeypatch.setattr(documents, "fresh", read_then_edit)

    raced = client.get(TOPIC)
    after = client.get(TOPIC)

    assert raced["X-Cache"] == "miss"
    assert b"Renamed during the read" not in raced.content
    assert after["X-Cache"] == "miss"
    assert b"Renamed during the read" in after.content


def test_unpublishing_by_sql_leaves_the_cache_within_the_bound(
    clock, client, seed_content
):
    urls = [TOPIC, TOPIC + "faqpage/", "/api/v1/topics/"]
    get_all(client, urls)
    Topic.objects.filter(slug="heroin-rehab").update(status=PublicationStatus.DRAFT)

    clock.shift(LIFETIME - SECOND)
    assert {client.get(url)["X-Cache"] for url in urls} == {"hit"}
    clock.shift(SECOND)

    assert client.get(TOPIC).status_code == 404
    assert client.get(TOPIC + "faqpage/").status_code == 404
    listed = [
        topic["slug"] for topic in client.get("/api/v1/topics/").json()["results"]
    ]
    assert "heroin-rehab" not in listed


def test_a_search_entry_outlives_a_signal_skipping_write_by_at_most_a_minute(
    clock, client, seed_content
):
    search = "/api/v1/search/?q=heroin"

    def found() -> bool:
        hits = client.get(search).json()["results"]
        return any(hit["slug"] == "heroin-rehab" for hit in hits)

    assert found()
    Topic.objects.filter(slug="heroin-rehab").update(status=PublicationStatus.DRAFT)
    clock.shift(LIFETIME - SECOND)
    assert client.get(search)["X-Cache"] == "hit"
    clock.shift(SECOND)

    assert not found()


@pytest.fixture
def scheduled_faq(clock, seed_content):
    """An FAQ of heroin-rehab going live 20 seconds after FROZEN_NOW and
    expiring 20 seconds later."""
    topic = Topic.objects.get(slug="heroin-rehab")
    return approve(
        FAQ.objects.create(
            **reviewed(
                topic.reviewed_by,
                topic=topic,
                question="Scheduled question?",
                answer="Yes.",
                publish_at=FROZEN_NOW + 20 * SECOND,
                unpublish_at=FROZEN_NOW + 40 * SECOND,
            )
        )
    )


def test_a_scheduled_faq_flips_its_topics_cached_entry_at_its_times(
    clock, client, scheduled_faq
):
    def shown(seconds: float):
        """(X-Cache, whether the scheduled FAQ shows) of the topic's page, that
        many seconds after the FAQ was scheduled."""
        clock.move_to(FROZEN_NOW + seconds * SECOND, tick=False)
        response = client.get(TOPIC)
        questions = [faq["question"] for faq in response.json()["faqs"]]
        return response["X-Cache"], "Scheduled question?" in questions

    # Half a second in: the entry's cache timeout (whole seconds) would keep
    # it half a second past the boundary; its valid_until does not.
    assert shown(0.5) == ("miss", False)
    assert shown(19.9) == ("hit", False)
    assert shown(20) == ("miss", True)
    assert shown(20.5) == ("hit", True)
    assert shown(39.9) == ("hit", True)
    assert shown(40) == ("miss", False)


def test_publishing_a_topic_shows_its_faqs_in_the_cached_faq_list(
    client, reviewer, draft_topic, django_capture_on_commit_callbacks
):
    approve(
        FAQ.objects.create(
            **reviewed(
                reviewer, topic=draft_topic, question="Hidden?", answer="So far."
            )
        )
    )
    assert client.get("/api/v1/faqs/").json()["count"] == 0
    assert client.get("/api/v1/faqs/")["X-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        draft_topic.status = PublicationStatus.PUBLISHED
        draft_topic.save()
    response = client.get("/api/v1/faqs/")

    assert response["X-Cache"] == "miss"
    assert [faq["question"] for faq in response.json()["results"]] == ["Hidden?"]


def test_every_document_address_depends_on_its_items_token():
    factory = RequestFactory()
    for url_name, (kind, lookup_kwarg, _) in serving.ROUTES.items():
        url = reverse(f"v1:{url_name}", kwargs={lookup_kwarg: "12"})

        dependency = generations.dependency(factory.get(url))

        assert dependency == generations.Dependency(
            f"generation:v1:item:{kind}:12", is_list=False
        ), url_name


def test_lists_depend_on_their_kinds_token_unless_filtered_or_ordered():
    factory = RequestFactory()
    for kind in documents.KINDS:
        url = reverse(f"v1:{kind}-list")
        expected = generations.Dependency(f"generation:v1:list:{kind}", is_list=True)

        assert generations.dependency(factory.get(url)) == expected
        assert generations.dependency(factory.get(url + "?limit=5&offset=5")) == (
            expected
        )
        assert generations.dependency(factory.get(url + "?ordering=title")) is None


def test_filtered_lists_and_iframe_widgets_still_follow_the_content_version(
    client, seed_content
):
    for url in [
        "/api/v1/faqs/?topic=heroin-rehab",
        "/embed/v1/topics/heroin-rehab/faqs/",
    ]:
        client.get(url)

        assert client.get(url)["X-Cache"] == "hit"
    assert cache.get(generations.list_key("faq")) is None
    assert cache.get(generations.item_key("topic", "heroin-rehab")) is None


def test_the_script_widget_endpoint_follows_its_item(client, seed_content):
    client.get(TOPIC + "widget/")

    assert client.get(TOPIC + "widget/")["X-Cache"] == "hit"
    assert cache.get(generations.item_key("topic", "heroin-rehab")) is not None


@pytest.fixture
def response_cache_redis(settings, monkeypatch):
    """The default cache (the response cache's) on the local Redis database 11,
    under a key prefix of its own; throttle counters in memory, also when
    REDIS_URL puts them on Redis."""
    server = redis.Redis.from_url(RESPONSE_CACHE_REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError:
        pytest.skip(f"needs Redis at {RESPONSE_CACHE_REDIS_URL}")
    prefix = f"test-response-cache-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "rehabinfo.cache.BreakerRedisCache",
            "LOCATION": RESPONSE_CACHE_REDIS_URL,
            "KEY_PREFIX": prefix,
        },
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "throttle",
        },
    }
    monkeypatch.setattr(api.throttling, "throttle_counts", ThrottleCounts())
    yield server
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    server.close()


@pytest.mark.parametrize("url", [TOPIC, TOPIC + "medicalwebpage/", "/api/v1/faqs/"])
def test_a_hit_is_one_redis_round_trip(
    client, seed_content, response_cache_redis, redis_round_trips, url
):
    client.get(url)
    redis_round_trips.clear()

    response = client.get(url)

    assert response["X-Cache"] == "hit"
    assert len(redis_round_trips) == 1

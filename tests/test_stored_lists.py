"""The short way to a plain list page (``publishing.serving``): a keyless GET
of a kind's list with nothing but ``limit`` and ``offset`` is assembled from
fresh stored entries before DRF, and answers exactly what the view answers."""

import datetime

import pytest
from django.utils import timezone

from api.pagination import StrictLimitOffsetPagination
from content.models import FAQ, PublicationStatus, Topic
from publishing import documents
from publishing.models import Document
from tests.conftest import approve, reviewed

SECOND = datetime.timedelta(seconds=1)
HOUR = datetime.timedelta(hours=1)
LISTS = ["/api/v1/topics/", "/api/v1/comparisons/", "/api/v1/faqs/"]
LISTS.append("/api/v1/resources/")
# The same choice of JSON, spelt so that only the view takes it (q is ignored).
THROUGH_THE_VIEW = {"HTTP_ACCEPT": "*/*;q=1"}


@pytest.fixture(autouse=True)
def uncached(settings):
    """The short way answers, not the response cache in front of it."""
    settings.RESPONSE_CACHE_ENABLED = False


@pytest.fixture
def view_lists(monkeypatch):
    """The list pages the DRF view paginated, by path."""
    answered = []
    original = StrictLimitOffsetPagination.paginate_queryset

    def recording(paginator, queryset, request, view=None):
        answered.append(request.path)
        return original(paginator, queryset, request, view)

    monkeypatch.setattr(StrictLimitOffsetPagination, "paginate_queryset", recording)
    return answered


def headers(response) -> dict[str, str]:
    """Every header but the request's own id."""
    return {k: v for k, v in response.headers.items() if k != "X-Request-ID"}


def pages(count: int) -> list[str]:
    """Query strings of a list of ``count`` items: the first page, small and
    large pages, the last page, the page just past the end and one far past."""
    return [
        "",
        "?limit=1",
        "?limit=2&offset=1",
        "?offset=1&limit=2",
        "?limit=100",
        f"?limit=2&offset={max(count - 1, 0)}",
        f"?offset={count}",
        f"?limit=5&offset={count + 10}",
    ]


@pytest.mark.parametrize("path", LISTS)
def test_the_short_way_answers_a_plain_list_page_exactly_as_the_view(
    clock, client, seed_content, view_lists, path
):
    count = client.get(path, **THROUGH_THE_VIEW).json()["count"]
    assert count >= 1
    for query in pages(count):
        url = path + query
        del view_lists[:]
        view = client.get(url, **THROUGH_THE_VIEW)
        assert view_lists == [path], url
        del view_lists[:]
        short = client.get(url)
        assert view_lists == [], url
        assert short.status_code == view.status_code == 200
        assert short.content == view.content, url
        assert headers(short) == headers(view), url
        head = client.head(url)
        assert view_lists == [], url
        assert head.content == b""
        assert headers(head) == headers(view), url
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=short["ETag"])
        assert not_modified.status_code == 304


def test_the_short_way_sends_the_request_origin_in_links(
    clock, client, seed_content, settings
):
    settings.ALLOWED_HOSTS = ["api.example.org"]
    url = "/api/v1/topics/?limit=1&offset=1"
    short = client.get(url, HTTP_HOST="api.example.org", secure=True)
    view = client.get(url, HTTP_HOST="api.example.org", secure=True, **THROUGH_THE_VIEW)

    assert short.status_code == 200
    assert short.content == view.content
    assert short.json()["next"].startswith("https://api.example.org/api/v1/topics/")
    assert "https://api.example.org/" in short.json()["results"][0]["url"]


@pytest.mark.parametrize(
    "query",
    ["?ordering=-title", "?updated_since=2020-01-01T00:00:00Z", "?limit=2&limit=3"],
)
def test_a_filtered_ordered_or_repeated_query_goes_to_the_view(
    client, seed_content, view_lists, query
):
    assert client.get("/api/v1/topics/" + query).status_code == 200

    assert view_lists == ["/api/v1/topics/"]


@pytest.mark.parametrize(
    "query", ["?limit=0", "?limit=101", "?limit=", "?offset=-1", "?offset=x"]
)
def test_a_bad_page_gets_the_views_400(client, seed_content, query):
    response = client.get("/api/v1/topics/" + query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_keyed_request_goes_to_the_view(client, seed_content, view_lists, partner):
    key = partner.issue_key()[1]

    assert client.get("/api/v1/topics/", HTTP_X_API_KEY=key).status_code == 200

    assert view_lists == ["/api/v1/topics/"]


def test_a_plain_list_page_reads_two_queries_once_its_count_is_kept(
    client, seed_content, view_lists, django_assert_max_num_queries
):
    for path in LISTS:
        client.get(path, **THROUGH_THE_VIEW)  # renders every entry
    del view_lists[:]
    for path in LISTS:
        with django_assert_max_num_queries(3):  # with the count
            assert client.get(path).status_code == 200
        with django_assert_max_num_queries(2):  # the page's ids, its entries
            assert client.get(path + "?limit=2&offset=1").status_code == 200
        with django_assert_max_num_queries(0):  # past the end: the count says
            assert client.get(path + "?offset=1000").json()["results"] == []
    assert view_lists == []


def test_a_stale_entry_is_rendered_again_on_the_short_way(
    client, seed_content, view_lists, clock
):
    before = client.get("/api/v1/topics/")
    topic = Topic.objects.published().order_by("title").first()
    documents.mark_stale(set(), {("topic", topic.pk)})
    clock.shift(SECOND)
    del view_lists[:]

    after = client.get("/api/v1/topics/")

    assert view_lists == []
    assert after.content == before.content
    entry = Document.objects.get(kind="topic", item_id=topic.pk, representation="entry")
    assert entry.valid_until > timezone.now()


def topic(reviewer, slug, **fields):
    return approve(
        Topic.objects.create(
            **reviewed(reviewer, slug=slug, title=slug.title(), summary="S.", **fields)
        )
    )


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


def test_unpublished_scheduled_and_expired_items_are_never_listed(
    client, reviewer, clock, view_lists
):
    now = timezone.now()
    topic(reviewer, "public")
    topic(reviewer, "draft", status=PublicationStatus.DRAFT)
    topic(reviewer, "scheduled", publish_at=now + HOUR)
    topic(reviewer, "expired", publish_at=now - 2 * HOUR, unpublish_at=now - HOUR)
    client.get("/api/v1/topics/", **THROUGH_THE_VIEW)
    del view_lists[:]

    for query in ("", "?limit=100", "?limit=1&offset=0"):
        response = client.get("/api/v1/topics/" + query)
        assert slugs(response) == ["public"]
        assert response.json()["count"] == 1
    assert view_lists == []


def test_a_scheduled_item_is_listed_once_its_time_passes_without_a_write(
    client, reviewer, clock, view_lists
):
    topic(reviewer, "always")
    topic(reviewer, "later", publish_at=timezone.now() + HOUR)
    topic(reviewer, "until-then", unpublish_at=timezone.now() + HOUR)
    client.get("/api/v1/topics/", **THROUGH_THE_VIEW)
    del view_lists[:]
    before = client.get("/api/v1/topics/")
    assert slugs(before) == ["always", "until-then"]
    assert before.json()["count"] == 2

    clock.shift(HOUR)
    # The new item's entry renders on its first read (the view), then short.
    client.get("/api/v1/topics/")
    del view_lists[:]
    after = client.get("/api/v1/topics/")

    assert view_lists == []
    assert slugs(after) == ["always", "later"]
    assert after.json()["count"] == 2
    assert after.content == client.get("/api/v1/topics/", **THROUGH_THE_VIEW).content


def test_an_faq_is_listed_only_while_its_topic_is_public(
    client, reviewer, clock, view_lists
):
    parent = topic(reviewer, "parent", unpublish_at=timezone.now() + HOUR)
    approve(
        FAQ.objects.create(
            **reviewed(reviewer, topic=parent, question="Q?", answer="A.")
        )
    )
    client.get("/api/v1/faqs/", **THROUGH_THE_VIEW)
    del view_lists[:]
    assert client.get("/api/v1/faqs/").json()["count"] == 1

    clock.shift(HOUR)
    gone = client.get("/api/v1/faqs/")

    assert gone.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert gone.content == client.get("/api/v1/faqs/", **THROUGH_THE_VIEW).content


def test_an_edit_changes_the_kept_count_at_once(client, reviewer, clock, view_lists):
    topic(reviewer, "first")
    client.get("/api/v1/topics/")
    assert client.get("/api/v1/topics/").json()["count"] == 1

    clock.shift(SECOND)
    topic(reviewer, "second")
    client.get("/api/v1/topics/")  # the new entry renders
    del view_lists[:]
    listed = client.get("/api/v1/topics/")

    assert view_lists == []
    assert listed.json()["count"] == 2
    assert slugs(listed) == ["first", "second"]

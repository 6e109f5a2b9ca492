"""API v1 search: one ranked list of topics, comparisons and FAQs.

Runs on SQLite (word match) and on PostgreSQL (full-text search); the
assertions hold for both ranking methods.
"""

import json
import re
from pathlib import Path

import pytest
from django.db import connection

from content import search
from content.models import PublicationStatus, SearchDocument, Section
from tests.api_factories import (
    API,
    make_faq,
    make_topic,
    query,
)

HTML_TAG = re.compile(r"</?[a-z][^>]*>")
MAX_SNIPPET = 160 + len("……")


@pytest.fixture
def methadone_content(reviewer):
    """A title match, a body-only match and an FAQ question match."""
    in_title = make_topic(
        reviewer,
        "methadone",
        title="Methadone",
        summary="A long-acting medicine for opioid use disorder.",
    )
    in_body = make_topic(
        reviewer,
        "daily-life",
        title="Daily life in treatment",
        summary="What a day in a program looks like.",
        body="Mornings start with group therapy. Some people collect their "
        "[methadone](https://example.org/methadone) **before** breakfast.",
    )
    in_question = make_faq(reviewer, in_body, "Is methadone safe?", answer="Yes.")
    return in_title, in_body, in_question


def hits(response) -> list[dict]:
    return response.json()["results"]


def test_search_answers_a_page_of_hits(client, seed_content):
    response = client.get("/api/v1/search/?q=detox")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == len(body["results"]) > 0
    assert list(body["results"][0]) == [
        "type",
        "title",
        "snippet",
        "url",
        "rank",
        "slug",
        "id",
    ]


def test_search_hit_names_its_item_by_slug_or_id(client, seed_content):
    response = client.get("/api/v1/search/?q=outpatient&limit=100")

    assert response.status_code == 200
    collections = {"topic": "topics", "comparison": "comparisons", "faq": "faqs"}
    for hit in hits(response):
        key = hit["id"] if hit["type"] == "faq" else hit["slug"]
        assert key is not None and (hit["slug"], hit["id"]).count(None) == 1
        assert hit["url"] == f"{API}/{collections[hit['type']]}/{key}/"


def test_search_spans_topics_comparisons_and_faqs(client, seed_content):
    response = client.get("/api/v1/search/?q=outpatient")

    assert response.status_code == 200
    assert {hit["type"] for hit in hits(response)} == {"topic", "comparison", "faq"}


def test_search_hit_links_the_item_it_names(client, seed_content):
    response = client.get("/api/v1/search/?q=outpatient")

    assert response.status_code == 200
    for hit in hits(response):
        assert hit["url"].startswith(f"{API}/")
        item = client.get(hit["url"]).json()
        assert hit["title"] == item.get("title", item.get("question"))


def test_search_hit_types_match_their_urls(client, seed_content):
    response = client.get("/api/v1/search/?q=outpatient&limit=100")

    assert response.status_code == 200
    collections = {"topic": "topics", "comparison": "comparisons", "faq": "faqs"}
    for hit in hits(response):
        assert hit["url"].startswith(f"{API}/{collections[hit['type']]}/")


def test_search_results_are_sorted_by_rank_descending(client, seed_content):
    response = client.get("/api/v1/search/?q=inpatient&limit=100")

    assert response.status_code == 200
    ranks = [hit["rank"] for hit in hits(response)]
    assert len(set(ranks)) > 1
    assert ranks == sorted(ranks, reverse=True)
    assert all(isinstance(rank, float) and rank > 0 for rank in ranks)


def test_search_title_match_ranks_above_body_only_match(client, methadone_content):
    response = client.get("/api/v1/search/?q=methadone")

    assert response.status_code == 200
    ranked = [(hit["type"], hit["title"]) for hit in hits(response)]
    assert ranked.index(("topic", "Methadone")) < ranked.index(
        ("topic", "Daily life in treatment")
    )
    by_title = {hit["title"]: hit["rank"] for hit in hits(response)}
    assert by_title["Methadone"] > by_title["Daily life in treatment"]


def test_search_faq_question_match_ranks_above_body_only_match(
    client, methadone_content
):
    response = client.get("/api/v1/search/?q=methadone")

    assert response.status_code == 200
    by_title = {hit["title"]: hit["rank"] for hit in hits(response)}
    assert by_title["Is methadone safe?"] > by_title["Daily life in treatment"]


def test_search_snippet_is_plain_text_without_markup(client, methadone_content):
    response = client.get("/api/v1/search/?q=breakfast")

    assert response.status_code == 200
    [hit] = hits(response)
    assert hit["title"] == "Daily life in treatment"
    assert "collect their methadone before breakfast" in hit["snippet"]
    assert not HTML_TAG.search(hit["snippet"])
    assert "**" not in hit["snippet"] and "](" not in hit["snippet"]


def test_search_snippets_are_short(client, seed_content):
    response = client.get("/api/v1/search/?q=inpatient&limit=100")

    assert response.status_code == 200
    snippets = [hit["snippet"] for hit in hits(response)]
    assert all(0 < len(snippet) <= MAX_SNIPPET for snippet in snippets)
    assert not any(HTML_TAG.search(snippet) for snippet in snippets)


def test_search_snippet_of_long_text_is_cut_around_the_match(client, reviewer):
    filler = " ".join(["Recovery takes time and support."] * 30)
    make_topic(
        reviewer,
        "long-read",
        title="A long read",
        summary="Plain summary.",
        body=f"{filler} Buprenorphine helps. {filler}",
    )

    response = client.get("/api/v1/search/?q=buprenorphine")

    assert response.status_code == 200
    [hit] = hits(response)
    assert "Buprenorphine helps." in hit["snippet"]
    assert hit["snippet"].startswith("…") and hit["snippet"].endswith("…")
    assert len(hit["snippet"]) <= MAX_SNIPPET


def test_search_needs_every_word_of_the_query(client, methadone_content):
    response = client.get(f"/api/v1/search/?{query(q='methadone breakfast')}")

    assert response.status_code == 200
    assert [hit["title"] for hit in hits(response)] == ["Daily life in treatment"]


def test_search_without_matches_is_an_empty_page(client, seed_content):
    response = client.get("/api/v1/search/?q=xylophone")

    assert response.status_code == 200
    assert response.json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_search_pages_with_limit_and_offset(client, seed_content):
    everything = hits(client.get("/api/v1/search/?q=inpatient&limit=100"))

    response = client.get("/api/v1/search/?q=inpatient&limit=5&offset=5")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(everything) > 10
    assert body["results"] == everything[5:10]
    assert body["next"] == f"{API}/search/?limit=5&offset=10&q=inpatient"
    assert body["previous"] == f"{API}/search/?limit=5&q=inpatient"


def test_search_pages_20_hits_by_default(client, reviewer):
    topic = make_topic(reviewer, "heroin-rehab")
    for number in range(25):
        make_faq(reviewer, topic, f"Question {number} about naloxone?")

    response = client.get("/api/v1/search/?q=naloxone")

    assert response.status_code == 200
    assert response.json()["count"] == 25
    assert len(hits(response)) == 20
    assert response.json()["next"] == f"{API}/search/?limit=20&offset=20&q=naloxone"


def test_search_accepts_a_query_of_200_characters(client, seed_content):
    response = client.get(f"/api/v1/search/?{query(q='rehab ' + 'x' * 194)}")

    assert response.status_code == 200


@pytest.mark.parametrize("parameters", ["", "?q=", "?q=%20%20%20", "?q=%09%0A"])
def test_search_without_words_is_a_400_naming_q(client, db, parameters):
    response = client.get(f"/api/v1/search/{parameters}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert [error["field"] for error in body["errors"]] == ["q"]
    assert body["detail"].startswith("q: ")


def test_search_query_with_a_nul_character_is_a_400_naming_q(client, db):
    # PostgreSQL refuses NUL in text; SQLite would search for it. Both refuse it,
    # as the schema's pattern for q says.
    response = client.get("/api/v1/search/?q=detox%00")

    assert response.status_code == 400
    body = response.json()
    assert [error["field"] for error in body["errors"]] == ["q"]
    assert "NUL" in body["detail"]


def test_search_query_over_200_characters_is_a_400_naming_q(client, db):
    response = client.get(f"/api/v1/search/?{query(q='x' * 201)}")

    assert response.status_code == 400
    body = response.json()
    assert [error["field"] for error in body["errors"]] == ["q"]
    assert "200" in body["detail"]


def test_search_rejects_parameters_it_does_not_define(client, db):
    response = client.get("/api/v1/search/?q=rehab&type=faq")

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["type"]


def search_slugs(client, q: str) -> list[str]:
    response = client.get(f"/api/v1/search/?{query(q=q)}")
    return [hit["url"].rstrip("/").rsplit("/", 1)[-1] for hit in hits(response)]


def test_search_finds_section_text_edited_after_the_topic(client, reviewer):
    topic = make_topic(reviewer, "aftercare", title="Aftercare")
    section = Section.objects.create(topic=topic, heading="Support", body="Groups.")
    assert search_slugs(client, "sponsorship") == []

    section.body = "Many people find sponsorship helps."
    section.save()

    assert search_slugs(client, "sponsorship") == ["aftercare"]


def test_search_forgets_text_of_a_deleted_section(client, reviewer):
    topic = make_topic(reviewer, "aftercare", title="Aftercare")
    Section.objects.create(topic=topic, heading="Sponsorship", body="Find one.")
    assert search_slugs(client, "sponsorship") == ["aftercare"]

    topic.sections.get().delete()

    assert search_slugs(client, "sponsorship") == []


def test_search_finds_an_edited_faq_answer(client, reviewer):
    topic = make_topic(reviewer, "aftercare", title="Aftercare")
    faq = make_faq(reviewer, topic, "Do groups help?", answer="Often.")

    faq.answer = "Peer sponsorship often helps."
    faq.save()

    assert search_slugs(client, "sponsorship") == [str(faq.pk)]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="search documents are PostgreSQL's"
)
def test_search_documents_follow_their_items_on_postgresql(reviewer):
    topic = make_topic(reviewer, "aftercare", title="Aftercare")
    faq = make_faq(reviewer, topic, "Do groups help?", answer="Often.")
    assert SearchDocument.objects.filter(topic=topic).count() == 1
    assert SearchDocument.objects.filter(faq=faq).count() == 1

    faq.delete()
    topic.delete()

    assert not SearchDocument.objects.exists()


SEED_RESULTS = Path(__file__).with_name("search_seed_results.json")
SEED_QUERIES = json.loads(SEED_RESULTS.read_text())["sqlite"]


@pytest.mark.parametrize("q", list(SEED_QUERIES))
def test_search_of_the_seed_content_is_unchanged(client, seed_content, q):
    # Recorded before search ranked from stored terms and built only the
    # page's hits: the same hits, order, ranks and snippets, per database.
    expected = json.loads(SEED_RESULTS.read_text())[connection.vendor][q]

    response = client.get("/api/v1/search/", {"q": q, "limit": 100})

    assert response.status_code == 200
    assert response.json() == expected


@pytest.mark.parametrize("size", [1, 30])
def test_search_runs_as_many_queries_for_many_hits_as_for_one(
    client, reviewer, django_assert_max_num_queries, size
):
    # HTTP caching's validators (5), then on PostgreSQL the parsed query,
    # the ranked candidates with their publication, each kind's rows of the
    # page and a topic page's sections (6); SQLite's word match needs 4.
    topic = make_topic(reviewer, "heroin-rehab", title="Naloxone")
    for number in range(size):
        make_topic(reviewer, f"naloxone-{number}", title=f"Naloxone {number}")
        make_faq(reviewer, topic, f"Question {number} about naloxone?")

    with django_assert_max_num_queries(11):
        response = client.get("/api/v1/search/?q=naloxone")

    assert response.status_code == 200
    assert response.json()["count"] == 2 * size + 1


def test_search_counts_at_most_max_hits_of_each_kind(client, reviewer, monkeypatch):
    monkeypatch.setattr(search, "MAX_HITS_PER_KIND", 3)
    topic = make_topic(reviewer, "heroin-rehab", title="Naloxone")
    for number in range(5):
        make_topic(reviewer, f"naloxone-{number}", title=f"Naloxone {number}")
        make_faq(reviewer, topic, f"Question {number} about naloxone?")

    response = client.get("/api/v1/search/?q=naloxone&limit=100")

    assert response.status_code == 200
    assert response.json()["count"] == 6
    assert [hit["type"] for hit in hits(response)].count("faq") == 3


def test_search_skips_unpublished_best_matches(client, reviewer, monkeypatch):
    # More drafts outrank the public items than the margin of candidates
    # checked at first: the public ones are still found, best first.
    monkeypatch.setattr(search, "MAX_HITS_PER_KIND", 2)
    for number in range(4):
        make_topic(
            reviewer,
            f"draft-{number}",
            title=f"Naloxone naloxone {number}",
            status=PublicationStatus.DRAFT,
        )
    make_topic(reviewer, "public-a", title="Public", summary="About naloxone.")
    make_topic(reviewer, "public-b", title="Public", body="Naloxone, in the body.")
    make_topic(reviewer, "public-c", title="Public", body="Naloxone, in the body.")

    assert search_slugs(client, "naloxone") == ["public-a", "public-b"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="web search syntax is PostgreSQL's"
)
def test_search_with_a_negated_word_leaves_out_items_with_it(client, reviewer):
    make_topic(reviewer, "detox", title="Medical detox")
    make_topic(reviewer, "heroin-detox", title="Heroin detox")

    assert search_slugs(client, "detox -heroin") == ["detox"]


def test_search_of_several_words_ranks_items_with_all_of_them(client, reviewer):
    make_topic(reviewer, "detox", title="Medical detox")
    make_topic(reviewer, "inpatient-detox", title="Inpatient detox")
    make_topic(reviewer, "inpatient", title="Inpatient", body="Detox first.")

    assert search_slugs(client, "inpatient detox") == ["inpatient-detox", "inpatient"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="search terms are PostgreSQL's"
)
def test_search_terms_rank_as_their_whole_documents(seed_content):
    # content/search.py RANK_WEIGHTS and migration 0014's stored ranks agree.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), count(*) FILTER (
                WHERE term.rank <> ts_rank(%s::float4[], document.document,
                    term.lexeme::tsquery)
            )
            FROM content_searchterm term
            JOIN content_searchdocument document ON term.item_id = coalesce(
                document.topic_id, document.comparison_id, document.faq_id)
            WHERE term.kind = CASE
                WHEN document.topic_id IS NOT NULL THEN 'topic'
                WHEN document.comparison_id IS NOT NULL THEN 'comparison'
                ELSE 'faq' END
            AND term.lexeme ~ '^[a-z]+$'
            """,
            [search.RANK_WEIGHTS],
        )
        terms, differing = cursor.fetchone()

    assert terms > 1000
    assert differing == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="search terms are PostgreSQL's"
)
def test_search_terms_follow_their_documents(reviewer):
    topic = make_topic(reviewer, "aftercare", title="Aftercare", body="Groups.")

    topic.body = "Sponsorship."
    topic.save()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme FROM content_searchterm WHERE item_id = %s"
            " AND kind = 'topic' ORDER BY lexeme",
            [topic.pk],
        )
        lexemes = [row[0] for row in cursor.fetchall()]
    assert lexemes == ["aftercar", "sponsorship", "summari"]

    topic.delete()

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM content_searchterm")
        assert cursor.fetchone() == (0,)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="search terms are PostgreSQL's"
)
def test_emptying_the_search_documents_empties_their_terms(seed_content):
    # Django's flush (transactional tests, browser tests) truncates tables,
    # which fires no row trigger: the seed loaded again must not collide.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM content_searchterm")
        assert cursor.fetchone()[0] > 0
        cursor.execute("TRUNCATE content_searchdocument")
        cursor.execute("SELECT count(*) FROM content_searchterm")
        assert cursor.fetchone()[0] == 0

"""The benchmark corpus: realistic, published, and never written over editors' work."""

import io

import pytest
from django.core.management import CommandError, call_command

from content.management.commands.generate_corpus import SLUG_PREFIX
from content.models import (
    FAQ,
    Comparison,
    PublicationStatus,
    Section,
    Topic,
    content_version,
)
from content.rendering import render_markdown

# Topic 2 of each group of ten brings the group's comparison.
SMALL_CORPUS = 12


def generate(topics: int = SMALL_CORPUS, **options) -> None:
    call_command("generate_corpus", topics=topics, stdout=io.StringIO(), **options)


def corpus_snapshot() -> list[tuple]:
    topics = Topic.objects.order_by("slug").values_list(
        "slug", "title", "summary", "body", "parent__slug"
    )
    sections = Section.objects.order_by("topic__slug", "position").values_list(
        "topic__slug", "heading", "body"
    )
    faqs = FAQ.objects.order_by("topic__slug", "position").values_list(
        "topic__slug", "question", "answer", "comparison__slug"
    )
    related = Topic.related_topics.through.objects.order_by(
        "from_topic__slug", "to_topic__slug"
    ).values_list("from_topic__slug", "to_topic__slug")
    return [*topics, *sections, *faqs, *related]


@pytest.mark.django_db
def test_generate_corpus_creates_published_topics_with_their_parts():
    generate()

    topics = Topic.objects.all()
    assert topics.count() == SMALL_CORPUS
    assert set(topics.values_list("status", flat=True)) == {PublicationStatus.PUBLISHED}
    assert not topics.filter(last_reviewed_on=None).exists()
    assert not topics.filter(reviewed_by=None).exists()
    assert Topic.objects.published().count() == SMALL_CORPUS
    assert Section.objects.filter(topic=topics.last()).count() > 0
    assert Comparison.objects.published().count() == 1


@pytest.mark.django_db
def test_generate_corpus_content_is_served_by_the_api(client):
    generate()

    listing = client.get("/api/v1/topics/")
    detail = client.get(f"/api/v1/topics/{SLUG_PREFIX}topic-00000/")
    comparison = client.get(f"/api/v1/comparisons/{SLUG_PREFIX}comparison-00002/")

    assert listing.status_code == 200
    assert listing.json()["count"] == SMALL_CORPUS
    assert detail.status_code == 200
    body = detail.json()
    assert body["sections"] and body["faqs"] and body["sources"]
    assert [c["slug"] for c in body["comparisons"]] == [
        f"{SLUG_PREFIX}comparison-00002"
    ]
    assert comparison.status_code == 200
    assert len(comparison.json()["options"]) == 2


@pytest.mark.django_db
def test_generate_corpus_topic_detail_is_the_size_of_a_seed_topic(client):
    generate()

    response = client.get(f"/api/v1/topics/{SLUG_PREFIX}topic-00005/")

    assert response.status_code == 200
    # The seeded heroin-rehab topic's detail is about 16 KB.
    assert 12_000 < len(response.content) < 24_000


@pytest.mark.django_db
def test_generate_corpus_stores_markdown_rendered_as_save_would():
    generate(topics=2)

    for section in Section.objects.all():
        assert (section.body_html, section.body_text) == render_markdown(section.body)
    for faq in FAQ.objects.all():
        assert (faq.answer_html, faq.answer_text) == render_markdown(faq.answer)


@pytest.mark.django_db
def test_generate_corpus_refuses_a_database_with_seed_content(seed_content):
    topics_before = Topic.objects.count()

    with pytest.raises(CommandError, match="did not make"):
        generate()

    assert Topic.objects.count() == topics_before
    assert not Topic.objects.filter(slug__startswith=SLUG_PREFIX).exists()


@pytest.mark.django_db
def test_generate_corpus_refuses_even_with_replace_over_editors_topic(
    published_topic,
):
    with pytest.raises(CommandError, match="did not make"):
        generate(replace=True)

    assert list(Topic.objects.all()) == [published_topic]


@pytest.mark.django_db
def test_generate_corpus_rerun_with_the_same_size_changes_nothing():
    generate()
    before = corpus_snapshot()

    generate()

    assert corpus_snapshot() == before


@pytest.mark.django_db
def test_generate_corpus_grown_in_steps_equals_one_run():
    generate()
    in_one_run = corpus_snapshot()
    generate(topics=5, replace=True)

    generate()

    assert corpus_snapshot() == in_one_run


@pytest.mark.django_db
def test_generate_corpus_replace_writes_the_corpus_again():
    generate()
    first_ids = set(Topic.objects.values_list("pk", flat=True))

    generate(replace=True)

    assert Topic.objects.count() == SMALL_CORPUS
    assert first_ids.isdisjoint(Topic.objects.values_list("pk", flat=True))
    assert Comparison.objects.count() == 1


@pytest.mark.django_db
def test_generate_corpus_moves_the_content_version_on(clock):
    before = content_version()
    clock.shift(60)

    generate(topics=2)

    assert content_version().changed_at > before.changed_at

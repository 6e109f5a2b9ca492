"""The reference views of `make bench`: hidden by default, honest when mounted."""

import io

import pytest
from django.core.management import call_command

from bench.views import FLOOR_BODY
from content.models import PublicationStatus, Topic

with_bench_views = pytest.mark.urls("tests.bench_urls")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/bench/floor/", "/bench/baseline/topics/heroin-rehab/"]
)
def test_bench_views_are_not_mounted_by_default(client, seed_content, path):
    response = client.get(path)

    assert response.status_code == 404


@with_bench_views
@pytest.mark.django_db
def test_bench_floor_answers_the_same_json_without_sql(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        first = client.get("/bench/floor/")
        second = client.get("/bench/floor/")

    assert first.status_code == 200
    assert first.json() == FLOOR_BODY
    assert second.content == first.content


@with_bench_views
@pytest.mark.django_db
def test_bench_baseline_body_equals_the_seed_topic_detail(client, seed_content):
    api = client.get("/api/v1/topics/heroin-rehab/")
    baseline = client.get("/bench/baseline/topics/heroin-rehab/")

    assert baseline.status_code == 200
    assert baseline.content == api.content


@with_bench_views
@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["generated-topic-00000", "generated-topic-00012"])
def test_bench_baseline_body_equals_a_generated_topic_detail(client, slug):
    call_command("generate_corpus", topics=30, stdout=io.StringIO())

    api = client.get(f"/api/v1/topics/{slug}/")
    baseline = client.get(f"/bench/baseline/topics/{slug}/")

    assert baseline.status_code == 200
    assert baseline.content == api.content


@with_bench_views
@pytest.mark.django_db
def test_bench_baseline_hides_what_the_api_hides(client, seed_content):
    Topic.objects.filter(slug="heroin-rehab").update(status=PublicationStatus.DRAFT)

    response = client.get("/bench/baseline/topics/heroin-rehab/")

    assert response.status_code == 404


@with_bench_views
@pytest.mark.django_db
def test_bench_baseline_body_leaves_out_unpublished_children(client, seed_content):
    Topic.objects.filter(slug="medical-detox").update(status=PublicationStatus.DRAFT)

    api = client.get("/api/v1/topics/heroin-rehab/")
    baseline = client.get("/bench/baseline/topics/heroin-rehab/")

    assert "medical-detox" not in api.content.decode()
    assert baseline.content == api.content

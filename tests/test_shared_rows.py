"""Sources and reviewers are part of the live content that shows them.

A change to either is a change of every item citing or crediting it; while a
published item shows one, only those who may publish that item change it; a
source in use is never deleted.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from content.models import Source, Topic
from tests.test_admin import admin_url, form_data, logged_in

TOPIC_URL = "/api/v1/topics/heroin-rehab/"


@pytest.fixture
def nida(published_topic):
    source = Source.objects.create(
        title="Heroin Research Report",
        publisher="NIDA",
        url="https://nida.nih.gov/heroin",
    )
    published_topic.sources.add(source)
    return source


@pytest.fixture
def draft_only_source(draft_topic):
    source = Source.objects.create(title="Draft notes", publisher="SAMHSA")
    draft_topic.sources.add(source)
    return source


def post_change(client, row, **changes):
    url = admin_url(type(row), "change", row.pk)
    data = form_data(client.get(url))
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


def test_source_cited_by_published_topic_is_read_only_for_editor(editor, nida):
    client = logged_in(editor)

    page = client.get(admin_url(Source, "change", nida.pk))
    refused = client.post(
        admin_url(Source, "change", nida.pk),
        {"title": nida.title, "publisher": "NIDA", "url": "https://evil.example/"},
    )

    assert page.status_code == 200
    assert b'name="url"' not in page.content
    assert "Heroin rehab" in page.content.decode()
    assert refused.status_code == 403
    nida.refresh_from_db()
    assert nida.url == "https://nida.nih.gov/heroin"


def test_source_cited_only_by_drafts_is_editable_by_editor(editor, draft_only_source):
    response = post_change(
        logged_in(editor), draft_only_source, url="https://samhsa.gov/notes"
    )

    assert response.status_code == 302
    draft_only_source.refresh_from_db()
    assert draft_only_source.url == "https://samhsa.gov/notes"


def test_source_cited_by_live_content_is_frozen_even_for_a_publisher(
    client, publisher, nida, published_topic
):
    # Its words are part of what the topic's reviewer approved: a revision
    # cites a new source instead.
    before = client.get(TOPIC_URL)
    page = logged_in(publisher).get(admin_url(Source, "change", nida.pk))
    forged = {"title": nida.title, "publisher": nida.publisher, "statement": ""}
    forged |= {"url": "https://nida.nih.gov/new", "change_reason": "Forged."}

    response = logged_in(publisher).post(admin_url(Source, "change", nida.pk), forged)

    assert b'name="url"' not in page.content
    assert response.status_code == 403
    assert client.get(TOPIC_URL).content == before.content
    nida.url = "https://nida.nih.gov/new"
    with pytest.raises(ValidationError, match="add a new one"):
        nida.full_clean()


def test_source_save_without_public_change_leaves_citing_topic_alone(
    clock, nida, published_topic
):
    updated_at = published_topic.updated_at
    records = published_topic.history.count()
    clock.shift(60)

    nida.save()

    published_topic.refresh_from_db()
    assert published_topic.updated_at == updated_at
    assert published_topic.history.count() == records


def test_source_in_use_cannot_be_deleted_even_by_publisher(publisher, nida):
    client = logged_in(publisher)
    url = admin_url(Source, "delete", nida.pk)

    page = client.get(url)
    response = client.post(url, {"post": "yes"})

    assert "cannot be deleted" in page.content.decode()
    assert "Topic: <a" in page.content.decode()
    assert "Heroin rehab" in page.content.decode()
    assert response.status_code == 200
    assert "cannot be deleted" in response.content.decode()
    assert Source.objects.filter(pk=nida.pk).exists()


def test_source_in_use_cannot_be_deleted_with_the_bulk_action(publisher, nida):
    response = logged_in(publisher).post(
        admin_url(Source, "changelist"),
        {"action": "delete_selected", "_selected_action": [nida.pk], "post": "yes"},
    )

    assert "cannot be deleted" in response.content.decode()
    assert Source.objects.filter(pk=nida.pk).exists()


def test_source_in_use_cannot_be_deleted_in_code(nida, draft_only_source):
    with pytest.raises(ProtectedError, match="Heroin rehab"):
        nida.delete()
    with pytest.raises(ProtectedError, match="Draft topic"):
        Source.objects.filter(pk=draft_only_source.pk).delete()

    assert Source.objects.count() == 2


def test_unused_source_can_be_deleted(publisher, db):
    source = Source.objects.create(title="Unused", publisher="NIDA")

    response = logged_in(publisher).post(
        admin_url(Source, "delete", source.pk), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Source.objects.exists()


def test_reviewer_change_counts_as_a_change_of_credited_items(
    clock, client, reviewer, published_topic, published_faq
):
    before = client.get(TOPIC_URL)
    clock.shift(60)

    reviewer.credentials = "MD"
    reviewer.save()
    after = client.get(TOPIC_URL)

    assert after.json()["review"]["reviewed_by"]["credentials"] == "MD"
    assert after["ETag"] != before["ETag"]
    for item in (published_topic, published_faq):
        old = item.updated_at
        item.refresh_from_db()
        assert item.updated_at > old
        assert item.history.latest().history_change_reason == (
            f"Reviewer “{reviewer}” changed."
        )


def test_reviewer_credited_on_live_faq_needs_the_right_to_publish_faqs(
    django_user_model, reviewer, published_faq
):
    # Allowed to change reviewers and publish topics, but not FAQs.
    user = django_user_model.objects.create_user(
        username="partial", password="unused", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_reviewer", "change_reviewer", "publish_topic"]
        )
    )

    response = logged_in(user).post(
        admin_url(type(reviewer), "change", reviewer.pk),
        {"name": "Someone else", "credentials": ""},
    )

    assert response.status_code == 403
    reviewer.refresh_from_db()
    assert reviewer.name == "Dana Reyes"


def test_reviewer_credited_on_content_cannot_be_deleted(
    admin_user, reviewer, draft_topic
):
    draft_topic.reviewed_by = reviewer
    draft_topic.save()
    client = logged_in(admin_user)
    url = admin_url(type(reviewer), "delete", reviewer.pk)

    page = client.get(url)

    assert "cannot be deleted" in page.content.decode()
    assert "Draft topic" in page.content.decode()
    with pytest.raises(ProtectedError):
        reviewer.delete()


def test_publishers_see_where_a_source_is_shown(publisher, nida, draft_topic):
    draft_topic.sources.add(nida)

    page = logged_in(publisher).get(admin_url(Source, "change", nida.pk))

    text = page.content.decode()
    assert "Heroin rehab</a> (Published)" in text
    assert "Draft topic</a> (Draft)" in text
    assert Topic.objects.filter(sources=nida).count() == 2

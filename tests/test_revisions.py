"""Revisions and bound reviews, for every kind of content, as the roles use them.

The promise tested: the API never serves words that the reviewer it credits
did not approve, live content changes only through a reviewed and published
revision, and a preview is exactly what publishing serves.
"""

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from content.models import (
    FAQ,
    AspectCell,
    Comparison,
    PublicationState,
    PublicationStatus,
    Resource,
    ReviewNote,
    ReviewNoteKind,
    Section,
    Topic,
)
from content.revisions import (
    content_hash,
    preview_token,
    publish,
    start_revision,
)
from tests.conftest import FROZEN_NOW, approve
from tests.test_admin import admin_url, form_data, logged_in, message_texts

DAY = datetime.timedelta(days=1)


@pytest.fixture
def live_items(
    published_topic, published_comparison, published_faq, published_resource
):
    """One live item of each kind, with parts where the kind has them."""
    Section.objects.create(
        topic=published_topic,
        heading="Detox",
        anchor="detox",
        body="Detox takes **days**.",
    )
    aspect = published_comparison.aspects.create(key="setting", name="Setting")
    for option in published_comparison.options.all():
        AspectCell.objects.create(
            aspect=aspect, option=option, text=f"At {option.key}."
        )
    for item in (published_topic, published_comparison):
        approve(item)
    return {
        "topic": published_topic,
        "comparison": published_comparison,
        "faq": published_faq,
        "resource": published_resource,
    }


# How an editor changes each kind, in its words or in a part.
def change_words(item, words: str) -> None:
    if isinstance(item, Topic):
        section = item.sections.get()
        section.body = words
        section.save()
    elif isinstance(item, Comparison):
        cell = AspectCell.objects.filter(aspect__comparison=item).first()
        cell.text = words
        cell.save()
    elif isinstance(item, FAQ):
        item.answer = words
        item.save()
    else:
        item.description = words
        item.save()


def public_json(client, item) -> bytes:
    return client.get(api_url(item)).content


def api_url(item) -> str:
    kind = item._meta.model_name
    lookup = item.pk if kind == "faq" else item.slug
    return reverse(f"v1:{kind}-detail", args=[lookup])


KINDS = ["topic", "comparison", "faq", "resource"]
UNSAFE = "You can safely detox at home without a doctor."


def review(client, item, decision="approve", comment="", content=None):
    return client.post(
        admin_url(type(item), "review", item.pk),
        {
            "decision": decision,
            "comment": comment,
            "content_hash": content or content_hash(item),
        },
    )


def fresh(item):
    return type(item).objects.get(pk=item.pk)


@pytest.mark.parametrize("kind", KINDS)
def test_edit_after_review_blocks_publishing_until_a_new_review(
    kind, live_items, editor, publisher, medical_reviewer, client
):
    live = live_items[kind]
    before = public_json(client, live)
    revision = start_revision(live, editor)
    change_words(revision, "Reviewed wording.")
    assert review(logged_in(medical_reviewer), fresh(revision)).status_code == 302
    change_words(fresh(revision), UNSAFE)

    response = logged_in(publisher).post(
        admin_url(type(live), "publish", revision.pk), {"publish_at": ""}
    )

    assert any("changed after the medical review" in m for m in message_texts(response))
    assert fresh(revision).state() == PublicationState.DRAFT
    assert public_json(client, live) == before
    review(logged_in(medical_reviewer), fresh(revision))
    logged_in(publisher).post(
        admin_url(type(live), "publish", revision.pk), {"publish_at": ""}
    )
    assert UNSAFE.encode() in public_json(client, live).replace(b"\\u2019", b"'")


@pytest.mark.parametrize("kind", KINDS)
def test_api_serves_only_words_the_credited_reviewer_approved(
    kind, live_items, editor, medical_reviewer, client
):
    live = live_items[kind]
    revision = start_revision(live, editor)
    change_words(revision, UNSAFE)

    with pytest.raises(Exception, match="medical review"):
        publish(fresh(revision), reason="Forced.")

    body = public_json(client, live).decode()
    assert UNSAFE not in body
    shown = fresh(live)
    assert shown.review_is_valid and shown.review_problem() is None
    assert json.loads(body)["review"]["reviewed_by"]["name"] == shown.reviewed_by.name


@pytest.mark.parametrize("kind", KINDS)
def test_editor_prepares_a_change_to_live_content_that_goes_live_when_published(
    kind, live_items, editor, publisher, medical_reviewer, client
):
    live = live_items[kind]
    before = public_json(client, live)
    editor_client = logged_in(editor)

    response = editor_client.post(admin_url(type(live), "start_revision", live.pk))
    revision = fresh(live).pending_revision()
    assert response.url == admin_url(type(live), "change", revision.pk)
    change_words(revision, "Clearer, reviewed words.")
    assert public_json(client, live) == before
    assert fresh(live).state() == PublicationState.LIVE_WITH_CHANGES
    review(logged_in(medical_reviewer), fresh(revision))
    assert public_json(client, live) == before

    logged_in(publisher).post(
        admin_url(type(live), "publish", revision.pk), {"publish_at": ""}
    )

    after = public_json(client, live)
    assert b"Clearer, reviewed words." in after
    assert not type(live).objects.filter(pk=revision.pk).exists()
    published = fresh(live)
    assert published.state() == PublicationState.LIVE
    assert published.reviewed_by == medical_reviewer.reviewer
    assert (
        ReviewNote.objects.about(published)
        .filter(kind=ReviewNoteKind.APPROVED)
        .exists()
    )


@pytest.mark.parametrize("kind", KINDS)
def test_scheduled_revision_goes_live_on_time_with_no_cron(
    kind, live_items, editor, publisher, medical_reviewer, client, clock
):
    live = live_items[kind]
    before = public_json(client, live)
    revision = start_revision(live, editor)
    change_words(revision, "Words for tomorrow.")
    review(logged_in(medical_reviewer), fresh(revision))
    tomorrow = FROZEN_NOW + DAY

    logged_in(publisher).post(
        admin_url(type(live), "publish", revision.pk),
        {"publish_at": tomorrow.strftime("%Y-%m-%d %H:%M")},
    )

    assert fresh(revision).state() == PublicationState.SCHEDULED
    assert public_json(client, live) == before
    clock.move_to(tomorrow + datetime.timedelta(seconds=1), tick=False)
    assert b"Words for tomorrow." in public_json(client, live)


@pytest.mark.parametrize("kind", KINDS)
def test_scheduled_new_item_appears_and_expires_on_time(
    kind, live_items, publisher, client, clock
):
    item = live_items[kind]
    type(item).objects.filter(pk=item.pk).update(
        publish_at=FROZEN_NOW + DAY, unpublish_at=FROZEN_NOW + 2 * DAY
    )
    assert client.get(api_url(item)).status_code == 404
    clock.move_to(FROZEN_NOW + DAY, tick=False)
    assert client.get(api_url(item)).status_code == 200
    clock.move_to(FROZEN_NOW + 2 * DAY, tick=False)
    assert client.get(api_url(item)).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_api_preview_is_byte_identical_to_what_publishing_serves(
    kind, live_items, editor, publisher, medical_reviewer, client, clock
):
    live = live_items[kind]
    revision = start_revision(live, editor)
    change_words(revision, "Previewed words.")
    review(logged_in(medical_reviewer), fresh(revision))
    preview = client.get(reverse("v1:preview", args=[preview_token(fresh(revision))]))
    assert preview.status_code == 200
    assert "no-store" in preview["Cache-Control"]
    assert public_json(client, live) != preview.content

    publish(fresh(revision), reason="Published.")

    # Cached answers are keyed by the content clock, which the frozen test
    # clock does not move on.
    cache.clear()
    assert public_json(client, live) == preview.content


def test_api_preview_of_a_new_draft_is_what_publishing_it_serves(
    published_topic, draft_topic, reviewer, client, clock
):
    faq = FAQ.objects.create(
        topic=published_topic, question="Is detox painful?", answer="It can be."
    )
    faq.record_review(reviewer)
    faq.save()
    preview = client.get(reverse("v1:preview", args=[preview_token(faq)]))

    publish(fresh(faq), reason="Published.")

    cache.clear()
    assert client.get(api_url(faq)).content == preview.content


def test_api_preview_link_dies_when_the_content_changes_or_expires(
    published_faq, editor, client, clock
):
    revision = start_revision(published_faq, editor)
    url = reverse("v1:preview", args=[preview_token(revision)])
    assert client.get(url).status_code == 200
    clock.move_to(FROZEN_NOW + datetime.timedelta(hours=2), tick=False)
    assert client.get(url).status_code == 410
    clock.move_to(FROZEN_NOW, tick=False)
    change_words(fresh(revision), "New words.")
    assert client.get(url).json()["status"] == 410
    assert client.get(reverse("v1:preview", args=["forged"])).status_code == 404


def test_api_preview_of_an_faq_whose_topic_is_not_live_is_a_conflict(
    draft_topic, reviewer, client
):
    faq = FAQ.objects.create(topic=draft_topic, question="Q?", answer="A.")

    response = client.get(reverse("v1:preview", args=[preview_token(faq)]))

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"


def test_preview_changes_nothing(published_faq, editor, client):
    revision = start_revision(published_faq, editor)
    change_words(revision, "Previewed only.")
    before = public_json(client, published_faq)

    client.get(reverse("v1:preview", args=[preview_token(fresh(revision))]))
    logged_in(editor).get(admin_url(FAQ, "preview", revision.pk))

    assert public_json(client, published_faq) == before
    assert fresh(revision).revision_of_id == published_faq.pk


def test_admin_preview_shows_the_revision_rendered_with_its_review_form(
    live_items, editor, medical_reviewer
):
    revision = start_revision(live_items["topic"], editor)
    change_words(revision, "A **bold** change.")

    page = logged_in(medical_reviewer).get(admin_url(Topic, "preview", revision.pk))

    text = page.content.decode()
    assert "A <strong>bold</strong> change." in text
    assert "**" not in text.split('class="reader-page"')[1].split("</article>")[0]
    assert "Approve this content" in text
    assert content_hash(fresh(revision)) in text
    # What changed against the live version, word by word.
    assert "<ins>A **bold** change.</ins>" in text or "<ins>A" in text


# One open revision per item.


def test_second_editor_is_told_who_holds_the_revision(
    published_faq, editor, django_user_model
):
    start_revision(published_faq, editor)
    other = django_user_model.objects.create_user("other", is_staff=True)
    other.groups.set(editor.groups.all())

    response = logged_in(other).post(admin_url(FAQ, "start_revision", published_faq.pk))

    assert any(
        f"{editor} is working on a revision" in m for m in message_texts(response)
    )
    assert FAQ.objects.filter(revision_of=published_faq).count() == 1


def test_revision_is_read_only_to_everyone_but_its_holder(
    published_faq, editor, django_user_model
):
    revision = start_revision(published_faq, editor)
    other = django_user_model.objects.create_user("other", is_staff=True)
    other.groups.set(editor.groups.all())
    client = logged_in(other)
    data = form_data(logged_in(editor).get(admin_url(FAQ, "change", revision.pk)))
    data["answer"] = [UNSAFE]

    client.post(admin_url(FAQ, "change", revision.pk), data)

    assert fresh(revision).answer != UNSAFE
    page = client.get(admin_url(FAQ, "change", revision.pk)).content.decode()
    assert f"Only {editor} edits this revision" in page


def test_holder_edits_the_revision_in_the_admin_and_the_review_is_voided(
    published_faq, editor
):
    revision = start_revision(published_faq, editor)
    client = logged_in(editor)
    data = form_data(client.get(admin_url(FAQ, "change", revision.pk)))
    data["answer"] = ["Usually a month or more."]

    response = client.post(admin_url(FAQ, "change", revision.pk), data, follow=True)

    assert fresh(revision).answer == "Usually a month or more."
    assert any("no longer applies" in m for m in message_texts(response))
    assert fresh(revision).state() == PublicationState.DRAFT
    assert fresh(published_faq).answer != "Usually a month or more."


def test_live_item_cannot_be_edited_by_anyone(published_faq, editor, publisher):
    # The publisher's page has a form, for the schedule; its answer is read-only.
    page = logged_in(publisher).get(admin_url(FAQ, "change", published_faq.pk))
    data = form_data(page) | {"answer": [UNSAFE]}

    for user in (editor, publisher):
        logged_in(user).post(admin_url(FAQ, "change", published_faq.pk), data)

    assert fresh(published_faq).answer != UNSAFE


def test_live_item_page_says_how_to_change_it(published_faq, editor):
    page = logged_in(editor).get(admin_url(FAQ, "change", published_faq.pk))

    text = page.content.decode()
    assert "nobody edits live content" in text
    assert "Start a revision" in text


def test_discarding_a_revision_keeps_the_live_item_and_the_thread(
    published_faq, editor, medical_reviewer
):
    revision = start_revision(published_faq, editor)
    review(logged_in(medical_reviewer), revision, "comment", "Cite NIDA here.")

    logged_in(editor).post(admin_url(FAQ, "discard_revision", revision.pk))

    assert fresh(published_faq).pending_revision() is None
    assert ReviewNote.objects.about(published_faq).get().text == "Cite NIDA here."


# Reviews: bound to what the reviewer read, recorded as who and when.


def test_approval_of_content_changed_since_it_was_read_records_nothing(
    draft_topic, medical_reviewer
):
    read = content_hash(draft_topic)
    draft_topic.summary = "Changed while the reviewer was reading."
    draft_topic.save()

    response = review(logged_in(medical_reviewer), draft_topic, content=read)

    assert any("changed after you opened it" in m for m in message_texts(response))
    assert fresh(draft_topic).reviewed_by is None


def test_approval_is_credited_to_the_signed_in_reviewer_today(
    draft_topic, medical_reviewer, clock
):
    review(logged_in(medical_reviewer), draft_topic)

    item = fresh(draft_topic)
    assert item.reviewed_by == medical_reviewer.reviewer
    assert item.last_reviewed_on == FROZEN_NOW.date()
    assert item.state() == PublicationState.APPROVED


def test_reviewer_without_a_reviewer_entry_cannot_approve(
    draft_topic, django_user_model, medical_reviewer
):
    unlinked = django_user_model.objects.create_user("unlinked", is_staff=True)
    unlinked.groups.set(medical_reviewer.groups.all())

    response = review(logged_in(unlinked), draft_topic)

    assert any("not linked to a reviewer" in m for m in message_texts(response))
    assert fresh(draft_topic).reviewed_by is None


def test_review_fields_cannot_be_posted_in_the_change_form(
    draft_topic, medical_reviewer, editor, reviewer
):
    client = logged_in(editor)
    data = form_data(client.get(admin_url(Topic, "change", draft_topic.pk)))
    data |= {
        "reviewed_by": [str(reviewer.pk)],
        "last_reviewed_on": ["2020-01-01"],
        "status": [PublicationStatus.PUBLISHED],
    }

    client.post(admin_url(Topic, "change", draft_topic.pk), data)

    item = fresh(draft_topic)
    assert item.reviewed_by is None and item.status != PublicationStatus.PUBLISHED


def test_request_changes_sends_the_item_back_to_draft_with_the_comment(
    draft_topic, medical_reviewer
):
    Topic.objects.filter(pk=draft_topic.pk).update(status=PublicationStatus.IN_REVIEW)

    review(
        logged_in(medical_reviewer), fresh(draft_topic), "request_changes", "Cite it."
    )

    assert fresh(draft_topic).status == PublicationStatus.DRAFT
    note = ReviewNote.objects.about(draft_topic).get()
    assert (note.kind, note.text) == (ReviewNoteKind.CHANGES_REQUESTED, "Cite it.")


def test_request_changes_needs_a_comment(draft_topic, medical_reviewer):
    response = review(logged_in(medical_reviewer), draft_topic, "request_changes")

    assert any("Say what should change" in m for m in message_texts(response))
    assert not ReviewNote.objects.exists()


# Every transition is refused on the server to roles that may not make it.


@pytest.mark.parametrize(
    "role, view",
    [
        ("editor", "publish"),
        ("editor", "review"),
        ("medical_reviewer", "publish"),
        ("medical_reviewer", "start_revision"),
        ("medical_reviewer", "restore_version"),
        ("publisher", "review"),
    ],
)
def test_forged_transition_posts_are_forbidden(request, role, view, published_faq):
    user = request.getfixturevalue(role)
    data = {"decision": "approve", "content_hash": published_faq.content_hash}

    response = logged_in(user).post(admin_url(FAQ, view, published_faq.pk), data)

    assert response.status_code == 403


def test_discarding_someone_elses_revision_is_forbidden_to_an_editor(
    published_faq, editor, django_user_model
):
    revision = start_revision(published_faq, editor)
    other = django_user_model.objects.create_user("other", is_staff=True)
    other.groups.set(editor.groups.all())

    response = logged_in(other).post(admin_url(FAQ, "discard_revision", revision.pk))

    assert response.status_code == 403
    assert FAQ.objects.filter(pk=revision.pk).exists()


@pytest.mark.parametrize("name", ["publish", "unpublish", "archive"])
@pytest.mark.parametrize("role", ["editor", "medical_reviewer"])
def test_forged_list_actions_change_nothing(request, role, name, published_faq):
    user = request.getfixturevalue(role)

    logged_in(user).post(
        admin_url(FAQ, "changelist"),
        {"action": name, "_selected_action": [published_faq.pk]},
    )

    assert fresh(published_faq).status == PublicationStatus.PUBLISHED


def test_transitions_refuse_get(published_faq, publisher):
    for view in ("publish", "review", "start_revision", "discard_revision"):
        response = logged_in(publisher).get(admin_url(FAQ, view, published_faq.pk))
        assert response.status_code == 405


def test_publishing_an_unreviewed_draft_is_refused_with_the_reason(
    draft_topic, publisher
):
    response = logged_in(publisher).post(
        admin_url(Topic, "publish", draft_topic.pk), {"publish_at": ""}
    )

    assert any("needs a medical review" in m for m in message_texts(response))
    assert fresh(draft_topic).status == PublicationStatus.DRAFT


def test_publish_time_in_the_past_is_refused(draft_topic, reviewer, publisher, clock):
    draft_topic.record_review(reviewer)
    draft_topic.save()

    response = logged_in(publisher).post(
        admin_url(Topic, "publish", draft_topic.pk), {"publish_at": "2020-01-01 10:00"}
    )

    assert any("in the future" in m for m in message_texts(response))
    assert fresh(draft_topic).status == PublicationStatus.DRAFT


# History: a live item's old version comes back as a revision, never live.


def test_restoring_an_old_version_of_a_live_item_makes_a_draft_revision(
    published_faq, editor, client
):
    old = published_faq.history.earliest()
    revision = start_revision(published_faq, editor)
    change_words(revision, "Newer words.")
    publish_now = approve(fresh(revision))
    publish(publish_now, reason="Published.")
    before = public_json(client, published_faq)

    response = logged_in(editor).post(
        admin_url(FAQ, "restore_version", published_faq.pk),
        {"version": old.history_id},
    )

    restored = fresh(published_faq).pending_revision()
    assert response.url == admin_url(FAQ, "change", restored.pk)
    assert restored.answer == old.answer
    assert restored.status == PublicationStatus.DRAFT
    assert restored.history.latest().history_change_reason.startswith("Reverted to")
    assert public_json(client, published_faq) == before


# Sources are reviewed words: cited by live content, they are frozen.


def test_source_cited_by_live_content_cannot_be_changed(
    published_topic, publisher, reviewer
):
    from content.models import Source

    source = Source.objects.create(title="Guide", publisher="NIDA")
    published_topic.sources.add(source)
    approve(published_topic)
    client = logged_in(publisher)

    response = client.get(admin_url(Source, "change", source.pk))

    assert b'name="title"' not in response.content
    assert fresh(published_topic).review_is_valid


def test_lists_hide_revisions_and_show_live_with_pending_changes(published_faq, editor):
    revision = start_revision(published_faq, editor)

    page = logged_in(editor).get(admin_url(FAQ, "changelist")).content.decode()

    assert f"/{revision.pk}/change/" not in page
    assert "Live with pending changes" in page


def test_state_filters_find_each_state(live_items, editor, reviewer, clock):
    faq = live_items["faq"]
    start_revision(faq, editor)
    approved = FAQ.objects.create(topic=faq.topic, question="Approved?", answer="Yes.")
    approved.record_review(reviewer)
    approved.save()
    scheduled = Resource.objects.get(pk=live_items["resource"].pk)
    Resource.objects.filter(pk=scheduled.pk).update(publish_at=FROZEN_NOW + DAY)

    assert list(FAQ.objects.in_state(PublicationState.LIVE_WITH_CHANGES)) == [faq]
    assert list(FAQ.objects.in_state(PublicationState.APPROVED)) == [approved]
    assert list(Resource.objects.in_state(PublicationState.SCHEDULED)) == [scheduled]
    assert not FAQ.objects.in_state(PublicationState.DRAFT).exists()


def test_data_migration_binds_existing_reviews_to_the_content_they_cover(
    published_topic, draft_topic
):
    from importlib import import_module

    from django.apps import apps

    Topic.objects.update(content_hash="", reviewed_hash="")

    import_module("content.migrations.0011_revisions_data").bind_reviews(apps, None)

    assert fresh(published_topic).review_is_valid
    assert fresh(draft_topic).reviewed_hash == ""
    assert fresh(draft_topic).content_hash == content_hash(draft_topic)


def test_related_topics_stay_with_the_live_items_and_outside_reviews(
    published_topic, editor, publisher, reviewer
):
    other = approve(
        Topic.objects.create(
            slug="detox",
            title="Detox",
            summary=".",
            status="published",
            reviewed_by=reviewer,
            last_reviewed_on=FROZEN_NOW.date(),
        )
    )
    published_topic.related_topics.add(other)
    revision = start_revision(published_topic, editor)

    assert not revision.related_topics.exists()
    assert fresh(other).review_problem() is None
    client = logged_in(publisher)
    data = form_data(client.get(admin_url(Topic, "change", published_topic.pk)))
    data["related_topics"] = []
    client.post(admin_url(Topic, "change", published_topic.pk), data)
    assert not fresh(published_topic).related_topics.exists()
    publish(approve(fresh(revision)), reason="Published.")
    assert fresh(published_topic).review_is_valid


def test_preview_of_unapproved_words_credits_no_reviewer(published_faq, editor, client):
    revision = start_revision(published_faq, editor)
    change_words(revision, "Not reviewed yet.")

    preview = client.get(reverse("v1:preview", args=[preview_token(fresh(revision))]))
    page = logged_in(editor).get(admin_url(FAQ, "preview", revision.pk))

    assert preview.json()["review"]["reviewed_by"] is None
    assert "Not yet medically reviewed." in page.content.decode()


def test_a_revision_is_copied_and_published_as_one_change(
    live_items, editor, django_assert_max_num_queries
):
    # Parts do not each rehash and regrade their page (that was 2,782 queries
    # for the seed comparison's revision); the clock moves once.
    comparison = live_items["comparison"]
    with django_assert_max_num_queries(60):
        revision = start_revision(comparison, editor)
    approve(revision)
    with django_assert_max_num_queries(100):
        publish(fresh(revision), reason="Published.")


def test_a_scheduled_revision_that_lost_its_review_is_held_back_not_a_failed_read(
    published_faq, editor, publisher, client, clock
):
    revision = start_revision(published_faq, editor)
    change_words(revision, "Scheduled words.")
    revision = approve(fresh(revision))
    revision.publish_at = FROZEN_NOW + DAY
    publish(revision, reason="Scheduled.")
    # Changed behind the workflow's back after it was scheduled.
    FAQ.objects.filter(pk=revision.pk).update(reviewed_hash="0" * 64)
    before = public_json(client, published_faq)
    clock.move_to(FROZEN_NOW + 2 * DAY, tick=False)

    response = client.get(api_url(published_faq))

    assert response.status_code == 200
    assert response.content == before
    held = fresh(revision)
    assert held.status == PublicationStatus.DRAFT and held.publish_at is None
    assert (
        "Not published at its scheduled time"
        in ReviewNote.objects.about(held).get().text
    )


def test_publishing_keeps_unchanged_sections_and_replaces_changed_ones(
    published_topic, editor, client
):
    kept, edited, removed = (
        Section.objects.create(
            topic=published_topic, position=n, heading=h, anchor=a, body=f"{h}."
        )
        for n, h, a in [
            (0, "Kept", "kept"),
            (1, "Edited", "edited"),
            (2, "Gone", "gone"),
        ]
    )
    approve(published_topic)
    revision = start_revision(published_topic, editor)
    revision.sections.filter(anchor="edited").update(body="Edited words.")
    revision.sections.filter(anchor="gone").delete()
    # A new section takes the removed one's anchor: the leftover goes first.
    Section.objects.create(
        topic=revision, position=3, heading="New", anchor="gone", body="New."
    )
    approved = approve(fresh(revision)).content_hash

    publish(fresh(revision), reason="Published.")

    live = fresh(published_topic)
    assert live.content_hash == approved
    sections = {s.anchor: s for s in live.sections.all()}
    assert sections["kept"].pk == kept.pk  # unchanged: not rewritten
    assert sections["edited"].pk != edited.pk
    assert sections["edited"].body == "Edited words."
    assert sections["gone"].pk != removed.pk and sections["gone"].heading == "New"
    assert not Section.objects.filter(topic_id=revision.pk).exists()
    body = client.get(api_url(published_topic)).json()
    assert [s["heading"] for s in body["sections"]] == ["Kept", "Edited", "New"]

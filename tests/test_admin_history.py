"""History an auditor accepts: reasons on every save, reverts named, full word diffs."""

from content.diffs import word_diff
from content.models import Section, Topic
from tests.test_admin import admin_url, form_data, logged_in

LONG_BODY = " ".join(
    f"Sentence {n} about detox and withdrawal care." for n in range(60)
)


def change(client, item, reason="", **fields):
    url = admin_url(type(item), "change", item.pk)
    data = form_data(client.get(url), reason=reason)
    data.update({name: [value] for name, value in fields.items()})
    return client.post(url, data)


def test_a_change_without_a_reason_is_refused_and_says_why(editor, draft_topic):
    response = change(logged_in(editor), draft_topic, title="New title")

    assert response.status_code == 200
    assert "Say why you are changing it" in response.content.decode()
    draft_topic.refresh_from_db()
    assert draft_topic.title == "Draft topic"


def test_the_reason_is_recorded_on_the_item_and_its_parts(editor, draft_topic):
    Section.objects.create(topic=draft_topic, heading="Old", anchor="a", body="x")
    client = logged_in(editor)
    url = admin_url(Topic, "change", draft_topic.pk)
    data = form_data(client.get(url), reason="Fix the heading typo")
    data["sections-0-heading"] = ["New"]

    response = client.post(url, data)

    assert response.status_code == 302
    assert draft_topic.history.latest().history_change_reason == "Fix the heading typo"
    section = Section.objects.get()
    assert section.history.latest().history_change_reason == "Fix the heading typo"


def test_actions_record_what_they_did_as_the_reason(publisher, reviewer, draft_topic):
    draft_topic.record_review(reviewer)
    draft_topic.save()

    logged_in(publisher).post(
        admin_url(Topic, "changelist"),
        {"action": "publish", "_selected_action": [draft_topic.pk]},
    )

    assert draft_topic.history.latest().history_change_reason == "Published."


def test_a_revert_is_recorded_as_a_revert_of_a_named_version(editor, draft_topic):
    client = logged_in(editor)
    change(client, draft_topic, reason="Retitle", title="Second title")
    first = draft_topic.history.earliest()
    url = admin_url(Topic, "simple_history", draft_topic.pk, first.history_id)

    response = client.post(url, form_data(client.get(url), reason="Back to draft"))

    assert response.status_code == 302
    draft_topic.refresh_from_db()
    assert draft_topic.title == "Draft topic"
    reason = draft_topic.history.latest().history_change_reason
    assert reason.startswith("Reverted to the version of ")
    assert reason.endswith(": Back to draft")


def test_history_shows_long_text_changes_in_full_as_word_diffs(editor, draft_topic):
    draft_topic.body = LONG_BODY
    draft_topic.save()
    client = logged_in(editor)
    change(
        client,
        draft_topic,
        reason="Say clinic",
        body=LONG_BODY.replace("Sentence 42 about detox", "Sentence 42 about clinic"),
    )

    page = client.get(admin_url(Topic, "history", draft_topic.pk)).content.decode()

    assert "chars]" not in page
    assert "<del>detox </del>" in page
    assert "<ins>clinic </ins>" in page
    assert "Sentence 59 about detox and withdrawal care." in page


def test_any_two_versions_can_be_compared(editor, draft_topic):
    client = logged_in(editor)
    change(client, draft_topic, reason="One", title="Title one")
    change(client, draft_topic, reason="Two", summary="Another summary.")
    first, last = draft_topic.history.earliest(), draft_topic.history.latest()

    page = client.get(
        admin_url(Topic, "history_compare", draft_topic.pk),
        {"from": first.history_id, "to": last.history_id},
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert "<del>Draft topic</del>" in text and "<ins>Title one</ins>" in text
    assert "<ins>Another summary.</ins>" in text


def test_comparing_unknown_versions_is_a_bad_request(editor, draft_topic):
    page = logged_in(editor).get(
        admin_url(Topic, "history_compare", draft_topic.pk), {"from": "x", "to": "9"}
    )

    assert page.status_code == 400


def test_word_diff_escapes_html_and_keeps_every_word():
    old, new = word_diff("Take <b>two</b> pills daily.", "Take three pills daily.")

    assert old == "Take <del>&lt;b&gt;two&lt;/b&gt; </del>pills daily."
    assert new == "Take <ins>three </ins>pills daily."


def test_malformed_history_addresses_are_404s_not_500s(editor, draft_topic):
    client = logged_in(editor)
    base = admin_url(Topic, "history", draft_topic.pk).replace(
        f"/{draft_topic.pk}/", "/"
    )

    for path in [
        base.replace("history/", f"{draft_topic.pk}/change/history/"),
        base.replace("history/", "abc/history/"),
        admin_url(Topic, "history", draft_topic.pk) + "abc/",
        admin_url(Topic, "history_compare", "abc") + "?from=1&to=2",
    ]:
        assert client.get(path).status_code == 404, path


def test_seed_baseline_versions_record_their_links(editor):
    from django.core.management import call_command

    call_command("seed", verbosity=0)
    topic = Topic.objects.get(slug="medical-detox")
    baseline = topic.history.earliest()

    assert sorted(baseline.related_topics.values_list("to_topic_id", flat=True)) == (
        sorted(topic.related_topics.values_list("pk", flat=True))
    )
    assert baseline.sources.count() == topic.sources.count()

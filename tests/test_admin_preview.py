"""The admin preview shows an item as readers will see it, never raw Markdown."""

import pytest

from content.models import FAQ, Comparison, Resource, Section, Source, Topic
from tests.conftest import reviewed
from tests.test_admin import admin_url, fill_comparison, logged_in


def preview(user, item):
    return logged_in(user).get(admin_url(type(item), "preview", item.pk))


def test_topic_preview_renders_markdown_sections_sources_and_review_line(
    medical_reviewer, reviewer, draft_topic
):
    draft_topic.body = "Detox is **supervised** withdrawal."
    draft_topic.save()
    Section.objects.create(
        topic=draft_topic, heading="At home", anchor="home", body="- Risky\n- Lonely"
    )
    draft_topic.sources.add(Source.objects.create(title="Report", publisher="NIDA"))
    draft_topic.record_review(reviewer)
    draft_topic.save()

    page = preview(medical_reviewer, draft_topic)

    text = page.content.decode()
    assert page.status_code == 200
    assert "<strong>supervised</strong>" in text
    assert "**" not in text
    assert "<li>Risky</li>" in text
    assert "Report</a>" not in text and "Report, NIDA" in text
    assert "Medically reviewed by Dana Reyes, MD, FASAM on" in text


def test_unreviewed_item_preview_says_so(editor, draft_topic):
    assert (
        "Not yet medically reviewed." in preview(editor, draft_topic).content.decode()
    )


def test_comparison_preview_shows_the_table_options_and_criteria(
    editor, draft_comparison
):
    fill_comparison(draft_comparison, Source.objects.create(title="R", publisher="P"))
    draft_comparison.criteria.update(is_published=True)

    text = preview(editor, draft_comparison).content.decode()

    assert '<th scope="col">At home</th>' in text
    assert "<td>At home cost</td>" in text
    assert "Benefit: Clinic helps" in text
    assert "Is home safe?" in text
    assert "rules the option out At home: An unsafe home." in text


@pytest.mark.parametrize("kind", ["faq", "resource"])
def test_faq_and_resource_previews_render(editor, reviewer, published_topic, kind):
    if kind == "faq":
        item = FAQ.objects.create(
            topic=published_topic, question="How long?", answer="*Weeks*."
        )
        expected = "<em>Weeks</em>"
    else:
        item = Resource.objects.create(
            slug="line", name="Line", kind="helpline", phone="988", description="Free."
        )
        expected = 'href="tel:988"'

    assert expected in preview(editor, item).content.decode()


def test_change_form_links_to_the_preview(editor, draft_topic):
    page = logged_in(editor).get(admin_url(Topic, "change", draft_topic.pk))

    assert f'href="{admin_url(Topic, "preview", draft_topic.pk)}"' in (
        page.content.decode()
    )


def test_preview_needs_the_right_to_see_the_item(django_user_model, draft_topic):
    outsider = django_user_model.objects.create_user(
        username="outsider", password="unused", is_staff=True
    )

    assert preview(outsider, draft_topic).status_code == 403


def test_preview_of_a_draft_leaves_it_off_the_api(client, editor, draft_topic):
    preview(editor, draft_topic)

    assert client.get("/api/v1/topics/draft-topic/").status_code == 404


def test_published_comparison_preview_shows_public_faqs(
    editor, reviewer, published_comparison
):
    FAQ.objects.create(
        **reviewed(
            reviewer,
            topic=published_comparison.topic,
            comparison=published_comparison,
            question="Which is cheaper?",
            answer="Outpatient.",
        )
    )

    text = preview(editor, Comparison.objects.get()).content.decode()

    assert "Which is cheaper?" in text


def test_draft_topic_preview_shows_the_faqs_that_go_public_with_it(
    editor, reviewer, draft_topic
):
    FAQ.objects.create(
        **reviewed(reviewer, topic=draft_topic, question="Live with it?", answer=".")
    )
    FAQ.objects.create(topic=draft_topic, question="Still a draft?", answer=".")

    text = preview(editor, draft_topic).content.decode()

    assert "Live with it?" in text
    assert "Still a draft?" not in text


def test_draft_topic_preview_leaves_out_faqs_hidden_with_their_comparison(
    editor, reviewer, draft_topic
):
    comparison = Comparison.objects.create(
        slug="hidden", title="Hidden", topic=draft_topic, summary="."
    )
    FAQ.objects.create(
        **reviewed(
            reviewer,
            topic=draft_topic,
            comparison=comparison,
            question="Hidden with its comparison?",
            answer=".",
        )
    )

    assert (
        "Hidden with its comparison?"
        not in preview(editor, draft_topic).content.decode()
    )

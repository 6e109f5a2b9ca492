"""Safety nets of the editorial admin: help, warnings, pickers and links out."""

from django.contrib.messages import get_messages

from content.models import FAQ, Topic
from content.rendering import MARKDOWN_HELP
from tests.conftest import reviewed
from tests.test_admin import admin_url, form_data, logged_in


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_markdown_help_sits_beside_every_rich_text_field(editor, draft_topic):
    page = logged_in(editor).get(admin_url(Topic, "change", draft_topic.pk))

    # The topic's body and the body of each section row (and the blank row).
    assert page.content.decode().count("Markdown: **bold**") >= 2
    assert MARKDOWN_HELP.startswith("Markdown: **bold**")


def test_saving_raw_html_warns_and_still_saves(editor, draft_topic):
    client = logged_in(editor)
    url = admin_url(Topic, "change", draft_topic.pk)
    data = form_data(client.get(url))
    data["body"] = ["Call us. <script>alert(1)</script> [Help](javascript:alert(2))"]

    response = client.post(url, data, follow=True)

    warnings = " ".join(messages_of(response))
    assert "HTML (<script>) is not allowed" in warnings
    assert "javascript:" in warnings
    draft_topic.refresh_from_db()
    assert draft_topic.body.startswith("Call us. <script>")
    assert "<script>" not in draft_topic.body_html.replace("&lt;script&gt;", "")


def test_saving_plain_markdown_gives_no_warning(editor, draft_topic):
    client = logged_in(editor)
    url = admin_url(Topic, "change", draft_topic.pk)
    data = form_data(client.get(url))
    data["body"] = ["**Detox** first. [SAMHSA](https://www.samhsa.gov/)"]

    response = client.post(url, data, follow=True)

    assert not [m for m in messages_of(response) if "not allowed" in m]


def test_long_pages_have_save_buttons_at_the_top(editor, draft_topic):
    page = logged_in(editor).get(admin_url(Topic, "change", draft_topic.pk))

    assert page.content.decode().count('name="_save"') == 2


def test_topic_picker_ranks_title_matches_first(editor, reviewer):
    Topic.objects.create(
        slug="aftercare",
        title="Aftercare",
        summary="What comes after detox, detox and detox.",
    )
    Topic.objects.create(slug="detox", title="Detox", summary="Withdrawal.")
    Topic.objects.create(slug="home", title="Home detox risks", summary="Risks.")

    response = logged_in(editor).get(
        "/admin/autocomplete/",
        {
            "app_label": "content",
            "model_name": "faq",
            "field_name": "topic",
            "term": "detox",
        },
    )

    titles = [result["text"] for result in response.json()["results"]]
    assert titles == ["Detox", "Home detox risks", "Aftercare"]


def test_view_site_opens_the_reader_pages(editor):
    page = logged_in(editor).get("/admin/")

    assert '<a href="/">View site</a>' in page.content.decode()


def test_public_item_links_to_its_reader_page(editor, published_topic, reviewer):
    faq = FAQ.objects.create(
        **reviewed(reviewer, topic=published_topic, question="Q?", answer="A.")
    )
    client = logged_in(editor)

    topic_page = client.get(admin_url(Topic, "change", published_topic.pk))
    faq_page = client.get(admin_url(FAQ, "change", faq.pk))

    assert 'href="/topics/heroin-rehab/"' in topic_page.content.decode()
    assert f'href="/faqs/{faq.pk}/"' in faq_page.content.decode()
    assert client.get(f"/faqs/{faq.pk}/").status_code == 200


def test_hidden_item_offers_no_link_to_a_404(editor, draft_topic):
    page = logged_in(editor).get(admin_url(Topic, "change", draft_topic.pk))

    assert "/topics/draft-topic/" not in page.content.decode()

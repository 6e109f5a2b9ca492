"""Markdown is rendered once on save to sanitised HTML and plain text."""

from html.parser import HTMLParser

import pytest

from content.models import FAQ, Comparison, Resource, Section, Topic
from content.rendering import markdown_warnings, render_markdown

HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    '[x](https://example.org "title" onmouseover=alert(1))',
    "<style>body{display:none}</style>",
    "<<script>script>alert(1)<</script>/script>",
    '[ok](https://example.org/"onmouseover="alert(1))',
]
SAFE_TAGS = {"p", "a", "strong", "em", "ul", "li", "h2", "code", "pre", "br"}
SAFE_ATTRIBUTES = {"href", "title", "rel"}
SAFE_URL_PREFIXES = ("http://", "https://", "mailto:", "tel:")


class MarkupCollector(HTMLParser):
    """Collects the elements and attributes a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def assert_safe(html: str):
    collector = MarkupCollector()
    collector.feed(html)
    assert collector.tags <= SAFE_TAGS, html
    for name, value in collector.attributes:
        assert name in SAFE_ATTRIBUTES, html
        if name == "href":
            assert value.lower().startswith(SAFE_URL_PREFIXES), html


@pytest.mark.parametrize("markdown", HOSTILE_MARKDOWN)
def test_render_markdown_strips_hostile_markup(markdown):
    html, _ = render_markdown(markdown)

    assert_safe(html)
    assert "<script" not in html.lower()


def test_render_markdown_keeps_ordinary_formatting():
    html, text = render_markdown(
        "## Detox\n\nWithdrawal is **hard**.\n\n- aches\n- chills\n\n"
        "[NIDA](https://nida.nih.gov/)"
    )

    assert "<h2>Detox</h2>" in html
    assert "<strong>hard</strong>" in html
    assert "<li>aches</li>" in html
    assert 'href="https://nida.nih.gov/"' in html
    assert 'rel="noopener noreferrer"' in html
    assert text == "Detox\n\nWithdrawal is hard.\n\n- aches\n- chills\n\nNIDA"


def test_render_markdown_plain_text_unescapes_entities():
    _, text = render_markdown("Cost & care: 30 < 90")

    assert text == "Cost & care: 30 < 90"


@pytest.mark.parametrize(
    ("model", "field", "extra"),
    [
        (Topic, "body", {"slug": "t", "title": "T", "summary": "s"}),
        (Section, "body", {"heading": "H", "anchor": "h"}),
        (Comparison, "introduction", {"slug": "c", "title": "C", "summary": "s"}),
        (Comparison, "conclusion", {"slug": "c", "title": "C", "summary": "s"}),
        (FAQ, "answer", {"question": "Q?"}),
        (Resource, "description", {"slug": "r", "name": "R", "kind": "helpline"}),
    ],
)
@pytest.mark.parametrize("markdown", HOSTILE_MARKDOWN)
def test_every_rich_text_field_is_sanitised_on_save(
    published_topic, model, field, extra, markdown
):
    if model in (Section, FAQ, Comparison):
        extra = {**extra, "topic": published_topic}
    obj = model.objects.create(**extra, **{field: markdown})

    obj.refresh_from_db()
    assert_safe(getattr(obj, f"{field}_html"))
    assert (getattr(obj, f"{field}_html"), getattr(obj, f"{field}_text")) == (
        render_markdown(markdown)
    )


def test_rendered_fields_follow_edits_of_the_source(published_topic):
    published_topic.body = "New **body**"
    published_topic.save(update_fields=["body"])

    published_topic.refresh_from_db()
    assert published_topic.body_html == "<p>New <strong>body</strong></p>"
    assert published_topic.body_text == "New body"


def test_markdown_warnings_name_raw_html_tags():
    warnings = markdown_warnings("Hi <script>x</script>\n\n<div>block</div>")

    assert warnings == [
        "HTML (<script>, <div>) is not allowed: readers will see it as plain "
        "text. Use Markdown instead."
    ]


def test_markdown_warnings_name_unsafe_link_schemes():
    warnings = markdown_warnings("[a](javascript:alert(1)) [b](ftp://x) <data:x>")

    assert warnings == [
        "Links to data:, ftp:, javascript: addresses are removed; only http, "
        "https, mailto and tel links are kept."
    ]


def test_markdown_warnings_accept_plain_markdown():
    assert markdown_warnings("**Bold**, a < b, [x](https://a.org) <tel:988>") == []

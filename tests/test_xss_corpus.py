"""Fifty known XSS payloads through every rich-text field: none survives live.

Each payload is saved as an editor would (Markdown source), then the stored
HTML and what the API and the embed widget serve are parsed: no element,
attribute or URL scheme outside the allow-list may appear.
"""

import pytest

from content.models import FAQ, Comparison, Resource, Section, Topic
from embed.views import height_script
from tests.test_rendering import MarkupCollector, assert_safe

LIVE_CONTENT_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "form",
                     "input", "link", "base", "video", "audio", "math"}  # fmt: skip

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<img src=`javascript:alert(1)`>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;'
    ':alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](x "onerror=alert(1)")',
    '[x](https://ok.example "a" onmouseover=alert(1))',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width:expression(alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    "<form action=javascript:alert(1)><input type=submit></form>",
    "<input onfocus=alert(1) autofocus>",
    "<select onfocus=alert(1) autofocus>",
    "<textarea onfocus=alert(1) autofocus>",
    "<keygen onfocus=alert(1) autofocus>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<p onclick=alert(1)>click</p>",
    "<table background=javascript:alert(1)><tr><td>x</td></tr></table>",
    "<td background=javascript:alert(1)>x</td>",
    "<x onclick=alert(1)>x</x>",
    '"><script>alert(1)</script>',
    "'';!--\"<XSS>=&{()}",
]
FIELDS = [
    (Topic, "body"),
    (Section, "body"),
    (Comparison, "introduction"),
    (Comparison, "conclusion"),
    (FAQ, "answer"),
    (Resource, "description"),
]


def test_the_corpus_has_fifty_distinct_payloads():
    assert len(set(PAYLOADS)) == 50


@pytest.mark.parametrize(("model", "field"), FIELDS)
def test_no_payload_survives_in_stored_html(seed_content, model, field):
    obj = model.objects.first()
    for payload in PAYLOADS:
        setattr(obj, field, f"Intro\n\n{payload}\n\nOutro")
        obj.save()
        obj.refresh_from_db()
        assert_safe(getattr(obj, f"{field}_html"))


def test_no_payload_survives_in_served_api_and_widget(client, seed_content):
    topic = Topic.objects.get(slug="heroin-rehab")
    comparison = Comparison.objects.get()
    faq = FAQ.objects.filter(topic=topic).first()
    section = topic.sections.first()
    markdown = "\n\n".join(PAYLOADS)
    for obj, field in [(topic, "body"), (section, "body"), (comparison, "introduction"),
                       (comparison, "conclusion"), (faq, "answer")]:  # fmt: skip
        setattr(obj, field, markdown)
        obj.save()

    topic_json = client.get("/api/v1/topics/heroin-rehab/").json()
    comparison_json = client.get(
        "/api/v1/comparisons/inpatient-vs-outpatient-heroin-rehab/"
    ).json()
    served = [
        topic_json["body"]["html"],
        *(s["body"]["html"] for s in topic_json["sections"]),
        *(f["answer"]["html"] for f in topic_json["faqs"]),
        comparison_json["introduction"]["html"],
        comparison_json["conclusion"]["html"],
    ]
    for html in served:
        assert_safe(html)
    page = client.get("/embed/v1/topics/heroin-rehab/faqs/").content.decode()
    widget = MarkupCollector()
    # The iframe page's one script is its own height reporter, allowed by hash.
    widget.feed(page.replace(f"<script>{height_script()}</script>", ""))
    widget.feed(client.get("/api/v1/topics/heroin-rehab/widget/").json()["html"])
    assert not widget.tags & LIVE_CONTENT_TAGS
    for name, value in widget.attributes:
        assert not name.startswith("on"), name
        assert not value.lower().startswith(("javascript:", "data:", "vbscript:"))

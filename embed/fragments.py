"""The words both widgets show of a topic's or comparison's FAQs.

Rendered once per change into the stored ``widget`` document
(``publishing.documents``), which the API's widget endpoint serves as it is
and the iframe page wraps: both widgets say the same words.
"""

from django.conf import settings
from django.template.loader import render_to_string

from api import jsonld
from content.reader import public_url


def widget_context(request, page, faqs, help_lines) -> dict:
    """What both widgets show of ``page`` (a published topic or comparison)."""
    return {
        "title": page.title,
        "page": page,
        "faqs": faqs,
        "help_lines": help_lines,
        "attribution_url": settings.PUBLIC_SITE_URL or public_url(request, page),
    }


def widget_document(request, page, faqs, help_lines) -> dict:
    """The script widget's one response: the iframe's words, and the JSON-LD."""
    faqs = list(faqs)
    url = public_url(request, page)
    return {
        "title": page.title,
        "html": render_to_string(
            "embed/_faqs.html", widget_context(request, page, faqs, help_lines)
        ).strip(),
        "reader_url": url,
        "jsonld": jsonld.faq_page(
            page, faqs, url=f"{url}#faqs", name=f"{page.title}: FAQs"
        ),
    }

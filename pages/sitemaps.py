"""``/sitemap.xml``: every published reader page, with when it last changed."""

from django.contrib.sitemaps import Sitemap

from content.models import FAQ, Comparison, Topic


class PublishedSitemap(Sitemap):
    model = None

    def items(self):
        # Built per request: published() reads the clock now, not at import.
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class TopicSitemap(PublishedSitemap):
    model = Topic


class ComparisonSitemap(PublishedSitemap):
    model = Comparison


class FAQSitemap(PublishedSitemap):
    model = FAQ


SITEMAPS = {
    "topics": TopicSitemap,
    "comparisons": ComparisonSitemap,
    "faqs": FAQSitemap,
}

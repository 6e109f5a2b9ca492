from django.contrib.sitemaps.views import sitemap
from django.urls import path

from pages import views
from pages.sitemaps import SITEMAPS

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("topics/<slug:slug>/", views.topic_page, name="topic"),
    path("topics/<slug:slug>.md", views.topic_markdown, name="topic-markdown"),
    path("comparisons/<slug:slug>/", views.comparison_page, name="comparison"),
    path(
        "comparisons/<slug:slug>/decide/", views.decision_page, name="comparison-decide"
    ),
    path(
        "comparisons/<slug:slug>.md",
        views.comparison_markdown,
        name="comparison-markdown",
    ),
    path("faqs/<int:id>/", views.faq_page, name="faq"),
    path("faqs/<int:id>.md", views.faq_markdown, name="faq-markdown"),
    path("oembed", views.oembed, name="oembed"),
    path("llms.txt", views.llms_txt, name="llms-txt"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        views.public_page(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
]

from django.urls import path

from embed import views

app_name = "embed"
urlpatterns = [
    path("faqs.js", views.faqs_script, name="faqs-script"),
    path("topics/<slug:slug>/faqs/", views.topic_faqs, name="topic-faqs"),
    path(
        "comparisons/<slug:slug>/faqs/",
        views.comparison_faqs,
        name="comparison-faqs",
    ),
]

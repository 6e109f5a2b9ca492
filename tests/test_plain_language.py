"""Plain language: reading grades and stigmatising terms, as warnings for editors."""

import pytest

from content.language import reading_grade, stigmatising_terms
from content.models import FAQ, Comparison, Resource, Section, StigmatisingTerm, Topic
from tests.test_admin import admin_url, form_data, logged_in
from tests.test_admin_safety_nets import messages_of

PLAIN = (
    "Detox is the first step. A doctor helps you stop using heroin safely. "
    "You may feel sick for a few days. The staff will help with the pain."
)
DENSE = (
    "Comprehensive individualized pharmacological interventions, administered "
    "concurrently with multidisciplinary psychotherapeutic modalities, "
    "substantially ameliorate physiological withdrawal manifestations. "
    "Longitudinal evaluations demonstrate considerably diminished recidivism "
    "following residential stabilization."
)


def test_reading_grade_is_lower_for_plain_text():
    assert reading_grade(PLAIN) < 6 < 15 < reading_grade(DENSE)


def test_reading_grade_is_none_for_text_too_short_to_grade():
    assert reading_grade("Call 988.") is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("He was an addict for years.", ["addict"]),
        ("Addicts deserve care.", ["addict"]),
        ("Heroin addiction is treatable.", []),
        ("Funded by the National Institute on Drug Abuse.", []),
        ("Drug abuse is an outdated phrase.", ["drug abuse"]),
        ("Her test came back clean.", ["clean"]),
        ("Programs hand out clean needles.", []),
    ],
)
def test_stigmatising_terms_match_whole_words_outside_allowed_phrases(db, text, found):
    findings = stigmatising_terms(text, StigmatisingTerm.objects.all())

    assert [finding.term for finding in findings] == found


def test_stigmatising_term_findings_carry_the_suggestion(db):
    [finding] = stigmatising_terms("He was an addict.", StigmatisingTerm.objects.all())

    assert finding.suggestion.startswith("person with a substance use disorder")
    assert finding.excerpt == "He was an addict."


def test_saving_an_item_stores_its_reading_grade(published_topic):
    published_topic.body = DENSE
    published_topic.save()

    published_topic.refresh_from_db()
    assert published_topic.reading_grade == reading_grade(published_topic.public_text())
    assert published_topic.reading_grade > 12


def test_editing_a_section_grades_its_topic_again(published_topic):
    section = Section.objects.create(
        topic=published_topic, heading="Detox", anchor="detox", body=PLAIN
    )
    published_topic.refresh_from_db()
    plain_grade = published_topic.reading_grade

    section.body = DENSE * 3
    section.save()

    published_topic.refresh_from_db()
    assert published_topic.reading_grade > plain_grade


def test_seed_fixture_grades_match_the_text(seed_content):
    for model in (Topic, Comparison, FAQ, Resource):
        for item in model.objects.all():
            assert item.reading_grade == reading_grade(item.public_text()), item


def test_admin_shows_the_plain_language_panel(editor, draft_topic):
    draft_topic.body = f"{PLAIN} Every addict can recover."
    draft_topic.save()

    page = logged_in(editor).get(admin_url(Topic, "change", draft_topic.pk))

    text = page.content.decode()
    assert "Reading grade <strong>" in text
    assert "“addict” in" in text
    assert "consider person with a substance use disorder" in text


def test_saving_stigmatising_or_dense_text_warns_but_saves(editor, draft_topic):
    client = logged_in(editor)
    url = admin_url(Topic, "change", draft_topic.pk)
    data = form_data(client.get(url))
    data["body"] = [f"{DENSE} Every junkie can recover."]

    response = client.post(url, data, follow=True)

    warnings = " ".join(messages_of(response))
    assert "says “junkie”" in warnings
    assert "consider person who uses heroin" in warnings
    assert "plain language is grade 6 to 8" in warnings
    draft_topic.refresh_from_db()
    assert "junkie" in draft_topic.body


def test_editors_maintain_the_list_of_terms(editor):
    client = logged_in(editor)
    url = admin_url(StigmatisingTerm, "add")

    response = client.post(
        url, {"term": "user", "suggestion": "person who uses drugs", "allowed_in": ""}
    )

    assert response.status_code == 302
    assert stigmatising_terms("Ask any user.", StigmatisingTerm.objects.all())


def test_api_serves_each_items_reading_grade(client, seed_content):
    topic = client.get("/api/v1/topics/heroin-rehab/").json()
    faqs = client.get("/api/v1/faqs/").json()["results"]

    assert (
        topic["reading_grade"] == Topic.objects.get(slug="heroin-rehab").reading_grade
    )
    assert isinstance(topic["reading_grade"], float)
    assert {faq["id"]: faq["reading_grade"] for faq in faqs} == dict(
        FAQ.objects.published().values_list("id", "reading_grade")
    )

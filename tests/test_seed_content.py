"""The seed fixture: both seed articles entered as structured, reviewed content."""

import datetime
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command

from content.models import (
    FAQ,
    Aspect,
    AspectCell,
    Comparison,
    ComparisonOption,
    Criterion,
    CriterionEffect,
    OptionPoint,
    PublicationStatus,
    Resource,
    Reviewer,
    Section,
    Source,
    Topic,
)
from content.rendering import render_markdown
from content.revisions import content_hash
from content.seeding import load_seed

SEED_FILE = settings.BASE_DIR / "fixtures" / "seed.json"
COMPARISON_SLUG = "inpatient-vs-outpatient-heroin-rehab"
FIXED_TIMESTAMP = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)

CONTENT_MODELS = [
    Reviewer,
    Source,
    Topic,
    Section,
    Comparison,
    ComparisonOption,
    Aspect,
    AspectCell,
    OptionPoint,
    Criterion,
    CriterionEffect,
    FAQ,
    Resource,
]
PUBLISHABLE_MODELS = [Topic, Comparison, FAQ, Resource]
MARKDOWN_MODELS = [Topic, Section, Comparison, FAQ, Resource]

# Seed 001's lists, word for word.
INPATIENT_ESSENTIAL_FOR = [
    "A long history of addiction.",
    "A severe addiction.",
    "A co-occurring mental illness.",
    "An unsafe or unstable place to live.",
    "Little support at home or in the community.",
]
OUTPATIENT_NEEDS = [
    "A safe and stable living situation.",
    "A high level of support at home and in the community.",
    "Good physical and mental health, aside from the addiction.",
    "Reliable transportation to get to their daily treatment sessions.",
    "A high level of intrinsic motivation to recover.",
]
INPATIENT_BENEFITS = [
    "It offers around-the-clock support and supervision.",
    "It enables you to focus solely on recovery without stressors and triggers "
    "getting in the way.",
    "It helps you develop healthy lifestyle habits that will stick after treatment.",
    "It provides a safe, supportive, and structured environment for recovery.",
]
OUTPATIENT_BENEFITS = [
    "It enables you to continue working, caring for the family, or attending "
    "school while in treatment.",
    "It’s less expensive than inpatient treatment.",
    "It offers the opportunity to put the skills you’re learning to use in the "
    "“real” world right away.",
]

# Seed 000's Q&A, word for word.
SEED_QUESTIONS_AND_ANSWERS = [
    (
        "What is the primary difference in living arrangements between inpatient "
        "and outpatient heroin rehab?",
        "Inpatient heroin rehab requires patients to live at the treatment facility "
        "for the duration of their program, while outpatient rehab allows patients "
        "to live at home and attend treatment sessions at scheduled times.",
    ),
    (
        "How does the level of medical supervision differ between inpatient and "
        "outpatient heroin rehab?",
        "Inpatient rehab provides 24/7 medical supervision and support, whereas "
        "outpatient rehab offers medical supervision only during treatment sessions "
        "and relies on patients to manage their own care outside of these times.",
    ),
]

# Facts of the seed articles, and the topic page that must state each one.
TOPIC_FACTS = [
    ("heroin-rehab", "changes in the physical structures and chemical functions"),
    ("heroin-rehab", "heroin dependence causes withdrawal symptoms"),
    ("heroin-rehab", "can last for months after treatment"),
    ("heroin-rehab", "less than 90 days is of limited effectiveness"),
    ("heroin-rehab", "traditional and complementary therapies"),
    ("heroin-rehab", "coping skills to prevent relapse"),
    ("heroin-rehab", "start with inpatient treatment to stabilize"),
    ("heroin-rehab", "a mental health or addiction professional can help you"),
    ("medical-detox", "muscle aches"),
    ("medical-detox", "abdominal cramps and diarrhea"),
    ("medical-detox", "nausea and vomiting"),
    ("medical-detox", "hot and cold chills"),
    ("medical-detox", "supervised by medical and mental health professionals"),
    ("medical-detox", "reduce the severity of withdrawal symptoms"),
    ("medical-detox", "shorten the duration of detox"),
    ("medication-assisted-treatment", "methadone"),
    ("medication-assisted-treatment", "buprenorphine"),
    ("medication-assisted-treatment", "prevent the onset of withdrawal"),
    ("medication-assisted-treatment", "naltrexone"),
    ("medication-assisted-treatment", "blocks the effects of heroin"),
    ("medication-assisted-treatment", "better treatment outcomes than detox"),
    ("inpatient-rehab", "residential treatment"),
    ("inpatient-rehab", "24/7 medical supervision"),
    ("inpatient-rehab", "28 days to several months"),
    ("inpatient-rehab", "30 to 90 days"),
    ("inpatient-rehab", "less than 90 days is of limited effectiveness"),
    ("inpatient-rehab", "holistic"),
    ("outpatient-rehab", "live at home"),
    ("outpatient-rehab", "several months to a year or more"),
    ("outpatient-rehab", "self-discipline"),
    ("outpatient-rehab", "less expensive than inpatient treatment"),
]


@pytest.fixture
def seed(db):
    load_seed()


@pytest.fixture
def seed_comparison(seed):
    return Comparison.objects.get(slug=COMPARISON_SLUG)


def content_snapshot():
    """Every seed row, many-to-many links included, as serialised data."""
    return {
        model._meta.label: serializers.serialize("python", model.objects.order_by("pk"))
        for model in CONTENT_MODELS
    }


def history_row_count():
    return sum(
        model.objects.count()
        for model in apps.get_app_config("content").get_models()
        if model._meta.model_name.startswith("historical")
    )


def topic_page_text(topic):
    parts = [topic.summary, topic.body_text]
    for section in topic.sections.all():
        parts += [section.heading, section.body_text]
    return "\n".join(parts).lower()


def seed_list(option, effect):
    """The reasons an option's effects give, in question order."""
    return list(
        CriterionEffect.objects.filter(option=option, effect=effect)
        .order_by("criterion__position")
        .values_list("reason", flat=True)
    )


def test_seed_topics_are_published(seed):
    slugs = set(Topic.objects.published().values_list("slug", flat=True))

    assert slugs == {
        "heroin-rehab",
        "medical-detox",
        "medication-assisted-treatment",
        "inpatient-rehab",
        "outpatient-rehab",
    }


def test_seed_subtopics_belong_under_heroin_rehab(seed):
    children = Topic.objects.get(slug="heroin-rehab").children.all()

    assert {child.slug for child in children} == {
        "medical-detox",
        "medication-assisted-treatment",
        "inpatient-rehab",
        "outpatient-rehab",
    }


def test_seed_related_topics_link_both_ways(seed):
    inpatient = Topic.objects.get(slug="inpatient-rehab")
    outpatient = Topic.objects.get(slug="outpatient-rehab")

    assert outpatient in inpatient.related_topics.all()
    assert inpatient in outpatient.related_topics.all()


def test_seed_topics_have_ordered_sections(seed):
    for topic in Topic.objects.all():
        positions = list(topic.sections.values_list("position", flat=True))

        assert len(positions) >= 3, topic.slug
        assert positions == sorted(set(positions)), topic.slug


@pytest.mark.parametrize(("slug", "fact"), TOPIC_FACTS)
def test_seed_topic_page_states_fact(seed, slug, fact):
    topic = Topic.objects.published().get(slug=slug)

    assert fact.lower() in topic_page_text(topic)


def test_seed_sources_cite_nida(seed):
    principles = Source.objects.get(title__startswith="Principles of Drug Addiction")
    medications = Source.objects.get(title__startswith="Medications to Treat Opioid")

    assert principles.publisher == "National Institute on Drug Abuse"
    assert principles.url == (
        "https://nida.nih.gov/publications/"
        "principles-drug-addiction-treatment-research-based-guide-third-edition"
    )
    assert "less than 90 days" in principles.statement
    assert medications.url == (
        "https://nida.nih.gov/publications/research-reports/"
        "medications-to-treat-opioid-addiction/overview"
    )
    assert "better treatment outcomes than detox" in medications.statement


def test_seed_sources_back_the_pages_that_rely_on_them(seed_comparison):
    principles = Source.objects.get(title__startswith="Principles of Drug Addiction")
    medications = Source.objects.get(title__startswith="Medications to Treat Opioid")

    assert principles in seed_comparison.sources.all()
    assert set(principles.topics.values_list("slug", flat=True)) >= {
        "heroin-rehab",
        "inpatient-rehab",
        "outpatient-rehab",
    }
    assert set(medications.topics.values_list("slug", flat=True)) >= {
        "medical-detox",
        "medication-assisted-treatment",
    }


def test_seed_comparison_is_published_under_heroin_rehab(seed_comparison):
    assert Comparison.objects.published().filter(pk=seed_comparison.pk).exists()
    assert seed_comparison.title == "Inpatient vs. outpatient heroin rehab"
    assert seed_comparison.topic.slug == "heroin-rehab"
    assert seed_comparison.introduction_text
    assert seed_comparison.conclusion_text


def test_seed_comparison_options_are_inpatient_then_outpatient(seed_comparison):
    options = list(seed_comparison.options.all())

    assert [option.key for option in options] == ["inpatient", "outpatient"]
    assert [option.topic.slug for option in options] == [
        "inpatient-rehab",
        "outpatient-rehab",
    ]
    assert options[0].favoured_lead == (
        "Inpatient treatment is essential for people who have:"
    )
    assert options[1].required_lead == (
        "Outpatient rehab can work for some people, as long as they have:"
    )


def test_seed_comparison_aspects_have_one_cell_per_option(seed_comparison):
    option_ids = list(seed_comparison.options.values_list("pk", flat=True))
    aspects = list(seed_comparison.aspects.all())

    assert [aspect.key for aspect in aspects] == [
        "living-arrangements",
        "medical-supervision",
        "intensity-and-structure",
        "duration",
        "cost",
        "flexibility",
        "support-and-community",
        "exposure-to-triggers",
    ]
    for aspect in aspects:
        assert list(aspect.cells.values_list("option_id", flat=True)) == option_ids


def test_seed_duration_cells_give_the_seed_ranges(seed_comparison):
    cells = AspectCell.objects.filter(aspect__comparison=seed_comparison)

    inpatient = cells.get(aspect__key="duration", option__key="inpatient")
    outpatient = cells.get(aspect__key="duration", option__key="outpatient")
    assert "28 days to several months" in inpatient.text
    assert "30 to 90 days" in inpatient.text
    assert "several months to a year or more" in outpatient.text.lower()


def test_seed_supervision_cells_contrast_24_7_with_sessions(seed_comparison):
    cells = AspectCell.objects.filter(
        aspect__comparison=seed_comparison, aspect__key="medical-supervision"
    )

    assert "24/7" in cells.get(option__key="inpatient").text
    outpatient = cells.get(option__key="outpatient")
    assert "only during treatment sessions" in outpatient.text.lower()


def test_seed_benefits_match_seed_lists(seed_comparison):
    benefits = OptionPoint.objects.filter(
        option__comparison=seed_comparison, kind="benefit"
    )

    inpatient = benefits.filter(option__key="inpatient").order_by("position")
    outpatient = benefits.filter(option__key="outpatient").order_by("position")
    assert list(inpatient.values_list("text", flat=True)) == INPATIENT_BENEFITS
    assert list(outpatient.values_list("text", flat=True)) == OUTPATIENT_BENEFITS


def test_seed_outpatient_drawbacks_include_self_discipline(seed_comparison):
    drawbacks = OptionPoint.objects.filter(
        option__comparison=seed_comparison, option__key="outpatient", kind="drawback"
    )

    assert any("self-discipline" in point.text for point in drawbacks)


def test_seed_criteria_rebuild_inpatient_essential_list(seed_comparison):
    inpatient = seed_comparison.options.get(key="inpatient")

    assert seed_list(inpatient, "favours") == INPATIENT_ESSENTIAL_FOR


def test_seed_criteria_rebuild_outpatient_requirements_list(seed_comparison):
    outpatient = seed_comparison.options.get(key="outpatient")

    assert seed_list(outpatient, "rules_out") == OUTPATIENT_NEEDS


def test_seed_criteria_answers_mean_having_the_circumstance(seed_comparison):
    answers = {
        (effect.criterion.key, effect.option.key, effect.effect): effect.answer
        for effect in CriterionEffect.objects.filter(
            criterion__comparison=seed_comparison
        ).select_related("criterion", "option")
    }

    assert answers[("long-history", "inpatient", "favours")] == "yes"
    assert answers[("severe-addiction", "inpatient", "favours")] == "yes"
    assert answers[("mental-illness", "inpatient", "favours")] == "yes"
    assert answers[("safe-home", "inpatient", "favours")] == "no"
    assert answers[("support", "inpatient", "favours")] == "no"
    for key in ("safe-home", "support", "good-health", "transportation"):
        assert answers[(key, "outpatient", "rules_out")] == "no"
    assert answers[("motivation", "outpatient", "rules_out")] == "no"


def test_seed_safe_home_criterion_serves_both_lists(seed_comparison):
    criterion = seed_comparison.criteria.get(key="safe-home")

    effects = {
        (effect.option.key, effect.answer, effect.effect): effect.reason
        for effect in criterion.effects.select_related("option")
    }
    assert criterion.question == "Do you have a safe, stable place to live?"
    assert effects == {
        ("inpatient", "no", "favours"): "An unsafe or unstable place to live.",
        ("outpatient", "no", "rules_out"): "A safe and stable living situation.",
    }


def test_seed_criteria_favour_outpatient_for_milder_addiction_and_support(
    seed_comparison,
):
    outpatient = seed_comparison.options.get(key="outpatient")

    favoured = seed_list(outpatient, "favours")
    assert "A milder addiction." in favoured
    assert "A strong support system at home." in favoured


def test_seed_criteria_are_all_public(seed_comparison):
    criteria = seed_comparison.criteria.all()

    assert criteria.count() >= 8
    assert Criterion.objects.published().count() == criteria.count()
    assert all(criterion.question.endswith("?") for criterion in criteria)


def test_seed_faqs_are_published_and_ordered(seed):
    faqs = FAQ.objects.published()

    assert faqs.count() >= 10
    assert faqs.count() == FAQ.objects.count()
    for topic in Topic.objects.filter(faqs__isnull=False).distinct():
        positions = list(topic.faqs.values_list("position", flat=True))
        assert positions == sorted(set(positions)), topic.slug


def test_seed_faqs_cover_subtopics(seed):
    topics_with_faqs = set(
        FAQ.objects.published().values_list("topic__slug", flat=True)
    )

    assert topics_with_faqs >= {
        "heroin-rehab",
        "medical-detox",
        "medication-assisted-treatment",
    }


@pytest.mark.parametrize(("question", "answer"), SEED_QUESTIONS_AND_ANSWERS)
def test_seed_faqs_keep_seed_questions_verbatim(seed, question, answer):
    faq = FAQ.objects.published().get(question=question)

    assert faq.answer == answer
    assert faq.answer_text == answer
    assert faq.topic.slug == "heroin-rehab"
    assert faq.comparison.slug == COMPARISON_SLUG


def test_seed_resources_include_samhsa_helpline(seed):
    helpline = Resource.objects.published().get(slug="samhsa-national-helpline")

    assert helpline.kind == "helpline"
    assert helpline.phone == "1-800-662-4357"
    assert helpline.url == "https://www.samhsa.gov/find-help/national-helpline"
    assert helpline.availability == "24/7, 365 days a year"
    assert "in English and Spanish" in helpline.description_text


def test_seed_resources_include_988_lifeline(seed):
    lifeline = Resource.objects.published().get(kind="crisis_line")

    assert lifeline.name == "988 Suicide & Crisis Lifeline"
    assert (lifeline.phone, lifeline.text_number) == ("988", "988")
    assert lifeline.url == "https://988lifeline.org"


def test_seed_resources_include_treatment_locator(seed):
    locator = Resource.objects.published().get(kind="treatment_locator")

    assert locator.url == "https://findtreatment.gov"
    assert all(resource.region == "US" for resource in Resource.objects.all())


def test_seed_file_omits_promotional_phone_number():
    text = SEED_FILE.read_text(encoding="utf-8")

    assert not re.search(r"429\W{0,3}7690", text)


def test_seed_publishables_carry_review_metadata(seed):
    board = Reviewer.objects.get(name="Rehabinfo Editorial Board")

    for model in PUBLISHABLE_MODELS:
        rows = model.objects.all()
        assert rows.exists(), model.__name__
        for row in rows:
            assert row.status == PublicationStatus.PUBLISHED, row
            assert row.reviewed_by == board, row
            assert row.last_reviewed_on == datetime.date(2026, 11, 23), row
            assert row.next_review_due == datetime.date(2027, 5, 23), row
            assert row.is_public, row


def test_seed_timestamps_survive_loading(seed):
    for model in PUBLISHABLE_MODELS:
        for row in model.objects.all():
            assert row.created_at == FIXED_TIMESTAMP, row
            assert row.updated_at == FIXED_TIMESTAMP, row


def test_seed_rows_pass_model_validation(seed):
    for model in CONTENT_MODELS:
        for row in model.objects.all():
            row.full_clean()


def test_seed_rendered_fields_match_their_markdown(seed):
    checked = 0
    for model in MARKDOWN_MODELS:
        for row in model.objects.all():
            for name in model.markdown_fields:
                html, text = render_markdown(getattr(row, name))
                assert getattr(row, f"{name}_html") == html, (row, name)
                assert getattr(row, f"{name}_text") == text, (row, name)
                checked += 1

    assert checked > 0


def test_seed_loading_twice_changes_nothing(seed):
    before = content_snapshot()
    history_before = history_row_count()

    call_command("loaddata", "seed", verbosity=0)

    assert content_snapshot() == before
    assert history_row_count() == history_before


def test_seed_reviews_are_bound_to_the_seed_content_as_loaded(seed):
    for model in (Topic, Comparison, FAQ, Resource):
        for item in model.objects.all():
            assert item.content_hash == content_hash(item), item
            assert item.review_is_valid, item
            assert item.review_problem() is None, item

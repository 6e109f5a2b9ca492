"""Generate a large, realistic, published corpus for benchmarks.

Every generated row carries a marker (a slug prefix, the generated reviewer,
a ``.invalid`` source address), so the command can tell its own corpus from
editors' content and refuse to touch a database holding the latter.
"""

import random
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from content.models import (
    FAQ,
    NATIONAL,
    Answer,
    Aspect,
    AspectCell,
    Comparison,
    ComparisonOption,
    ContentChange,
    Criterion,
    CriterionEffect,
    Effect,
    OptionPoint,
    PointKind,
    PublicationStatus,
    Resource,
    ResourceKind,
    Reviewer,
    Section,
    Source,
    Topic,
    publish_content_version,
)
from content.models.publication import REVIEW_INTERVAL
from content.rendering import render_markdown

SLUG_PREFIX = "generated-"
REVIEWER_NAME = "Generated corpus review board"
SOURCE_URL_PREFIX = "https://generated-corpus.invalid/sources/"
DEFAULT_TOPICS = 10_000
SOURCE_POOL = 60
# Topics come in groups: a broad topic followed by narrower ones under it.
GROUP_SIZE = 10
SECTIONS_PER_TOPIC = 6
FAQS_PER_TOPIC = 7
COMPARISON_FAQS = 3
RELATED_PER_TOPIC = 2
SOURCES_PER_TOPIC = 2
ASPECTS = 8
CRITERIA = 10
POINTS_PER_KIND = 3
BATCH_TOPICS = 500

SUBSTANCES = [
    "heroin", "fentanyl", "opioid", "alcohol", "methamphetamine", "cocaine",
    "benzodiazepine", "prescription painkiller", "cannabis", "kratom",
]  # fmt: skip
TREATMENTS = [
    "rehab", "medical detox", "medication-assisted treatment", "inpatient rehab",
    "outpatient rehab", "aftercare", "relapse prevention", "family therapy",
    "withdrawal", "recovery support",
]  # fmt: skip
ASPECT_NAMES = [
    "Living arrangements", "Medical supervision", "Duration", "Cost",
    "Intensity", "Support network", "Flexibility", "Privacy",
]  # fmt: skip
PUBLISHERS = [
    "National Institute on Drug Abuse",
    "Substance Abuse and Mental Health Services Administration",
    "Centers for Disease Control and Prevention",
    "World Health Organization",
]
HEADINGS = [
    "What it is", "Who it is for", "What to expect", "How long it lasts",
    "Risks and side effects", "Choosing a program", "Paying for treatment",
    "After treatment", "Getting help to choose", "Common questions",
]  # fmt: skip

# Sentences in the register of the seed articles, recombined into paragraphs.
SENTENCES = [
    "Addiction is caused by changes in the physical structures and chemical "
    "functions of the brain.",
    "These changes affect your thought and behavior patterns, and the "
    "dysfunctional ways of thinking and behaving keep you using.",
    "Dependence causes withdrawal symptoms when you try to stop.",
    "Withdrawal symptoms occur during detox; in medical detox, professionals "
    "give medications to reduce their severity and duration.",
    "Medication-assisted treatment uses medications that reduce cravings and "
    "withdrawal symptoms without producing a high.",
    "Inpatient treatment involves living at a residential treatment facility "
    "while undergoing rehab, with 24/7 supervision.",
    "Outpatient treatment lets you live at home and attend treatment sessions "
    "at scheduled times during the week.",
    "Inpatient programs typically last from 28 days to several months, often "
    "30 to 90 days.",
    "Outpatient programs may extend over several months to a year or more.",
    "The National Institute on Drug Abuse stresses that treatment lasting less "
    "than 90 days is of limited effectiveness.",
    "A high-quality treatment program that takes a holistic approach to rehab "
    "offers the best outcomes.",
    "A holistic program uses a variety of traditional and complementary "
    "therapies to help you address a wide variety of issues.",
    "Behavioral therapies help you develop essential coping skills to prevent relapse.",
    "A mental health or addiction professional can help you choose, depending "
    "on your circumstances, your needs and your preferences.",
    "Family therapy helps repair relationships and builds a home environment "
    "that supports recovery.",
    "Many people need more than one episode of treatment, and relapse does not "
    "mean that treatment has failed.",
    "Support groups offer a place to share experiences with people who "
    "understand what recovery takes.",
    "Health insurance plans cover at least part of the cost of treatment for "
    "substance use disorders.",
    "Co-occurring mental illnesses such as depression or anxiety are treated "
    "at the same time as the addiction.",
    "Aftercare keeps you connected to support once the main program ends.",
    "SAMHSA's National Helpline, 1-800-662-4357, is a free, confidential "
    "treatment referral and information service, open 24/7, 365 days a year.",
    "Ask any program you consider how it measures outcomes and what happens "
    "after discharge.",
]
QUESTIONS = [
    "How long does {t} last?", "Is {t} covered by insurance?",
    "Can I keep working during {t}?", "What happens after {t}?",
    "Who can help me choose {t}?", "Is {t} confidential?",
    "What should I bring to {t}?", "Can my family be involved in {t}?",
    "What if I relapse after {t}?", "How do I find {t} near me?",
]  # fmt: skip
CRITERION_QUESTIONS = [
    "Do you have a safe, stable place to live?", "Is your addiction severe?",
    "Have you had an addiction for a long time?", "Do you have a mental illness?",
    "Do you have people who support your recovery?", "Are you in good health?",
    "Do you have reliable transportation?", "Are you motivated to recover?",
    "Do you have daily responsibilities you cannot leave?",
    "Have you completed an inpatient program?",
]  # fmt: skip


def slug_of(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.sample(SENTENCES, sentences))


def markdown_body(rng: random.Random) -> str:
    """A few paragraphs and a bulleted list with bold lead-ins, like the seed."""
    items = [
        f"- **{rng.choice(HEADINGS)}.** {paragraph(rng, 1)}"
        for _ in range(rng.randint(2, 3))
    ]
    return "\n\n".join([paragraph(rng, 2), "\n".join(items), paragraph(rng, 1)])


def rendered(**markdown_fields: str) -> dict[str, str]:
    """Source, HTML and text of each Markdown field, as save() would store them."""
    fields = {}
    for name, source in markdown_fields.items():
        html, text = render_markdown(source)
        fields.update({name: source, f"{name}_html": html, f"{name}_text": text})
    return fields


def is_generated_corpus_only() -> bool:
    """Whether every content row in the database was made by this command."""
    foreign = [
        Topic.objects.exclude(slug__startswith=SLUG_PREFIX),
        Comparison.objects.exclude(slug__startswith=SLUG_PREFIX),
        FAQ.objects.exclude(topic__slug__startswith=SLUG_PREFIX),
        Resource.objects.exclude(slug__startswith=SLUG_PREFIX),
        Source.objects.exclude(url__startswith=SOURCE_URL_PREFIX),
        Reviewer.objects.exclude(name=REVIEWER_NAME),
    ]
    return not any(queryset.exists() for queryset in foreign)


def delete_generated_corpus() -> None:
    """Delete the corpus table by table, children first.

    A plain ``QuerySet.delete()`` sends signals and writes history row by row,
    which takes minutes for a full corpus; generated rows have no history.
    """
    generated_topic = {"topic__slug__startswith": SLUG_PREFIX}
    in_generated_comparison = {"comparison__slug__startswith": SLUG_PREFIX}
    tables = [
        (OptionPoint, {"option__comparison__slug__startswith": SLUG_PREFIX}),
        (AspectCell, {"aspect__comparison__slug__startswith": SLUG_PREFIX}),
        (CriterionEffect, {"criterion__comparison__slug__startswith": SLUG_PREFIX}),
        (Criterion, in_generated_comparison),
        (Aspect, in_generated_comparison),
        (ComparisonOption, in_generated_comparison),
        (Comparison.sources.through, in_generated_comparison),
        (FAQ, generated_topic),
        (Comparison, {"slug__startswith": SLUG_PREFIX}),
        (Section, generated_topic),
        (Topic.related_topics.through, {"from_topic__slug__startswith": SLUG_PREFIX}),
        (Topic.sources.through, generated_topic),
        (Topic, {"slug__startswith": SLUG_PREFIX}),
        (Source, {"url__startswith": SOURCE_URL_PREFIX}),
        (Resource, {"slug__startswith": SLUG_PREFIX}),
        (Reviewer, {"name": REVIEWER_NAME}),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for model, condition in tables:
            ids, params = (
                model.objects.filter(**condition).values("pk").query.sql_with_params()
            )
            table = connection.ops.quote_name(model._meta.db_table)
            # Materialised first: MySQL-style engines refuse a self-subquery.
            cursor.execute(
                f"DELETE FROM {table} WHERE id IN (SELECT id FROM ({ids}) AS doomed)",
                params,
            )


class CorpusWriter:
    """Writes topics ``start`` to ``stop - 1`` of the corpus with bulk inserts.

    Topic ``n`` is built from a random generator seeded with ``n`` alone, so a
    corpus grown in steps equals one written in a single run. Links point only
    to lower-numbered topics, which exist already.
    """

    def __init__(self, reviewer: Reviewer, sources: list[Source], today):
        self.reviewer = reviewer
        self.sources = sources
        self.review = {
            "status": PublicationStatus.PUBLISHED,
            "last_reviewed_on": today,
            "reviewed_by": reviewer,
            "next_review_due": today + REVIEW_INTERVAL,
        }

    def write(self, start: int, stop: int) -> None:
        for batch_start in range(start, stop, BATCH_TOPICS):
            with transaction.atomic():
                self.write_batch(batch_start, min(stop, batch_start + BATCH_TOPICS))

    def write_batch(self, start: int, stop: int) -> None:
        numbers = range(start, stop)
        # Earlier topics this batch links to: parents and compared neighbours.
        existing = self.topic_ids(
            {leader_of(n) for n in numbers} | {n - 1 for n in numbers if n}
        )
        rngs = {n: random.Random(n) for n in numbers}
        topics = Topic.objects.bulk_create([self.topic(n, rngs[n]) for n in numbers])
        ids = {**existing, **{n: t.pk for n, t in zip(numbers, topics, strict=True)}}
        # Parents are linked afterwards: a broad topic may be in this batch.
        for n, topic in zip(numbers, topics, strict=True):
            if n != leader_of(n):
                topic.parent_id = ids[leader_of(n)]
        Topic.objects.bulk_update(
            [t for n, t in zip(numbers, topics, strict=True) if n != leader_of(n)],
            ["parent"],
        )
        sections, faqs, topic_sources, related = [], [], [], []
        for n, topic in zip(numbers, topics, strict=True):
            rng = rngs[n]
            sections += self.sections(topic, rng)
            faqs += self.faqs(topic, n, rng)
            topic_sources += [
                Topic.sources.through(topic_id=topic.pk, source_id=source.pk)
                for source in rng.sample(self.sources, SOURCES_PER_TOPIC)
            ]
            for other in self.related_numbers(n, rng):
                related_id = ids.get(other) or self.topic_ids({other})[other]
                related += [
                    Topic.related_topics.through(
                        from_topic_id=topic.pk, to_topic_id=related_id
                    ),
                    Topic.related_topics.through(
                        from_topic_id=related_id, to_topic_id=topic.pk
                    ),
                ]
        Section.objects.bulk_create(sections)
        FAQ.objects.bulk_create(faqs)
        Topic.sources.through.objects.bulk_create(topic_sources)
        Topic.related_topics.through.objects.bulk_create(related)
        for n in numbers:
            # Each group compares its first two narrow topics.
            if n % GROUP_SIZE == 2:
                self.comparison(n, ids, rngs[n])

    def topic_ids(self, numbers: set[int]) -> dict[int, int]:
        slugs = {topic_slug(n): n for n in numbers}
        return {
            slugs[slug]: pk
            for slug, pk in Topic.objects.filter(slug__in=slugs).values_list(
                "slug", "pk"
            )
        }

    def topic(self, n: int, rng: random.Random) -> Topic:
        title = topic_title(n)
        return Topic(
            slug=topic_slug(n),
            title=title,
            summary=f"{title}: {paragraph(rng, 1)}",
            **rendered(body=f"{paragraph(rng, 2)}\n\n{paragraph(rng, 2)}"),
            **self.review,
        )

    def sections(self, topic: Topic, rng: random.Random) -> list[Section]:
        headings = rng.sample(HEADINGS, SECTIONS_PER_TOPIC)
        return [
            Section(
                topic=topic,
                position=position,
                heading=heading,
                anchor=slug_of(heading),
                **rendered(body=markdown_body(rng)),
            )
            for position, heading in enumerate(headings)
        ]

    def faqs(self, topic: Topic, n: int, rng: random.Random) -> list[FAQ]:
        subject = topic_title(n).lower()
        return [
            FAQ(
                topic=topic,
                position=position,
                question=question.format(t=subject),
                **rendered(answer=f"{paragraph(rng, 2)}\n\n{paragraph(rng, 1)}"),
                **self.review,
            )
            for position, question in enumerate(rng.sample(QUESTIONS, FAQS_PER_TOPIC))
        ]

    def related_numbers(self, n: int, rng: random.Random) -> list[int]:
        """Earlier topics outside the group: links within it are parent/children."""
        candidates = range(0, leader_of(n))
        return rng.sample(candidates, min(RELATED_PER_TOPIC, len(candidates)))

    def comparison(self, n: int, ids: dict[int, int], rng: random.Random) -> None:
        leader, first, second = leader_of(n), n - 1, n
        title = f"{topic_title(first)} vs. {topic_title(second).lower()}"
        # Bulk inserts, like every row here: no signal renders documents per
        # row; `render_documents` renders the corpus once it is written.
        [comparison] = Comparison.objects.bulk_create(
            [
                Comparison(
                    slug=f"{SLUG_PREFIX}comparison-{n:05d}",
                    title=title,
                    topic_id=ids[leader],
                    summary=paragraph(rng, 1),
                    **rendered(
                        introduction=f"{paragraph(rng, 2)}\n\n{paragraph(rng, 2)}",
                        conclusion=paragraph(rng, 3),
                    ),
                    **self.review,
                )
            ]
        )
        Comparison.sources.through.objects.bulk_create(
            Comparison.sources.through(comparison_id=comparison.pk, source_id=s.pk)
            for s in rng.sample(self.sources, SOURCES_PER_TOPIC)
        )
        options = ComparisonOption.objects.bulk_create(
            ComparisonOption(
                comparison=comparison,
                position=position,
                key=f"option-{position + 1}",
                name=topic_title(number),
                summary=paragraph(rng, 1),
                topic_id=ids[number],
                favoured_lead=f"{topic_title(number)} is essential for people with:",
                required_lead=f"{topic_title(number)} can work for people with:",
            )
            for position, number in enumerate([first, second])
        )
        OptionPoint.objects.bulk_create(
            OptionPoint(option=option, kind=kind, position=position, text=sentence)
            for option in options
            for kind in PointKind
            for position, sentence in enumerate(rng.sample(SENTENCES, POINTS_PER_KIND))
        )
        aspects = Aspect.objects.bulk_create(
            Aspect(comparison=comparison, position=p, key=slug_of(name), name=name)
            for p, name in enumerate(ASPECT_NAMES[:ASPECTS])
        )
        AspectCell.objects.bulk_create(
            AspectCell(aspect=aspect, option=option, text=paragraph(rng, 1))
            for aspect in aspects
            for option in options
        )
        criteria = Criterion.objects.bulk_create(
            Criterion(
                comparison=comparison,
                position=p,
                key=slug_of(question)[:50],
                question=question,
                is_published=True,
            )
            for p, question in enumerate(CRITERION_QUESTIONS[:CRITERIA])
        )
        # Each criterion favours one option on one answer and rules out the other.
        CriterionEffect.objects.bulk_create(
            CriterionEffect(
                criterion=criterion,
                option=option,
                answer=rng.choice(Answer.values),
                effect=effect,
                reason=rng.choice(SENTENCES)[:300],
            )
            for criterion in criteria
            for option, effect in zip(
                rng.sample(options, 2), [Effect.FAVOURS, Effect.RULES_OUT], strict=True
            )
        )
        FAQ.objects.bulk_create(
            FAQ(
                topic_id=ids[leader],
                comparison=comparison,
                position=FAQS_PER_TOPIC + position,
                question=question.format(t=title.lower()),
                **rendered(answer=paragraph(rng, 2)),
                **self.review,
            )
            for position, question in enumerate(rng.sample(QUESTIONS, COMPARISON_FAQS))
        )


def leader_of(n: int) -> int:
    return n - n % GROUP_SIZE


def topic_slug(n: int) -> str:
    return f"{SLUG_PREFIX}topic-{n:05d}"


def topic_title(n: int) -> str:
    substance = SUBSTANCES[(n // GROUP_SIZE) % len(SUBSTANCES)]
    if n == leader_of(n):
        return f"{substance.capitalize()} addiction treatment {n // GROUP_SIZE + 1}"
    treatment = TREATMENTS[n % GROUP_SIZE]
    return f"{substance.capitalize()} {treatment} {n // GROUP_SIZE + 1}"


def shared_rows(today) -> tuple[Reviewer, list[Source]]:
    """The reviewer, source pool and help resources every topic shares."""
    reviewer, _ = Reviewer.objects.get_or_create(
        name=REVIEWER_NAME,
        defaults={
            "credentials": "Benchmark data, not reviewed",
            "is_organisation": True,
        },
    )
    if not Source.objects.filter(url__startswith=SOURCE_URL_PREFIX).exists():
        rng = random.Random("sources")
        Source.objects.bulk_create(
            Source(
                title=f"{rng.choice(TREATMENTS).capitalize()}: a research guide {n}",
                publisher=PUBLISHERS[n % len(PUBLISHERS)],
                url=f"{SOURCE_URL_PREFIX}{n}",
                statement=paragraph(rng, 2),
            )
            for n in range(SOURCE_POOL)
        )
    if not Resource.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        Resource.objects.bulk_create(
            Resource(
                slug=f"{SLUG_PREFIX}{kind.value}",
                name=f"Generated {kind.label.lower()}",
                kind=kind,
                phone="1-800-555-0100",
                url=f"https://generated-corpus.invalid/resources/{kind.value}",
                region=NATIONAL,
                **rendered(description=paragraph(random.Random(kind.value), 2)),
                status=PublicationStatus.PUBLISHED,
                last_reviewed_on=today,
                reviewed_by=reviewer,
                next_review_due=today + REVIEW_INTERVAL,
            )
            for kind in ResourceKind
        )
    sources = list(
        Source.objects.filter(url__startswith=SOURCE_URL_PREFIX).order_by("pk")
    )
    return reviewer, sources


class Command(BaseCommand):
    help = (
        "Generate a published benchmark corpus (topics with sections, FAQs, "
        "sources and comparisons). Refuses to run on a database holding any "
        "content it did not generate. Running again grows the corpus to "
        "--topics; --replace deletes the generated corpus first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--topics",
            type=int,
            default=DEFAULT_TOPICS,
            help=f"Number of topics (default {DEFAULT_TOPICS}).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the generated corpus and write it again.",
        )

    def handle(self, *args, topics: int, replace: bool, **options):
        if topics < 1:
            raise CommandError("--topics must be 1 or more.")
        if not is_generated_corpus_only():
            raise CommandError(
                "This database holds content that generate_corpus did not make "
                "(editors' or seed content). Run it on an empty database."
            )
        if replace:
            delete_generated_corpus()
        existing = Topic.objects.filter(slug__startswith=SLUG_PREFIX).count()
        if existing >= topics:
            self.stdout.write(
                f"The corpus already has {existing} topics: nothing to add. "
                "Use --replace to write it again."
            )
            return
        today = timezone.localdate()
        reviewer, sources = shared_rows(today)
        CorpusWriter(reviewer, sources, today).write(existing, topics)
        # Bulk inserts send no signals: move the content clock on explicitly.
        ContentChange.record()
        publish_content_version()
        self.stdout.write(
            f"Generated topics {existing} to {topics - 1}: the corpus has "
            f"{topics} published topics, "
            f"{Comparison.objects.filter(slug__startswith=SLUG_PREFIX).count()} "
            "comparisons."
        )

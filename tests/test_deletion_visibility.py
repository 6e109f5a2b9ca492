"""Deleting anything never makes hidden content visible.

Visibility depends on relations (an FAQ is public only with its topic and its
comparison), so a delete that unlinks instead of refusing could publish what a
hidden item kept hidden. Every relation between content models is covered:
for each, items on both ends of it, hidden and public, are deleted in turn,
and every other item's visibility must stay as it was.
"""

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from content.models import (
    FAQ,
    Aspect,
    AspectCell,
    Comparison,
    ComparisonOption,
    Criterion,
    CriterionEffect,
    OptionPoint,
    Resource,
    Reviewer,
    Section,
    Source,
    Topic,
)
from content.revisions import start_revision
from content.seeding import content_models
from tests.conftest import reviewed

# Every model whose rows the public can see, with its publication rule.
VISIBLE_MODELS = (Topic, Comparison, FAQ, Resource, Criterion)


def relations():
    """Every foreign key and many-to-many field between content models."""
    found = []
    for model in content_models():
        if model._meta.auto_created:
            continue
        for field in model._meta.get_fields():
            if (
                field.concrete
                and field.is_relation
                and field.related_model is not None
                and field.related_model._meta.app_label == "content"
            ):
                found.append(f"{model.__name__}.{field.name}")
    return sorted(found)


# Relations the world below puts a hidden and a public target on; a new
# relation must be added to the world (and here) before this suite passes.
COVERED_RELATIONS = [
    "Aspect.comparison",
    "AspectCell.aspect",
    "AspectCell.option",
    "Comparison.reviewed_by",
    "Comparison.revision_of",
    "Comparison.sources",
    "Comparison.topic",
    "ComparisonOption.comparison",
    "ComparisonOption.topic",
    "Criterion.comparison",
    "CriterionEffect.criterion",
    "CriterionEffect.option",
    "FAQ.comparison",
    "FAQ.reviewed_by",
    "FAQ.revision_of",
    "FAQ.topic",
    "OptionPoint.option",
    "Resource.reviewed_by",
    "Resource.revision_of",
    "Section.topic",
    "Topic.parent",
    "Topic.related_topics",
    "Topic.reviewed_by",
    "Topic.revision_of",
    "Topic.sources",
]


def visible() -> set[tuple[str, int]]:
    now = timezone.now()
    return {
        (model.__name__, pk)
        for model in VISIBLE_MODELS
        for pk in model.objects.published(now).values_list("pk", flat=True)
    }


def existing(keys) -> set[tuple[str, int]]:
    return {
        (name, pk)
        for name, pk in keys
        if apps.get_model("content", name).objects.filter(pk=pk).exists()
    }


def comparison_with_parts(topic, slug: str, **fields) -> Comparison:
    comparison = Comparison.objects.create(
        slug=slug, title=slug, topic=topic, summary="Two options.", **fields
    )
    options = [
        ComparisonOption.objects.create(
            comparison=comparison, position=n, key=f"option-{n}", name=f"Option {n}"
        )
        for n in range(2)
    ]
    aspect = Aspect.objects.create(comparison=comparison, key="cost", name="Cost")
    criterion = Criterion.objects.create(
        comparison=comparison, key="home", question="Safe home?", is_published=True
    )
    for option in options:
        AspectCell.objects.create(aspect=aspect, option=option, text="Varies.")
        OptionPoint.objects.create(option=option, text="A point.")
        CriterionEffect.objects.create(
            criterion=criterion,
            option=option,
            answer="no",
            effect="rules_out",
            reason="No safe home.",
        )
    return comparison


@pytest.fixture
def world(reviewer, django_user_model):
    """Public and hidden items on both ends of every relation, and revisions."""
    source = Source.objects.create(title="Report", publisher="NIDA")
    public_topic = Topic.objects.create(
        **reviewed(reviewer, slug="public", title="Public", summary="Public.")
    )
    hidden_topic = Topic.objects.create(
        slug="hidden", title="Hidden", summary="Draft.", reviewed_by=reviewer
    )
    for parent in (public_topic, hidden_topic):
        child = Topic.objects.create(
            **reviewed(
                reviewer,
                slug=f"child-of-{parent.slug}",
                title="Child",
                summary="Child.",
                parent=parent,
            )
        )
        child.related_topics.add(public_topic, hidden_topic)
        child.sources.add(source)
        Section.objects.create(topic=parent, heading="Part", anchor="part", body="x")
    public_comparison = comparison_with_parts(
        public_topic, "public-comparison", **reviewed(reviewer)
    )
    hidden_comparison = comparison_with_parts(public_topic, "hidden-comparison")
    comparison_with_parts(hidden_topic, "under-hidden-topic", **reviewed(reviewer))
    for comparison in (public_comparison, hidden_comparison):
        comparison.sources.add(source)
        comparison.options.update(topic=hidden_topic)
        for topic in (public_topic, hidden_topic):
            FAQ.objects.create(
                **reviewed(
                    reviewer,
                    topic=topic,
                    comparison=comparison,
                    question=f"{topic.slug} / {comparison.slug}?",
                    answer="Yes.",
                )
            )
    Resource.objects.create(
        **reviewed(
            reviewer, slug="helpline", name="Helpline", kind="helpline", description="."
        )
    )
    Resource.objects.create(
        slug="draft-line", name="Draft", kind="helpline", description="."
    )
    holder = django_user_model.objects.create_user("holder")
    for model in (Topic, Comparison, FAQ, Resource):
        start_revision(model.objects.published().first(), holder)
    return {"public": public_topic, "hidden": hidden_topic}


def test_every_relation_between_content_models_is_covered():
    assert relations() == COVERED_RELATIONS


@pytest.mark.parametrize(
    "model",
    [
        Topic,
        Section,
        Source,
        Reviewer,
        Comparison,
        ComparisonOption,
        Aspect,
        AspectCell,
        OptionPoint,
        Criterion,
        CriterionEffect,
        FAQ,
        Resource,
    ],
    ids=lambda model: model.__name__,
)
def test_deleting_never_changes_other_items_visibility(world, model):
    assert model.objects.exists()
    for item in model.objects.all():
        before = visible()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    item.delete()
            except ProtectedError:
                pass  # refused: nothing was deleted
            after = visible()
            appeared = after - before
            gone_but_still_there = existing(before - after)
            transaction.set_rollback(True)
        assert not appeared, f"deleting {model.__name__} {item} published {appeared}"
        assert not gone_but_still_there, (
            f"deleting {model.__name__} {item} hid {gone_but_still_there}"
        )


def test_deleting_a_hidden_comparison_keeps_its_faqs_off_every_public_url(
    client, world
):
    hidden = Comparison.objects.get(slug="hidden-comparison")
    faqs_before = client.get("/api/v1/faqs/").json()
    topic_before = client.get("/api/v1/topics/public/").json()

    with pytest.raises(ProtectedError):
        hidden.delete()

    assert client.get("/api/v1/faqs/").json() == faqs_before
    assert client.get("/api/v1/topics/public/").json() == topic_before
    assert FAQ.objects.filter(comparison=hidden).count() == 2


def test_deleting_a_topic_with_sub_topics_is_refused(world):
    with pytest.raises(ProtectedError):
        world["hidden"].delete()

    assert Topic.objects.get(slug="child-of-hidden").parent == world["hidden"]

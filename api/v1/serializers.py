"""Response shapes of API v1. Changes here are additive only (see README)."""

from django.urls import reverse
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from content.assessment import ALLOWED_ANSWERS, NOT_SUGGESTED, POSSIBLE, SUGGESTED
from content.models import (
    FAQ,
    Comparison,
    ComparisonOption,
    Criterion,
    CriterionEffect,
    PointKind,
    Resource,
    Reviewer,
    Section,
    Source,
    Topic,
)
from content.reader import public_url


def absolute_url(request, view_name: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(f"v1:{view_name}", kwargs=kwargs))


# A model in a response: every field is read-only, so always sent. Read-only
# fields are ``required`` in the schema; a model field with ``blank=True`` would
# otherwise be documented as optional although its (possibly empty) value is in
# every response. (A comment, not a docstring: drf-spectacular would publish a
# docstring as the description of every subclass.)
class ResponseModelSerializer(serializers.ModelSerializer):
    def get_extra_kwargs(self):
        extra_kwargs = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra_kwargs.setdefault(name, {})["read_only"] = True
        return extra_kwargs


class RichTextSerializer(serializers.Serializer):
    html = serializers.CharField(help_text="Sanitised HTML.")
    text = serializers.CharField(
        help_text="Plain text; paragraphs split by a blank line."
    )


@extend_schema_field(RichTextSerializer)
class RichTextField(serializers.Field):
    """A Markdown field as its stored, sanitised HTML and plain text."""

    def __init__(self, source_field: str, **kwargs):
        self.source_field = source_field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        return {
            "html": getattr(instance, f"{self.source_field}_html"),
            "text": getattr(instance, f"{self.source_field}_text"),
        }


class ReviewerSerializer(ResponseModelSerializer):
    class Meta:
        model = Reviewer
        fields = ["name", "credentials"]


class ReviewSerializer(serializers.Serializer):
    """Medical review metadata of a publishable item."""

    last_reviewed_on = serializers.DateField(allow_null=True)
    reviewed_by = ReviewerSerializer(allow_null=True)
    next_review_due = serializers.DateField(allow_null=True)


class PublishableSerializer(ResponseModelSerializer):
    review = ReviewSerializer(source="*", read_only=True)
    url = serializers.SerializerMethodField(help_text="This item in the API.")

    view_name: str = ""
    lookup_field = "slug"

    def get_url(self, obj) -> str:
        lookup = getattr(obj, self.lookup_field)
        return absolute_url(
            self.context["request"], self.view_name, **{self.lookup_field: lookup}
        )


class SourceSerializer(ResponseModelSerializer):
    link = serializers.URLField(source="url", help_text="Where to read the source.")

    class Meta:
        model = Source
        fields = ["title", "publisher", "link", "statement"]


class TopicLinkSerializer(PublishableSerializer):
    """A published topic, referred to from elsewhere."""

    view_name = "topic-detail"

    class Meta:
        model = Topic
        fields = ["slug", "title", "summary", "url"]


class ComparisonLinkSerializer(PublishableSerializer):
    view_name = "comparison-detail"

    class Meta:
        model = Comparison
        fields = ["slug", "title", "summary", "url"]


class SectionSerializer(ResponseModelSerializer):
    body = RichTextField("body")

    class Meta:
        model = Section
        fields = ["anchor", "heading", "body"]


class FAQSerializer(PublishableSerializer):
    answer = RichTextField("answer")
    topic = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="Slug of the FAQ's topic."
    )
    # Added beside ``topic`` (a slug, kept as v1 is additive): the link object
    # every other response uses for a topic.
    topic_link = TopicLinkSerializer(
        source="topic", read_only=True, help_text="The FAQ's topic."
    )
    comparison = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    # Declared: the model field's database-dependent maximum is no contract.
    position = serializers.IntegerField(
        read_only=True, help_text="Order within its topic; smaller comes first."
    )

    view_name = "faq-detail"
    lookup_field = "id"

    class Meta:
        model = FAQ
        fields = [
            "id",
            "question",
            "answer",
            "topic",
            "topic_link",
            "comparison",
            "position",
            "url",
            "updated_at",
            "review",
            "reading_grade",
        ]


class NestedFAQSerializer(FAQSerializer):
    """An FAQ inside its topic or comparison page."""

    class Meta(FAQSerializer.Meta):
        fields = ["id", "question", "answer", "url"]


class PublicParentMixin(serializers.Serializer):
    parent = serializers.SerializerMethodField(
        help_text="Broader topic, if it is public."
    )

    @extend_schema_field(TopicLinkSerializer(allow_null=True))
    def get_parent(self, topic):
        # ``parent_is_public`` is annotated by the view with the publication rule.
        if topic.parent_id is None or not topic.parent_is_public:
            return None
        return self.topic_link.to_representation(topic.parent)

    @cached_property
    def topic_link(self):
        # Built once per serializer: building one costs more than using it.
        return TopicLinkSerializer(context=self.context)


class TopicListSerializer(PublicParentMixin, PublishableSerializer):
    view_name = "topic-detail"

    class Meta:
        model = Topic
        fields = [
            "slug",
            "title",
            "summary",
            "parent",
            "url",
            "updated_at",
            "review",
            "reading_grade",
        ]


class TopicDetailSerializer(TopicListSerializer):
    body = RichTextField("body")
    sections = SectionSerializer(many=True, read_only=True)
    faqs = NestedFAQSerializer(many=True, read_only=True, source="public_faqs")
    comparisons = ComparisonLinkSerializer(
        many=True, read_only=True, source="public_comparisons"
    )
    children = TopicLinkSerializer(many=True, read_only=True, source="public_children")
    related_topics = TopicLinkSerializer(
        many=True, read_only=True, source="public_related_topics"
    )
    sources = SourceSerializer(many=True, read_only=True)
    canonical_url = serializers.SerializerMethodField(
        help_text="Preferred address of this topic, for citation and SEO: its "
        "public reader page."
    )

    class Meta(TopicListSerializer.Meta):
        fields = [
            "slug",
            "title",
            "summary",
            "body",
            "sections",
            "faqs",
            "comparisons",
            "parent",
            "children",
            "related_topics",
            "sources",
            "review",
            "reading_grade",
            "url",
            "canonical_url",
            "created_at",
            "updated_at",
        ]

    def get_canonical_url(self, topic) -> str:
        return public_url(self.context["request"], topic)


class OptionSummarySerializer(ResponseModelSerializer):
    class Meta:
        model = ComparisonOption
        fields = ["key", "name"]


class OptionSerializer(ResponseModelSerializer):
    topic = serializers.SerializerMethodField(
        help_text="Topic page describing this option, if public."
    )
    benefits = serializers.SerializerMethodField()
    drawbacks = serializers.SerializerMethodField()

    class Meta:
        model = ComparisonOption
        fields = [
            "key",
            "name",
            "summary",
            "topic",
            "benefits",
            "drawbacks",
            "favoured_lead",
            "required_lead",
        ]

    @extend_schema_field(TopicLinkSerializer(allow_null=True))
    def get_topic(self, option):
        if option.topic_id is None or not option.topic_is_public:
            return None
        return self.topic_link.to_representation(option.topic)

    @cached_property
    def topic_link(self):
        return TopicLinkSerializer(context=self.context)

    def get_benefits(self, option) -> list[str]:
        return [p.text for p in option.points.all() if p.kind == PointKind.BENEFIT]

    def get_drawbacks(self, option) -> list[str]:
        return [p.text for p in option.points.all() if p.kind == PointKind.DRAWBACK]


class AspectCellSerializer(serializers.Serializer):
    option = serializers.CharField(help_text="Key of the option (column).")
    text = serializers.CharField(help_text="Empty if editors left the cell blank.")


class AspectRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    cells = AspectCellSerializer(
        many=True, help_text="One per option, in option order."
    )


class CriterionEffectSerializer(ResponseModelSerializer):
    option = serializers.SlugRelatedField(
        slug_field="key", read_only=True, help_text="Key of the option affected."
    )

    class Meta:
        model = CriterionEffect
        fields = ["option", "answer", "effect", "reason"]


class CriterionSerializer(ResponseModelSerializer):
    effects = CriterionEffectSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["key", "question", "help_text", "effects"]


class ComparisonListSerializer(PublishableSerializer):
    topic = TopicLinkSerializer(read_only=True)
    options = OptionSummarySerializer(many=True, read_only=True)

    view_name = "comparison-detail"

    class Meta:
        model = Comparison
        fields = [
            "slug",
            "title",
            "summary",
            "topic",
            "options",
            "url",
            "updated_at",
            "review",
            "reading_grade",
        ]


class ComparisonDetailSerializer(ComparisonListSerializer):
    introduction = RichTextField("introduction")
    conclusion = RichTextField("conclusion")
    options = OptionSerializer(many=True, read_only=True)
    table = serializers.SerializerMethodField(
        help_text="Rows (aspects) of cells, one per option in option order."
    )
    criteria = CriterionSerializer(
        many=True,
        read_only=True,
        source="public_criteria",
        help_text="Yes/no questions that decide between the options.",
    )
    faqs = NestedFAQSerializer(many=True, read_only=True, source="public_faqs")
    sources = SourceSerializer(many=True, read_only=True)
    canonical_url = serializers.SerializerMethodField(
        help_text="Preferred address of this comparison, for citation and SEO: its "
        "public reader page."
    )

    class Meta(ComparisonListSerializer.Meta):
        fields = [
            "slug",
            "title",
            "summary",
            "introduction",
            "conclusion",
            "topic",
            "options",
            "table",
            "criteria",
            "faqs",
            "sources",
            "review",
            "reading_grade",
            "url",
            "canonical_url",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(AspectRowSerializer(many=True))
    def get_table(self, comparison):
        options = list(comparison.options.all())
        rows = []
        for aspect in comparison.aspects.all():
            text_by_option = {cell.option_id: cell.text for cell in aspect.cells.all()}
            cells = [
                {"option": option.key, "text": text_by_option.get(option.id, "")}
                for option in options
            ]
            rows.append({"key": aspect.key, "name": aspect.name, "cells": cells})
        return AspectRowSerializer(rows, many=True).data

    def get_canonical_url(self, comparison) -> str:
        return public_url(self.context["request"], comparison)


class ResourceSerializer(PublishableSerializer):
    website = serializers.URLField(source="url")
    description = RichTextField("description")
    keywords = serializers.ListField(
        source="keyword_list", child=serializers.CharField(), read_only=True
    )

    view_name = "resource-detail"

    class Meta:
        model = Resource
        fields = [
            "slug",
            "name",
            "kind",
            "phone",
            "text_number",
            "website",
            "description",
            "availability",
            "region",
            "keywords",
            "url",
            "updated_at",
            "review",
            "reading_grade",
        ]


class SearchHitSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=["topic", "comparison", "faq"],
        help_text="Kind of item; with `slug` or `id` it says which detail to fetch.",
    )
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="Short plain-text extract.")
    url = serializers.URLField()
    rank = serializers.FloatField(
        min_value=0,
        help_text="Relevance, 0 or more; higher is more relevant. Compare ranks "
        "only within one search: the scale is not a percentage and differs "
        "between database engines.",
    )
    slug = serializers.CharField(
        allow_null=True, help_text="Slug of a topic or comparison; null for an FAQ."
    )
    id = serializers.IntegerField(
        allow_null=True, help_text="ID of an FAQ; null for a topic or comparison."
    )


class AssessmentQuestionSerializer(ResponseModelSerializer):
    answers = serializers.SerializerMethodField(help_text="Answers a client may send.")

    class Meta:
        model = Criterion
        fields = ["key", "question", "help_text", "answers"]

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=ALLOWED_ANSWERS))
    )
    def get_answers(self, criterion):
        return list(ALLOWED_ANSWERS)


class QuestionnaireSerializer(serializers.Serializer):
    comparison = ComparisonLinkSerializer()
    questions = AssessmentQuestionSerializer(many=True)


class AnswersSerializer(serializers.Serializer):
    """The body of an assessment: answers keyed by question key."""

    answers = serializers.DictField(
        child=serializers.ChoiceField(
            choices=ALLOWED_ANSWERS,
            error_messages={"invalid_choice": 'Must be "yes", "no" or "unsure".'},
        ),
        allow_empty=True,
        help_text='Question key -> "yes", "no" or "unsure". Unanswered questions '
        "may be left out.",
    )

    def validate(self, attrs):
        unknown_fields = sorted(set(self.initial_data) - set(self.fields))
        if unknown_fields:
            raise serializers.ValidationError(
                {name: "Unknown field." for name in unknown_fields}
            )
        return attrs

    def validate_answers(self, answers):
        known = set(self.context["question_keys"])
        unknown = sorted(set(answers) - known)
        if unknown:
            raise serializers.ValidationError(
                f"Unknown question key: {', '.join(unknown)}. Known keys: "
                f"{', '.join(self.context['question_keys'])}."
            )
        return answers


class AssessmentReasonSerializer(serializers.Serializer):
    criterion = serializers.CharField(help_text="Key of the question.")
    question = serializers.CharField()
    answer = serializers.ChoiceField(choices=["yes", "no"])
    reason = serializers.CharField(help_text="The circumstance, in editors' words.")


class AssessmentOptionSerializer(serializers.Serializer):
    key = serializers.CharField(source="option.key")
    name = serializers.CharField(source="option.name")
    verdict = serializers.ChoiceField(choices=[SUGGESTED, POSSIBLE, NOT_SUGGESTED])
    favoured_by = AssessmentReasonSerializer(
        many=True, help_text="Answers that favour this option."
    )
    ruled_out_by = AssessmentReasonSerializer(
        many=True, help_text="Answers that rule this option out."
    )
    unanswered = serializers.ListField(
        child=serializers.CharField(),
        help_text="Keys of questions bearing on this option that were left out "
        "or answered not sure.",
    )


class AssessmentResultSerializer(serializers.Serializer):
    comparison = ComparisonLinkSerializer()
    options = AssessmentOptionSerializer(
        many=True, source="results", help_text="Every option, best first."
    )
    ranking = serializers.ListField(
        child=serializers.CharField(), help_text="Option keys, best first."
    )
    summary = serializers.CharField(help_text="One sentence built from the verdicts.")
    disclaimer = serializers.CharField()
    help = ResourceSerializer(many=True, help_text="National help resources.")


# The change feed and the snapshot (feed/): declared here for the schema; the
# views build these shapes from the feed's own records.

DOCUMENT_KINDS = ["topic", "comparison", "faq", "resource"]
CHANGE_TYPES = ["published", "updated", "unpublished", "deleted"]
# (Their enums are named in settings.SPECTACULAR_SETTINGS: other shapes have a
# ``kind`` and a ``type`` too.)


class ChangeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        CHANGE_TYPES,
        help_text="What the public saw happen at this address. `unpublished` "
        "and `deleted` are tombstones: remove your copy.",
    )
    kind = serializers.ChoiceField(DOCUMENT_KINDS)
    lookup = serializers.CharField(
        help_text="How the API addresses the item: a slug, or an FAQ's id."
    )
    url = serializers.URLField(help_text="The item's detail URL.")
    etag = serializers.CharField(
        allow_null=True,
        help_text="The ETag that URL answers with now on this host; null when "
        "the address shows nothing now (a tombstone, or an entry a later "
        "tombstone overtook).",
    )
    at = serializers.DateTimeField(help_text="When the feed recorded the change.")


class ChangesPageSerializer(serializers.Serializer):
    entries = ChangeSerializer(many=True, help_text="Oldest first.")
    next = serializers.CharField(
        help_text="Opaque cursor: send it as `since` to read on from here."
    )
    more = serializers.BooleanField(
        help_text="Whether more entries follow `next` already; if not, poll later."
    )
    snapshot = serializers.URLField(
        help_text="The snapshot of all published content, to start from."
    )


@extend_schema_field(
    {
        "oneOf": [
            {"$ref": "#/components/schemas/TopicDetail"},
            {"$ref": "#/components/schemas/ComparisonDetail"},
            {"$ref": "#/components/schemas/FAQ"},
            {"$ref": "#/components/schemas/Resource"},
        ],
        "description": "The document exactly as its URL serves it (by `kind`).",
    }
)
class DetailDocumentField(serializers.JSONField):
    pass


class SnapshotDocumentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(DOCUMENT_KINDS)
    lookup = serializers.CharField()
    url = serializers.URLField()
    etag = serializers.CharField(help_text="The ETag its URL answers with.")
    modified_at = serializers.DateTimeField(
        help_text="When its bytes last changed (its URL's Last-Modified)."
    )
    body = DetailDocumentField()


class SnapshotSerializer(serializers.Serializer):
    format = serializers.ChoiceField(["rehabinfo-snapshot"])
    version = serializers.IntegerField(
        help_text="The bundle's format version; 1. A new version is a new shape."
    )
    cursor = serializers.CharField(
        help_text="The feed cursor this bundle corresponds to: read "
        "`/changes/?since=` it next."
    )
    created_at = serializers.DateTimeField()
    documents = SnapshotDocumentSerializer(
        many=True, help_text="Every published item's detail document."
    )

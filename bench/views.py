"""Reference points for ``make bench``, mounted only with BENCHMARK_VIEWS on.

- ``floor``: a constant JSON response from a plain Django view, through the
  same middleware stack as the API: what the framework costs with no work.
- ``baseline_topic_detail``: the topic detail body produced the way a plain
  DRF implementation would, with nested ModelSerializers that query each
  relation as they reach it (no prefetching, no response cache, no
  validators), to compare the real endpoint's cold path with.
"""

from django.http import JsonResponse
from django.utils import timezone
from rest_framework import generics, serializers

from api.v1.serializers import (
    ComparisonLinkSerializer,
    NestedFAQSerializer,
    TopicDetailSerializer,
    TopicLinkSerializer,
)
from content.models import FAQ, Comparison, Topic

FLOOR_BODY = {"status": "ok", "service": "rehabinfo", "benchmark": "floor"}


def floor(request):
    return JsonResponse(FLOOR_BODY)


class NaiveTopicDetailSerializer(TopicDetailSerializer):
    """The topic detail's fields, each public relation queried on its own."""

    faqs = serializers.SerializerMethodField()
    comparisons = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()
    related_topics = serializers.SerializerMethodField()

    def get_parent(self, topic):
        if topic.parent_id is None or not topic.parent.is_public:
            return None
        return TopicLinkSerializer(topic.parent, context=self.context).data

    def get_faqs(self, topic):
        faqs = FAQ.objects.published().filter(topic=topic)
        return NestedFAQSerializer(faqs, many=True, context=self.context).data

    def get_comparisons(self, topic):
        comparisons = Comparison.objects.published().filter(topic=topic)
        return ComparisonLinkSerializer(
            comparisons, many=True, context=self.context
        ).data

    def get_children(self, topic):
        children = Topic.objects.published().filter(parent=topic)
        return TopicLinkSerializer(children, many=True, context=self.context).data

    def get_related_topics(self, topic):
        related = topic.related_topics.published()
        return TopicLinkSerializer(related, many=True, context=self.context).data


class BaselineTopicDetail(generics.RetrieveAPIView):
    serializer_class = NaiveTopicDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Topic.objects.published(timezone.now())


baseline_topic_detail = BaselineTopicDetail.as_view()

"""Read-only public endpoints of API v1.

Querysets are built per request in ``get_queryset()`` so the publication
window is evaluated at request time, and every public read, nested children
included, goes through ``published()``.
"""

import gzip
import json

from django.http import Http404, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.utils.mediatypes import _MediaType
from rest_framework.views import APIView

from api.caching import ConditionalGetMixin
from api.filtering import StrictQueryParametersMixin
from api.jsonld import JSONLD_MEDIA_TYPE, JSONLDRenderer
from api.pagination import StrictLimitOffsetPagination
from content.assessment import DISCLAIMER, assess, questionnaire
from content.models import (
    FAQ,
    NATIONAL,
    Comparison,
    Resource,
    Topic,
)
from content.search import search
from feed import changes, cursors, snapshot
from partners.keys import KEY_QUERY_PARAMETER
from publishing import documents, purge

from . import schema
from .filters import ComparisonFilter, FAQFilter, ResourceFilter, TopicFilter
from .serializers import (
    AnswersSerializer,
    AssessmentResultSerializer,
    ComparisonDetailSerializer,
    ComparisonListSerializer,
    FAQSerializer,
    QuestionnaireSerializer,
    ResourceSerializer,
    SearchHitSerializer,
    TopicDetailSerializer,
    TopicListSerializer,
)

JSON_RENDERERS = (JSONRenderer, JSONLDRenderer)

MAX_QUERY_LENGTH = 200
BLANK = " \t\r\n"  # The schema's pattern for q says the same: not only these.


class PublicViewSet(
    StrictQueryParametersMixin, ConditionalGetMixin, viewsets.ReadOnlyModelViewSet
):
    """Reads of published items, served from their stored documents
    (``publishing.documents``): a list page is assembled from stored entries,
    a detail is one stored body. The serializers declare the shapes (for the
    schema) and render the documents; they do not run here."""

    detail_serializer_class = None
    # Actions that also answer ``Accept: application/ld+json``.
    jsonld_actions: tuple[str, ...] = ()
    # Set by actions counted apart in partners' usage (the widget: "embed").
    usage_family = ""
    # Widget actions also take the partner key as ``?key=`` (api.authentication).
    key_in_query = False
    document_kind = ""  # a kind of publishing.documents.KINDS

    def allowed_query_parameters(self):
        if self.action == "widget":
            return {KEY_QUERY_PARAMETER}
        return super().allowed_query_parameters()

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action in self.jsonld_actions:
            renderers.append(JSONLDRenderer())
        return renderers

    def wants_jsonld(self) -> bool:
        return self.request.accepted_renderer.media_type == JSONLD_MEDIA_TYPE

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return self.serializer_class

    def get_queryset(self):
        return self.queryset.model.objects.published(timezone.now())

    def stored(self, body: bytes, keys: str, modified_at=None, valid_until=None):
        """A response of stored JSON, for this request's origin, tagged with
        the surrogate keys of what it shows (``publishing.purge``)."""
        origin = f"{self.request.scheme}://{self.request.get_host()}"
        body = documents.for_origin(body, origin)
        renderer = self.request.accepted_renderer
        accepted = _MediaType(self.request.accepted_media_type)
        if isinstance(renderer, JSON_RENDERERS) and "indent" not in accepted.params:
            response = HttpResponse(body, content_type=renderer.media_type)
        else:  # Indented JSON, or the browsable API (DEBUG only).
            response = Response(json.loads(body))
        # The document's own time (public_freshness); lists take the content's.
        response.modified_at = modified_at
        purge.tag(response, keys)
        # Until when the response cache may keep it (api.response_cache).
        response.valid_until = valid_until
        return response

    def document(self, representation: str):
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        found = documents.find(self.document_kind, lookup, representation)
        if found is None:
            name = self.queryset.model._meta.object_name
            raise Http404(f"No {name} matches the given query.")
        return self.stored(
            bytes(found.body),
            found.surrogate_keys,
            found.modified_at,
            found.valid_until,
        )

    def retrieve(self, request, *args, **kwargs):
        if self.wants_jsonld():
            return self.document(documents.KINDS[self.document_kind].jsonld_detail)
        return self.document(documents.DETAIL)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        ids = self.paginate_queryset(queryset.values_list("pk", flat=True))
        entries = documents.entries(self.document_kind, ids)
        envelope = self.paginator.get_paginated_response([]).data
        body = documents.list_body(documents.render(envelope), entries)
        return self.stored(body, purge.LIST_KEY)


@schema.topics
class TopicViewSet(PublicViewSet):
    """Subject pages, such as heroin rehab or medical detox."""

    queryset = Topic.objects.all()
    serializer_class = TopicListSerializer
    detail_serializer_class = TopicDetailSerializer
    filterset_class = TopicFilter
    ordering_fields = ["title", "updated_at", "created_at"]
    ordering = ["title"]
    lookup_field = "slug"
    jsonld_actions = ("retrieve",)
    document_kind = "topic"

    @action(detail=True, renderer_classes=[JSONLDRenderer, JSONRenderer])
    def faqpage(self, request, slug=None):
        """The topic's FAQs as schema.org FAQPage JSON-LD."""
        return self.document("faqpage")

    @action(detail=True, renderer_classes=[JSONLDRenderer, JSONRenderer])
    def medicalwebpage(self, request, slug=None):
        """The topic as schema.org MedicalWebPage JSON-LD."""
        return self.document("medicalwebpage")

    @action(detail=True, key_in_query=True, usage_family="embed")
    def widget(self, request, slug=None):
        """Everything the script widget shows of a topic's FAQs, in one response."""
        return self.document(documents.WIDGET)


@schema.comparisons
class ComparisonViewSet(PublicViewSet):
    """Side-by-side comparisons of treatment options, with deciding criteria."""

    queryset = Comparison.objects.all()
    serializer_class = ComparisonListSerializer
    detail_serializer_class = ComparisonDetailSerializer
    filterset_class = ComparisonFilter
    ordering_fields = ["title", "updated_at", "created_at"]
    ordering = ["title"]
    lookup_field = "slug"
    jsonld_actions = ("retrieve",)
    document_kind = "comparison"

    @action(detail=True, renderer_classes=[JSONLDRenderer, JSONRenderer])
    def faqpage(self, request, slug=None):
        """The comparison's FAQs as schema.org FAQPage JSON-LD."""
        return self.document("faqpage")

    @action(detail=True, key_in_query=True, usage_family="embed")
    def widget(self, request, slug=None):
        """Everything the script widget shows of a comparison's FAQs, at once."""
        return self.document(documents.WIDGET)


@schema.faqs
class FAQViewSet(PublicViewSet):
    """Questions and answers, for apps and for partner sites to embed."""

    queryset = FAQ.objects.all()
    serializer_class = FAQSerializer
    filterset_class = FAQFilter
    ordering_fields = ["position", "updated_at", "created_at"]
    ordering = ["topic__title", "position"]
    lookup_field = "id"
    lookup_value_regex = r"[0-9]{1,18}"
    document_kind = "faq"


@schema.resources
class ResourceViewSet(PublicViewSet):
    """Where to get help: helplines, crisis lines, treatment locators."""

    queryset = Resource.objects.all()
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter
    ordering_fields = ["name", "updated_at", "created_at"]
    ordering = ["name"]
    lookup_field = "slug"
    document_kind = "resource"


@schema.search
class SearchView(StrictQueryParametersMixin, ConditionalGetMixin, APIView):
    """One ranked list of topics, comparisons and FAQs matching a query."""

    pagination_class = StrictLimitOffsetPagination
    detail_urls = {"topic": "slug", "comparison": "slug", "faq": "id"}

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            self._paginator = self.pagination_class()
        return self._paginator

    def allowed_query_parameters(self):
        return {
            "q",
            self.paginator.limit_query_param,
            self.paginator.offset_query_param,
        }

    def get(self, request):
        query = request.query_params.get("q", "").strip(BLANK)
        if not query:
            raise ValidationError({"q": "Required: the words to search for."})
        if len(query) > MAX_QUERY_LENGTH:
            raise ValidationError({"q": f"At most {MAX_QUERY_LENGTH} characters."})
        if "\x00" in query:
            # PostgreSQL refuses NUL in text; refused alike on every database.
            raise ValidationError({"q": "Must not contain NUL characters."})
        hits = search(query, timezone.now())
        page = self.paginator.paginate_queryset(hits, request, view=self)
        results = [
            {
                "type": hit.kind,
                "title": hit.title,
                "snippet": hit.snippet,
                "url": reverse(
                    f"v1:{hit.kind}-detail",
                    kwargs={
                        self.detail_urls[hit.kind]: getattr(
                            hit.obj, self.detail_urls[hit.kind]
                        )
                    },
                    request=request,
                ),
                "rank": hit.rank,
                "slug": None if hit.kind == "faq" else hit.obj.slug,
                "id": hit.obj.id if hit.kind == "faq" else None,
            }
            for hit in page
        ]
        response = self.paginator.get_paginated_response(
            SearchHitSerializer(results, many=True).data
        )
        purge.tag(response, purge.SEARCH_KEY)
        return response


@schema.root
class RootView(StrictQueryParametersMixin, ConditionalGetMixin, APIView):
    """Links to every collection of API v1 and to its documentation."""

    def get(self, request):
        return Response(
            {
                name: reverse(f"v1:{url_name}", request=request)
                for name, url_name in schema.ROOT_LINKS.items()
            }
        )


@schema.assessment
class AssessmentView(StrictQueryParametersMixin, ConditionalGetMixin, APIView):
    """A short questionnaire that suggests which option of a comparison fits.

    GET returns the questions. POST the answers to get, for every option, a
    verdict with the reasons in the editors' words. Answers are never stored
    or logged, and the result is never cached.
    """

    http_method_names = ["get", "post", "head", "options"]
    max_body_bytes = 8 * 1024
    usage_family = "assessment"  # Counted apart from the comparisons it is under.

    def allowed_query_parameters(self):
        return set()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if request.method == "POST" and (
            not length.isdigit() or int(length) > self.max_body_bytes
        ):
            limit = self.max_body_bytes
            raise ValidationError({"body": f"Must be at most {limit} bytes."})

    def get_comparison(self, slug):
        now = timezone.now()
        comparison = (
            Comparison.objects.published(now)
            .prefetch_related("options")
            .filter(slug=slug)
            .first()
        )
        if comparison is None:
            raise NotFound(f"No published comparison has the slug {slug!r}.")
        return comparison, questionnaire(comparison, now)

    def get(self, request, slug):
        comparison, questions = self.get_comparison(slug)
        return Response(
            QuestionnaireSerializer(
                {"comparison": comparison, "questions": questions},
                context={"request": request},
            ).data
        )

    def post(self, request, slug):
        comparison, questions = self.get_comparison(slug)
        body = AnswersSerializer(
            data=request.data,
            context={"question_keys": [question.key for question in questions]},
        )
        body.is_valid(raise_exception=True)
        result = assess(comparison, questions, body.validated_data["answers"])
        national_help = Resource.objects.published().filter(region=NATIONAL)
        data = AssessmentResultSerializer(
            {
                "comparison": comparison,
                "results": result.results,
                "ranking": [r.option.key for r in result.results],
                "summary": result.summary,
                "disclaimer": DISCLAIMER,
                "help": national_help.select_related("reviewed_by"),
            },
            context={"request": request},
        ).data
        # Health information: no browser, proxy or CDN may keep a copy.
        return Response(data, headers={"Cache-Control": "no-store"})


# The schema and its two viewers: strict about their query like every endpoint.


class SchemaView(StrictQueryParametersMixin, SpectacularAPIView):
    """The OpenAPI 3 schema of v1, YAML or (with Accept) JSON."""

    def allowed_query_parameters(self):
        return set()


class SwaggerView(StrictQueryParametersMixin, SpectacularSwaggerSplitView):
    """Swagger UI; ``?script`` serves its start-up script, as a strict CSP needs."""

    flag_parameters = frozenset({"script"})

    def allowed_query_parameters(self):
        return set(self.flag_parameters)


class RedocView(StrictQueryParametersMixin, SpectacularRedocView):
    """ReDoc."""

    def allowed_query_parameters(self):
        return set()


@schema.changes
class ChangesView(StrictQueryParametersMixin, ConditionalGetMixin, APIView):
    """Every public change in commit order, from a cursor on: what to fetch
    again and what to delete, to keep a copy of the content in sync."""

    default_limit = 100
    max_limit = 500

    def allowed_query_parameters(self):
        return {"since", "limit"}

    def get(self, request):
        now = timezone.now()
        last_sequence = changes.catch_up(now)
        limit = self.page_limit()
        since = request.query_params.get("since")
        entries, more, position = [], False, last_sequence
        if since is not None:
            try:
                position = cursors.decode(
                    since, last_sequence, changes.pruned_through()
                )
            except (cursors.InvalidCursor, cursors.ExpiredCursor) as refused:
                raise ValidationError({"since": str(refused)}) from None
            entries, more = changes.entries_after(position, limit)
            if entries:
                position = entries[-1].sequence
        origin = f"{request.scheme}://{request.get_host()}"
        etags = changes.current_etags(entries, origin, now)
        response = Response(
            {
                "entries": [
                    {
                        "type": change.type,
                        "kind": change.kind,
                        "lookup": change.lookup,
                        "url": self.detail_url(change.kind, change.lookup),
                        "etag": etags.get((change.kind, change.lookup)),
                        "at": change.at,
                    }
                    for change in entries
                ],
                "next": cursors.encode(position),
                "more": more,
                "snapshot": reverse("v1:snapshot", request=request),
            }
        )
        # A page grows with every change: a CDN drops it with the lists.
        purge.tag(response, purge.LIST_KEY)
        return response

    def detail_url(self, kind: str, lookup: str) -> str:
        field_name = documents.KINDS[kind].lookup_field
        return reverse(
            f"v1:{kind}-detail", kwargs={field_name: lookup}, request=self.request
        )

    def page_limit(self) -> int:
        raw = self.request.query_params.get("limit")
        if raw is None:
            return self.default_limit
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_limit:
            raise ValidationError(
                {"limit": f"Must be a whole number from 1 to {self.max_limit}."}
            )
        return int(raw)


@schema.snapshot
class SnapshotView(StrictQueryParametersMixin, ConditionalGetMixin, APIView):
    """Every published item's detail document in one bundle, with the feed
    cursor to follow on from: install it, then read the changes."""

    def allowed_query_parameters(self):
        return set()

    def get(self, request):
        origin = f"{request.scheme}://{request.get_host()}"
        body = snapshot.current(origin, timezone.now())
        if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
            response = HttpResponse(body, content_type="application/json")
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(
                gzip.decompress(body), content_type="application/json"
            )
        patch_vary_headers(response, ["Accept-Encoding"])
        purge.tag(response, purge.LIST_KEY)  # It changes with every change.
        return response

"""OpenAPI documentation of API v1: summaries, examples, error responses.

Kept beside the views so each view module stays about behaviour.
"""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from api.jsonld import JSONLD_MEDIA_TYPE, SCHEMA_ORG
from api.pagination import MAX_OFFSET, StrictLimitOffsetPagination
from partners.keys import KEY_PATTERN

from . import serializers as serializers_v1

SITE = "https://api.rehabinfo.example"
HOST = f"{SITE}/api/v1"
REVIEW = {
    "last_reviewed_on": "2026-11-23",
    "reviewed_by": {"name": "Rehabinfo Editorial Board", "credentials": "MD"},
    "next_review_due": "2027-05-23",
}
TOPIC_LINK = {
    "slug": "heroin-rehab",
    "title": "Heroin rehab",
    "summary": "How heroin rehab works, from detox to ongoing treatment.",
    "url": f"{HOST}/topics/heroin-rehab/",
}
COMPARISON_LINK = {
    "slug": "inpatient-vs-outpatient-heroin-rehab",
    "title": "Inpatient vs. outpatient heroin rehab",
    "summary": "Living at a treatment facility, or at home while attending sessions.",
    "url": f"{HOST}/comparisons/inpatient-vs-outpatient-heroin-rehab/",
}
FAQ_EXAMPLE = {
    "id": 1,
    "question": "What is medical detox?",
    "answer": {
        "html": "<p>Detox supervised by medical and mental health professionals.</p>",
        "text": "Detox supervised by medical and mental health professionals.",
    },
    "topic": "medical-detox",
    "topic_link": {
        "slug": "medical-detox",
        "title": "Medical detox",
        "summary": "Withdrawal managed by medical professionals.",
        "url": f"{HOST}/topics/medical-detox/",
    },
    "comparison": None,
    "position": 1,
    "url": f"{HOST}/faqs/1/",
    "updated_at": "2026-11-23T12:00:00Z",
    "review": REVIEW,
    "reading_grade": 7.4,
}
SOURCE = {
    "title": "Principles of Drug Addiction Treatment: A Research-Based Guide",
    "publisher": "National Institute on Drug Abuse",
    "link": "https://nida.nih.gov/publications/"
    "principles-drug-addiction-treatment-research-based-guide-third-edition",
    "statement": "Treatment lasting less than 90 days is of limited effectiveness.",
}
TOPIC_DETAIL = {
    **TOPIC_LINK,
    "body": {"html": "<p>Heroin rehab is essential…</p>", "text": "Heroin rehab is…"},
    "sections": [
        {
            "anchor": "detox",
            "heading": "Detox",
            "body": {"html": "<p>Detox lets heroin leave the body.</p>", "text": "…"},
        }
    ],
    "faqs": [{k: FAQ_EXAMPLE[k] for k in ("id", "question", "answer", "url")}],
    "comparisons": [COMPARISON_LINK],
    "parent": None,
    "children": [],
    "related_topics": [],
    "sources": [SOURCE],
    "review": REVIEW,
    "reading_grade": 10.3,
    "canonical_url": f"{SITE}/topics/heroin-rehab/",
    "created_at": "2026-11-23T12:00:00Z",
    "updated_at": "2026-11-23T12:00:00Z",
}
COMPARISON_DETAIL = {
    **COMPARISON_LINK,
    "introduction": {"html": "<p>Two approaches…</p>", "text": "Two approaches…"},
    "conclusion": {"html": "<p>The choice depends…</p>", "text": "The choice depends…"},
    "topic": TOPIC_LINK,
    "options": [
        {
            "key": "inpatient",
            "name": "Inpatient rehab",
            "summary": "Live at the facility.",
            "topic": None,
            "benefits": ["It offers around-the-clock support and supervision."],
            "drawbacks": [],
            "favoured_lead": "Inpatient treatment is essential for people who have:",
            "required_lead": "",
        },
        {
            "key": "outpatient",
            "name": "Outpatient rehab",
            "summary": "Live at home.",
            "topic": None,
            "benefits": ["It’s less expensive than inpatient treatment."],
            "drawbacks": [],
            "favoured_lead": "",
            "required_lead": "Outpatient rehab can work for some people, as long "
            "as they have:",
        },
    ],
    "table": [
        {
            "key": "medical-supervision",
            "name": "Medical supervision",
            "cells": [
                {"option": "inpatient", "text": "24/7 medical supervision."},
                {"option": "outpatient", "text": "Only during treatment sessions."},
            ],
        }
    ],
    "criteria": [
        {
            "key": "safe-home",
            "question": "Do you have a safe, stable place to live?",
            "help_text": "",
            "effects": [
                {
                    "option": "inpatient",
                    "answer": "no",
                    "effect": "favours",
                    "reason": "An unsafe or unstable place to live.",
                },
                {
                    "option": "outpatient",
                    "answer": "no",
                    "effect": "rules_out",
                    "reason": "A safe and stable living situation.",
                },
            ],
        }
    ],
    "faqs": TOPIC_DETAIL["faqs"],
    "sources": [SOURCE],
    "review": REVIEW,
    "reading_grade": 11.2,
    "canonical_url": f"{SITE}/comparisons/inpatient-vs-outpatient-heroin-rehab/",
    "created_at": "2026-11-23T12:00:00Z",
    "updated_at": "2026-11-23T12:00:00Z",
}
RESOURCE = {
    "slug": "samhsa-national-helpline",
    "name": "SAMHSA’s National Helpline",
    "kind": "helpline",
    "phone": "1-800-662-4357",
    "text_number": "",
    "website": "https://www.samhsa.gov/find-help/national-helpline",
    "description": {
        "html": "<p>Free, confidential…</p>",
        "text": "Free, confidential…",
    },
    "availability": "24/7, 365 days a year",
    "region": "US",
    "keywords": ["helpline", "treatment referral"],
    "url": f"{HOST}/resources/samhsa-national-helpline/",
    "updated_at": "2026-11-23T12:00:00Z",
    "review": REVIEW,
    "reading_grade": 8.1,
}


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Query parameter or field at fault.")
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details (application/problem+json)."""

    type = serializers.CharField(help_text="Problem type URI; about:blank for now.")
    title = serializers.CharField(help_text="HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, for humans.")
    errors = FieldErrorSerializer(many=True, required=False)


def problem(description: str, status: int, detail: str, errors=None):
    example = {"type": "about:blank", "status": status, "detail": detail}
    example["title"] = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        410: "Gone",
        429: "Too Many Requests",
    }[status]
    if errors:
        example["errors"] = errors
    return OpenApiResponse(
        ProblemSerializer,
        description=description,
        examples=[OpenApiExample(f"{status}", value=example, status_codes=[status])],
    )


BAD_REQUEST = problem(
    "A query parameter is unknown or malformed. The problem names it in "
    "`errors`; for an unknown one the message lists the endpoint's parameters "
    "(and points a `key` to the X-Api-Key header).",
    400,
    "limit: Must be between 1 and 100.",
    [{"field": "limit", "message": "Must be between 1 and 100."}],
)
NOT_FOUND = problem("No published item has this identifier.", 404, "No Topic matches.")
THROTTLED = problem(
    "Rate limit exceeded; retry after the Retry-After seconds.",
    429,
    "Request was throttled. Expected available in 30 seconds.",
)
INVALID_KEY = problem(
    "The X-Api-Key header holds an unknown, malformed, revoked or expired key, "
    "or the key's partner is not active. Requests without a key are allowed.",
    401,
    "This API key has been revoked; use the partner's new key.",
)
ORIGIN_NOT_ALLOWED = problem(
    "The key is valid, but the request comes from a website (Origin, else "
    "Referer) that the partner has not listed among its allowed origins.",
    403,
    "This API key may not be used from https://elsewhere.example: the partner "
    "has not listed that site among its allowed origins.",
)
PROBLEM = "application/problem+json"
KEY_ERRORS = {(401, PROBLEM): INVALID_KEY, (403, PROBLEM): ORIGIN_NOT_ALLOWED}
COMMON_ERRORS = {(400, PROBLEM): BAD_REQUEST, **KEY_ERRORS, (429, PROBLEM): THROTTLED}


def slug_parameter(noun: str) -> OpenApiParameter:
    return OpenApiParameter(
        "slug", str, OpenApiParameter.PATH, description=f"Slug of the {noun}."
    )


FAQ_ID_PARAMETER = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="ID of the FAQ."
)


def page_example(name: str, item: dict) -> OpenApiExample:
    """An example item; drf-spectacular wraps it in the paginated envelope."""
    return OpenApiExample(name, value=item, response_only=True)


def list_and_detail(
    noun: str,
    lookup: OpenApiParameter,
    list_serializer,
    detail_serializer,
    list_example: dict,
    detail_example: dict,
    list_parameters=(),
    jsonld_path: str = "",
    **actions,
):
    detail = OpenApiResponse(detail_serializer)
    if jsonld_path:
        # The JSON-LD is declared once, at its own typed URL: a second media
        # type on this 200 would make every generated client handle a union.
        detail.description = (
            "Sent `Accept: application/ld+json`, this URL answers the "
            f"schema.org JSON-LD documented at `{jsonld_path}` instead."
        )
    return extend_schema_view(
        list=extend_schema(
            summary=f"List published {noun}",
            parameters=list(list_parameters),
            responses={200: list_serializer(many=True), **COMMON_ERRORS},
            examples=[page_example(f"A page of {noun}", list_example)],
        ),
        retrieve=extend_schema(
            summary=f"Get one published {noun.rstrip('s')}",
            parameters=[lookup],
            responses={
                (200, "application/json"): detail,
                (404, PROBLEM): NOT_FOUND,
                **COMMON_ERRORS,
            },
            examples=[OpenApiExample(noun, value=detail_example, response_only=True)],
        ),
        **actions,
    )


# schema.org JSON-LD as api/jsonld.py builds it; schemathesis checks every
# JSON-LD response against these. ``@``-names cannot be attribute names, so
# each serializer lists its fields in ``get_fields()``.


def schema_org_type(*names: str) -> serializers.CharField:
    """The ``@type`` of a node: one schema.org type (a constant) or one of a few."""
    schema = (
        {"type": "string", "const": names[0]}
        if len(names) == 1
        else {"type": "string", "enum": list(names)}
    )
    return extend_schema_field(schema)(serializers.CharField())


class SchemaOrgOrganizationSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "@type": schema_org_type("Organization"),
            "name": serializers.CharField(),
        }


class SchemaOrgReviewerSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "@type": schema_org_type("Organization", "Person"),
            "name": serializers.CharField(),
            "description": serializers.CharField(
                required=False, help_text="Credentials; absent when none."
            ),
        }


class SchemaOrgAnswerSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "@type": schema_org_type("Answer"),
            "text": serializers.CharField(help_text="Plain text, no markup."),
        }


class SchemaOrgQuestionSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "@type": schema_org_type("Question"),
            "name": serializers.CharField(),
            "acceptedAnswer": SchemaOrgAnswerSerializer(),
        }


def page_fields() -> dict:
    """Fields of every page node; the review fields only when reviewed."""
    return {
        "name": serializers.CharField(),
        "url": serializers.URLField(
            help_text="The public reader page showing this (#faqs: its FAQs)."
        ),
        "inLanguage": serializers.CharField(),
        "dateModified": serializers.DateTimeField(),
        "lastReviewed": serializers.DateField(required=False),
        "reviewedBy": SchemaOrgReviewerSerializer(required=False),
    }


class FAQPageEntitySerializer(serializers.Serializer):
    """schema.org FAQPage without ``@context``, as a main entity."""

    def get_fields(self):
        return {
            "@type": schema_org_type("FAQPage"),
            **page_fields(),
            "mainEntity": SchemaOrgQuestionSerializer(many=True),
        }


class FAQPageSerializer(FAQPageEntitySerializer):
    """schema.org FAQPage (application/ld+json) of the published FAQs."""

    def get_fields(self):
        return {"@context": schema_org_type(SCHEMA_ORG), **super().get_fields()}


class SchemaOrgCitationSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "@type": schema_org_type("CreativeWork"),
            "name": serializers.CharField(),
            "publisher": SchemaOrgOrganizationSerializer(),
            "url": serializers.URLField(required=False, help_text="Absent if none."),
        }


class SchemaOrgTherapySerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "@type": schema_org_type("MedicalTherapy"),
            "name": serializers.CharField(),
        }


class MedicalWebPageSerializer(serializers.Serializer):
    """schema.org MedicalWebPage (application/ld+json), FAQs as main entity."""

    def get_fields(self):
        return {
            "@context": schema_org_type(SCHEMA_ORG),
            "@type": schema_org_type("MedicalWebPage"),
            **page_fields(),
            "description": serializers.CharField(),
            "about": SchemaOrgTherapySerializer(),
            "citation": SchemaOrgCitationSerializer(many=True),
            "mainEntity": FAQPageEntitySerializer(),
        }


FAQ_PAGE_EXAMPLE = {
    "@context": "https://schema.org",
    "@type": "FAQPage",
    "name": "Heroin rehab: FAQs",
    "url": f"{SITE}/topics/heroin-rehab/#faqs",
    "inLanguage": "en-US",
    "dateModified": "2026-11-23T12:00:00+00:00",
    "lastReviewed": "2026-11-23",
    "reviewedBy": {"@type": "Organization", "name": "Rehabinfo Editorial Board"},
    "mainEntity": [
        {
            "@type": "Question",
            "name": "What is medical detox?",
            "acceptedAnswer": {
                "@type": "Answer",
                "text": "Detox supervised by medical and mental health professionals.",
            },
        }
    ],
}
MEDICAL_WEB_PAGE_EXAMPLE = {
    "@context": "https://schema.org",
    "@type": "MedicalWebPage",
    "name": "Heroin rehab",
    "description": TOPIC_LINK["summary"],
    "url": f"{SITE}/topics/heroin-rehab/",
    "inLanguage": "en-US",
    "about": {"@type": "MedicalTherapy", "name": "Heroin rehab"},
    "dateModified": "2026-11-23T12:00:00+00:00",
    "lastReviewed": "2026-11-23",
    "reviewedBy": {"@type": "Organization", "name": "Rehabinfo Editorial Board"},
    "citation": [
        {
            "@type": "CreativeWork",
            "name": SOURCE["title"],
            "publisher": {"@type": "Organization", "name": SOURCE["publisher"]},
            "url": SOURCE["link"],
        }
    ],
    "mainEntity": {k: v for k, v in FAQ_PAGE_EXAMPLE.items() if k != "@context"},
}


def jsonld_response(serializer, example: dict) -> OpenApiResponse:
    return OpenApiResponse(
        serializer,
        description=serializer.__doc__,
        examples=[
            OpenApiExample(
                example["@type"],
                value=example,
                media_type=JSONLD_MEDIA_TYPE,
                response_only=True,
            )
        ],
    )


FAQ_PAGE = jsonld_response(FAQPageSerializer, FAQ_PAGE_EXAMPLE)
MEDICAL_WEB_PAGE = jsonld_response(MedicalWebPageSerializer, MEDICAL_WEB_PAGE_EXAMPLE)


class WidgetSerializer(serializers.Serializer):
    """Everything the script widget shows, from one request."""

    title = serializers.CharField(help_text="Title of the topic or comparison.")
    html = serializers.CharField(
        help_text="The widget's content as HTML, rendered from the same template "
        "as the iframe widget: the questions as <details>, the review line, the "
        "national help lines and the credit link. Answers are sanitised; the "
        "rest is escaped text. No scripts, styles or event handlers."
    )
    reader_url = serializers.URLField(help_text="The item's public reader page.")
    jsonld = FAQPageSerializer(
        help_text="The same FAQs as schema.org FAQPage JSON-LD, for the host "
        "page's <head>."
    )


WIDGET_KEY_PARAMETER = OpenApiParameter(
    "key",
    {"type": "string", "pattern": KEY_PATTERN.pattern},
    description="Optional partner key. Widget URLs take it in the query (as "
    "well as in X-Api-Key) so the script widget needs no CORS preflight; it "
    "only works from the partner's allowed origins. Counted as one `embed` "
    "request in the partner's usage.",
)
WIDGET_EXAMPLE = {
    "title": "Heroin rehab",
    "html": "<h2>Heroin rehab: frequently asked questions</h2>\n<details>\n  "
    "<summary>What is medical detox?</summary>…</details>\n"
    '<p class="meta">Last reviewed 23 November 2026 by Rehabinfo Editorial '
    "Board.</p>\n<footer>…</footer>",
    "reader_url": f"{SITE}/topics/heroin-rehab/",
    "jsonld": FAQ_PAGE_EXAMPLE,
}


def widget_action(noun: str) -> dict:
    return extend_schema(
        summary=f"Get a {noun}'s FAQ widget",
        parameters=[slug_parameter(noun), WIDGET_KEY_PARAMETER],
        responses={
            (200, "application/json"): OpenApiResponse(
                WidgetSerializer,
                examples=[
                    OpenApiExample("Widget", value=WIDGET_EXAMPLE, response_only=True)
                ],
            ),
            (404, PROBLEM): NOT_FOUND,
            **COMMON_ERRORS,
        },
    )


def jsonld_action(summary: str, lookup: OpenApiParameter, response: OpenApiResponse):
    return extend_schema(
        summary=summary,
        parameters=[lookup],
        responses={
            (200, JSONLD_MEDIA_TYPE): response,
            (404, PROBLEM): NOT_FOUND,
            **COMMON_ERRORS,
        },
    )


topics = list_and_detail(
    "topics",
    slug_parameter("topic"),
    serializers_v1.TopicListSerializer,
    serializers_v1.TopicDetailSerializer,
    {
        **TOPIC_LINK,
        "parent": None,
        "updated_at": "2026-11-23T12:00:00Z",
        "review": REVIEW,
        "reading_grade": 10.3,
    },
    TOPIC_DETAIL,
    jsonld_path="/api/v1/topics/{slug}/medicalwebpage/",
    faqpage=jsonld_action(
        "Get a topic's FAQs as FAQPage JSON-LD", slug_parameter("topic"), FAQ_PAGE
    ),
    medicalwebpage=jsonld_action(
        "Get a topic as MedicalWebPage JSON-LD",
        slug_parameter("topic"),
        MEDICAL_WEB_PAGE,
    ),
    widget=widget_action("topic"),
)
comparisons = list_and_detail(
    "comparisons",
    slug_parameter("comparison"),
    serializers_v1.ComparisonListSerializer,
    serializers_v1.ComparisonDetailSerializer,
    {
        **COMPARISON_LINK,
        "topic": TOPIC_LINK,
        "options": [
            {"key": "inpatient", "name": "Inpatient rehab"},
            {"key": "outpatient", "name": "Outpatient rehab"},
        ],
        "updated_at": "2026-11-23T12:00:00Z",
        "review": REVIEW,
        "reading_grade": 11.2,
    },
    COMPARISON_DETAIL,
    jsonld_path="/api/v1/comparisons/{slug}/faqpage/",
    faqpage=jsonld_action(
        "Get a comparison's FAQs as FAQPage JSON-LD",
        slug_parameter("comparison"),
        FAQ_PAGE,
    ),
    widget=widget_action("comparison"),
)
faqs = list_and_detail(
    "FAQs",
    FAQ_ID_PARAMETER,
    serializers_v1.FAQSerializer,
    serializers_v1.FAQSerializer,
    FAQ_EXAMPLE,
    FAQ_EXAMPLE,
)
resources = list_and_detail(
    "resources",
    slug_parameter("resource"),
    serializers_v1.ResourceSerializer,
    serializers_v1.ResourceSerializer,
    RESOURCE,
    RESOURCE,
    list_parameters=[
        OpenApiParameter(
            "keyword",
            {"type": "string", "minLength": 1, "maxLength": 100},
            description="Word to look for in the name, keywords and description.",
        )
    ],
)


def page_parameters() -> list[OpenApiParameter]:
    """``limit`` and ``offset`` of a view that pages without being a list action."""
    paginator = StrictLimitOffsetPagination
    return [
        OpenApiParameter(
            paginator.limit_query_param,
            {
                "type": "integer",
                "minimum": 1,
                "maximum": paginator.max_limit,
                "default": paginator.default_limit,
            },
            description=paginator.limit_query_description,
        ),
        OpenApiParameter(
            paginator.offset_query_param,
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
            description=paginator.offset_query_description,
        ),
    ]


search = extend_schema_view(
    get=extend_schema(
        summary="Search topics, comparisons and FAQs",
        parameters=[
            OpenApiParameter(
                "q",
                {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    # Something besides blanks, and no NUL anywhere (the hook
                    # below adds that only to parameters without a pattern).
                    "pattern": r"^[^\u0000]*[^ \t\r\n\u0000][^\u0000]*$",
                },
                required=True,
                description="Words to search for (1 to 200 characters, not only "
                "spaces, no NUL).",
            ),
            *page_parameters(),
        ],
        responses={
            200: serializers_v1.SearchHitSerializer(many=True),
            **COMMON_ERRORS,
        },
        examples=[
            page_example(
                "Search for naltrexone",
                {
                    "type": "topic",
                    "title": "Medication-assisted treatment",
                    "snippet": "…A newer drug, naltrexone, can be taken after detox…",
                    "url": f"{HOST}/topics/medication-assisted-treatment/",
                    "rank": 0.6,
                    "slug": "medication-assisted-treatment",
                    "id": None,
                },
            )
        ],
    )
)

# What the root links to: its field name -> URL name (namespace v1).
ROOT_LINKS = {
    "topics": "topic-list",
    "comparisons": "comparison-list",
    "faqs": "faq-list",
    "resources": "resource-list",
    "search": "search",
    "changes": "changes",
    "snapshot": "snapshot",
    "schema": "schema",
    "docs": "swagger-ui",
    "redoc": "redoc",
}

root = extend_schema_view(
    get=extend_schema(
        summary="Links to every collection",
        tags=["root"],
        responses={
            200: inline_serializer(
                "ApiRoot", {name: serializers.URLField() for name in ROOT_LINKS}
            ),
            **COMMON_ERRORS,
        },
        examples=[
            OpenApiExample(
                "Root",
                value={
                    "topics": f"{HOST}/topics/",
                    "comparisons": f"{HOST}/comparisons/",
                    "faqs": f"{HOST}/faqs/",
                    "resources": f"{HOST}/resources/",
                    "search": f"{HOST}/search/",
                    "changes": f"{HOST}/changes/",
                    "snapshot": f"{HOST}/snapshot/",
                    "schema": f"{HOST}/schema/",
                    "docs": f"{HOST}/docs/",
                    "redoc": f"{HOST}/redoc/",
                },
                response_only=True,
            )
        ],
    )
)


CURSOR = "eyJ2IjoxLCJzIjo0Mn0:1vPz4d:Qm3a0G9m2c1xS8WkqJrY4T6bVh0uLZ5dNcE7pFjHs2A"
changes = extend_schema_view(
    get=extend_schema(
        summary="Follow the changes to published content",
        tags=["changes"],
        parameters=[
            OpenApiParameter(
                "since",
                {"type": "string", "minLength": 1, "maxLength": 200},
                description="A cursor from `next` (or a snapshot's `cursor`): "
                "the entries after it. Without it, no entries and a cursor for "
                "now. A cursor is opaque; one that is malformed, older than 90 "
                "days or from another feed is a 400 naming `since`: start again "
                "from the snapshot.",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 500},
                description="Entries per page (1 to 500; 100 by default).",
            ),
        ],
        responses={
            200: serializers_v1.ChangesPageSerializer,
            (400, PROBLEM): problem(
                "`since` is not a cursor of this feed, or has expired (start "
                "again from the snapshot); or `limit` is out of range.",
                400,
                "since: Not a cursor of this feed.",
                [{"field": "since", "message": "Not a cursor of this feed."}],
            ),
            **KEY_ERRORS,
            (429, PROBLEM): THROTTLED,
        },
        examples=[
            OpenApiExample(
                "A page of changes",
                value={
                    "entries": [
                        {
                            "type": "updated",
                            "kind": "topic",
                            "lookup": "heroin-rehab",
                            "url": f"{HOST}/topics/heroin-rehab/",
                            "etag": '"3f0c5e1a9b7d2c4e6f8a0b1c2d3e4f5a6b7c8d9e"',
                            "at": "2026-11-23T12:00:00Z",
                        },
                        {
                            "type": "unpublished",
                            "kind": "faq",
                            "lookup": "17",
                            "url": f"{HOST}/faqs/17/",
                            "etag": None,
                            "at": "2026-11-23T12:05:00Z",
                        },
                    ],
                    "next": CURSOR,
                    "more": False,
                    "snapshot": f"{HOST}/snapshot/",
                },
                response_only=True,
            )
        ],
    )
)

snapshot = extend_schema_view(
    get=extend_schema(
        summary="Download all published content at once",
        tags=["changes"],
        description="Every published item's detail document, with the feed "
        "cursor it corresponds to. Sent gzip-compressed (`Content-Encoding: "
        "gzip`) to clients that accept it, as HTTP clients do by default; "
        "`version` names the bundle's format.",
        responses={
            200: serializers_v1.SnapshotSerializer,
            **COMMON_ERRORS,
        },
        examples=[
            OpenApiExample(
                "A snapshot",
                value={
                    "format": "rehabinfo-snapshot",
                    "version": 1,
                    "cursor": CURSOR,
                    "created_at": "2026-11-23T12:00:00Z",
                    "documents": [
                        {
                            "kind": "faq",
                            "lookup": "1",
                            "url": f"{HOST}/faqs/1/",
                            "etag": '"9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d"',
                            "modified_at": "2026-11-23T12:00:00Z",
                            "body": FAQ_EXAMPLE,
                        }
                    ],
                },
                response_only=True,
            )
        ],
        parameters=[
            OpenApiParameter(
                "Content-Encoding",
                {"type": "string", "enum": ["gzip"]},
                OpenApiParameter.HEADER,
                response=[200],
                description="`gzip` when the request's Accept-Encoding allows "
                "it; absent otherwise.",
            ),
            OpenApiParameter(
                "Vary",
                str,
                OpenApiParameter.HEADER,
                response=[200],
                required=True,
                description="Includes Accept-Encoding.",
            ),
        ],
    )
)


def non_empty_query_strings(result, generator, request, public):
    """Postprocessing hook: say what the API rejects in any query string.

    Empty values (``?x=``) are a 400, and so are NUL characters (Django's
    form fields refuse them).
    """
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["in"] == "query" and schema.get("type") == "string":
                    schema.setdefault("minLength", 1)
                    schema.setdefault("pattern", "^[^\\u0000]*$")
    return result


ASSESSMENT_QUESTIONS = {
    "comparison": COMPARISON_LINK,
    "questions": [
        {
            "key": "safe-home",
            "question": "Do you have a safe, stable place to live?",
            "help_text": "",
            "answers": ["yes", "no", "unsure"],
        },
        {
            "key": "severe-addiction",
            "question": "Is your addiction severe?",
            "help_text": "",
            "answers": ["yes", "no", "unsure"],
        },
    ],
}
ASSESSMENT_ANSWERS = {"answers": {"safe-home": "no", "severe-addiction": "unsure"}}
ASSESSMENT_RESULT = {
    "comparison": COMPARISON_LINK,
    "options": [
        {
            "key": "inpatient",
            "name": "Inpatient rehab",
            "verdict": "suggested",
            "favoured_by": [
                {
                    "criterion": "safe-home",
                    "question": "Do you have a safe, stable place to live?",
                    "answer": "no",
                    "reason": "An unsafe or unstable place to live.",
                }
            ],
            "ruled_out_by": [],
            "unanswered": ["severe-addiction"],
        },
        {
            "key": "outpatient",
            "name": "Outpatient rehab",
            "verdict": "not_suggested",
            "favoured_by": [],
            "ruled_out_by": [
                {
                    "criterion": "safe-home",
                    "question": "Do you have a safe, stable place to live?",
                    "answer": "no",
                    "reason": "A safe and stable living situation.",
                }
            ],
            "unanswered": ["severe-addiction"],
        },
    ],
    "ranking": ["inpatient", "outpatient"],
    "summary": "Based on your answers, Inpatient rehab is suggested; Outpatient "
    "rehab is not suggested.",
    "disclaimer": "This is general information, not a diagnosis or medical advice…",
    "help": [RESOURCE],
}
ASSESSMENT_RULE = (
    "Verdicts follow one documented rule: an option with any ruling-out answer "
    "is `not_suggested`; otherwise, with any favouring answer, `suggested`; "
    "otherwise `possible`. Options are ranked by verdict, then by number of "
    "favouring answers, then editor order. Unanswered questions and `unsure` "
    "never rule an option out. Answers are never stored or logged; the response "
    "is `Cache-Control: no-store`."
)
ASSESSMENT_BAD_REQUEST = problem(
    "The body is not JSON, not an object, nested too deeply, over 8 KB, or has "
    "unknown keys or values.",
    400,
    "answers: Unknown question key: pets. Known keys: safe-home, severe-addiction.",
    [
        {
            "field": "answers",
            "message": "Unknown question key: pets. Known keys: safe-home, "
            "severe-addiction.",
        }
    ],
)
assessment = extend_schema_view(
    get=extend_schema(
        summary="Get the questionnaire of a comparison",
        parameters=[slug_parameter("comparison")],
        responses={
            200: serializers_v1.QuestionnaireSerializer,
            (404, PROBLEM): NOT_FOUND,
            **COMMON_ERRORS,
        },
        examples=[
            OpenApiExample(
                "Questionnaire", value=ASSESSMENT_QUESTIONS, response_only=True
            )
        ],
    ),
    post=extend_schema(
        summary="Assess which option fits the answers",
        description=ASSESSMENT_RULE,
        parameters=[slug_parameter("comparison")],
        request=serializers_v1.AnswersSerializer,
        responses={
            200: serializers_v1.AssessmentResultSerializer,
            (400, PROBLEM): ASSESSMENT_BAD_REQUEST,
            **KEY_ERRORS,
            (404, PROBLEM): NOT_FOUND,
            (429, PROBLEM): THROTTLED,
        },
        examples=[
            OpenApiExample("Answers", value=ASSESSMENT_ANSWERS, request_only=True),
            OpenApiExample("Result", value=ASSESSMENT_RESULT, response_only=True),
        ],
    ),
)


preview = extend_schema_view(
    get=extend_schema(
        summary="Preview what publishing an item would serve",
        # The detail view it runs takes the optional partner key, as every
        # public endpoint does.
        auth=[{"ApiKey": []}, {}],
        examples=[
            OpenApiExample("A previewed FAQ", value=FAQ_EXAMPLE, response_only=True)
        ],
        description="A signed link from the admin's preview page, valid for an "
        "hour and for the exact content previewed. The body is byte for byte what "
        "the item's detail endpoint will serve once it is published now (for a "
        "revision of a live item: once the revision is published). Never "
        "cached (`Cache-Control: no-store`).",
        parameters=[
            OpenApiParameter(
                "token",
                str,
                OpenApiParameter.PATH,
                description="The signed token of the preview link.",
            )
        ],
        responses={
            (200, "application/json"): PolymorphicProxySerializer(
                component_name="PreviewedItem",
                serializers=[
                    serializers_v1.TopicDetailSerializer,
                    serializers_v1.ComparisonDetailSerializer,
                    serializers_v1.FAQSerializer,
                    serializers_v1.ResourceSerializer,
                ],
                resource_type_field_name=None,
            ),
            (404, PROBLEM): problem(
                "The token is not a preview link.", 404, "No such preview."
            ),
            (409, PROBLEM): problem(
                "Published now, the item would still not be public: its topic or "
                "comparison is not live.",
                409,
                "Published now, this item would not be public: a page it belongs "
                "to (its topic or comparison) is not live.",
            ),
            (410, PROBLEM): problem(
                "The link expired, the content changed after it was made, or the "
                "previewed draft or revision was published or discarded.",
                410,
                "This preview link has expired.",
            ),
            **COMMON_ERRORS,
        },
    )
)


# HTTP semantics every operation shares, declared once as components and
# referenced by the hook below. drf-spectacular documents response headers and
# header parameters per operation only (OpenApiParameter(response=...)), and
# these are facts about the middleware and mixins that wrap every view.
HTTP_DATE = "An HTTP date, e.g. Sat, 28 Nov 2026 12:00:00 GMT."
HEADERS = {
    "ETag": {
        "description": "Strong validator of the exact body; send it back in "
        "If-None-Match to revalidate.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": f"When public content last changed. {HTTP_DATE}",
        "required": True,
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "Freshness for browsers and CDNs: `public, max-age=60, "
        "s-maxage=300` by default (configurable).",
        "required": True,
        "schema": {"type": "string"},
    },
    "Surrogate-Key": {
        "description": "What the response shows, as CDN purge keys separated by "
        "spaces (its own page, its item and every row it shows; `list` on list "
        "pages, `search` on search results): each change purges exactly the "
        "keys of what it changed. CDNs usually strip it.",
        "schema": {"type": "string"},
    },
    "Cache-Tag": {
        "description": "The Surrogate-Key values separated by commas, as "
        "Cloudflare and Akamai read them.",
        "schema": {"type": "string"},
    },
    "Cache-Control-No-Store": {
        "description": "`no-store`: no browser, proxy or CDN may keep a copy.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Cache-Control-Error": {
        "description": "`no-store` on errors, so no cache keeps one.",
        "required": True,
        "schema": {"type": "string", "enum": ["no-store"]},
    },
    "X-Request-ID": {
        "description": "The request's id in the server's logs: the incoming "
        "X-Request-ID if well-formed, else a generated one. Quote it when "
        "reporting a problem.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"},
    },
    "Deprecation": {
        "description": "RFC 9745: present once API v1 is deprecated, as "
        "`@<Unix time>` of the deprecation date.",
        "schema": {"type": "string", "pattern": "^@[0-9]+$"},
    },
    "Sunset": {
        "description": f"RFC 8594: present once v1 has a removal date. {HTTP_DATE}",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
}
CONDITIONAL_PARAMETERS = {
    "IfNoneMatch": {
        "name": "If-None-Match",
        "in": "header",
        "description": "ETag(s) of a copy the client holds; a match answers 304 "
        "with no body.",
        "schema": {"type": "string"},
    },
    "IfModifiedSince": {
        "name": "If-Modified-Since",
        "in": "header",
        "description": "Last-Modified of a copy the client holds; if nothing "
        "changed since, 304 with no body. Ignored when If-None-Match is sent.",
        "schema": {"type": "string"},
    },
}


def header_refs(*names: str) -> dict:
    return {
        name.removesuffix("-No-Store").removesuffix("-Error"): {
            "$ref": f"#/components/headers/{name}"
        }
        for name in names
    }


EVERY_RESPONSE_HEADERS = ("X-Request-ID", "Deprecation", "Sunset")
ERROR_HEADERS = (*EVERY_RESPONSE_HEADERS, "Cache-Control-Error")


def problem_response_component(description: str, *headers: str) -> dict:
    return {
        "description": description,
        "headers": header_refs(*ERROR_HEADERS, *headers),
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


RESPONSES = {
    "NotModified": {
        "description": "Not Modified: the copy the client holds is current; no "
        "body. Reuse it (with these refreshed headers).",
        "headers": header_refs(
            "ETag", "Last-Modified", "Cache-Control", *EVERY_RESPONSE_HEADERS
        ),
    },
    "NotAcceptable": problem_response_component(
        "The Accept header allows none of this endpoint's media types."
    ),
    "ContentTooLarge": problem_response_component(
        "The declared request body is over the server's limit "
        "(REQUEST_MAX_BODY_BYTES, 1 MB by default); it is refused unread."
    ),
    "LengthRequired": problem_response_component(
        "The body came with neither a Content-Length nor a chunked end, so it "
        "cannot be read safely; send a Content-Length."
    ),
    "UnsupportedMediaType": problem_response_component(
        "The body is not `application/json` (a form-encoded POST gets this)."
    ),
    "ServiceUnavailable": problem_response_component(
        "The content database is unavailable; try again after Retry-After.",
        "Retry-After",
    ),
}


def http_semantics(result, generator, request, public):
    """Postprocessing hook: caching, request ids and the shared error statuses.

    GETs take If-None-Match / If-Modified-Since and may answer 304; their 200
    carries ETag, Last-Modified and Cache-Control. Every response carries
    X-Request-ID (and Deprecation / Sunset once v1 is retired). 406 and 503
    can answer any operation, 411, 413 and 415 any POST.
    """
    components = result.setdefault("components", {})
    components.setdefault("headers", {}).update(HEADERS)
    components.setdefault("parameters", {}).update(CONDITIONAL_PARAMETERS)
    components.setdefault("responses", {}).update(RESPONSES)

    def ref(name: str) -> dict:
        return {"$ref": f"#/components/responses/{name}"}

    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            responses = operation["responses"]
            for status, response in responses.items():
                names = ERROR_HEADERS if int(status) >= 400 else EVERY_RESPONSE_HEADERS
                if status == "429":
                    names = (*names, "Retry-After")
                response.setdefault("headers", {}).update(header_refs(*names))
            ok = responses["200"]["headers"]
            if method == "get":
                operation.setdefault("parameters", []).extend(
                    {"$ref": f"#/components/parameters/{name}"}
                    for name in CONDITIONAL_PARAMETERS
                )
                ok.update(
                    header_refs(
                        "ETag",
                        "Last-Modified",
                        "Cache-Control",
                        "Surrogate-Key",
                        "Cache-Tag",
                    )
                )
                responses["304"] = ref("NotModified")
            else:
                ok.update(header_refs("Cache-Control-No-Store"))
                responses["411"] = ref("LengthRequired")
                responses["413"] = ref("ContentTooLarge")
                responses["415"] = ref("UnsupportedMediaType")
            responses["406"] = ref("NotAcceptable")
            responses["503"] = ref("ServiceUnavailable")
            operation["responses"] = dict(sorted(responses.items()))
    return result

"""One ranked search across topics, comparisons and FAQs.

PostgreSQL matches stored, weighted full-text documents (title over summary
over body) through a GIN index; other databases fall back to a word match
scored the same way.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q

from content.models import FAQ, Comparison, Section, Topic

SEARCH_CONFIG = "english"
SNIPPET_LENGTH = 160
MAX_HITS_PER_KIND = 200
MAX_WORDS = 10
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "topic", "comparison" or "faq"
    obj: object
    title: str
    snippet: str
    rank: float


def words_of(query: str) -> list[str]:
    """Distinct words of the query, at most MAX_WORDS: each word costs SQL."""
    words = dict.fromkeys(word.lower() for word in _WORD.findall(query))
    return list(words)[:MAX_WORDS]


def make_snippet(texts: list[str], words: list[str]) -> str:
    """A short extract of the first text that mentions a query word."""
    for text in texts:
        lowered = text.lower()
        positions = [lowered.find(word) for word in words if word in lowered]
        if positions:
            start = max(0, min(positions) - SNIPPET_LENGTH // 3)
            if start > 0:  # Begin at a word boundary, not mid-word.
                start = text.find(" ", start) + 1 or start
            extract = " ".join(text[start : start + SNIPPET_LENGTH].split())
            prefix = "…" if start > 0 else ""
            suffix = "…" if start + SNIPPET_LENGTH < len(text) else ""
            return f"{prefix}{extract}{suffix}"
    first = " ".join(texts[0].split()) if texts else ""
    return first[:SNIPPET_LENGTH] + ("…" if len(first) > SNIPPET_LENGTH else "")


# Searchable text of each kind, by weight; "sections" is the topic's sections.
# PostgreSQL's stored documents weigh the same fields the same way (their
# triggers are in content/migrations/0006_search_documents.py).
FIELDS = {
    "topic": {"A": ["title"], "B": ["summary"], "C": ["body_text", "sections"]},
    "comparison": {
        "A": ["title"],
        "B": ["summary"],
        "C": ["introduction_text", "conclusion_text"],
    },
    "faq": {"A": ["question"], "B": [], "C": ["answer_text"]},
}


def public_querysets(now):
    return {
        "topic": Topic.objects.published(now).prefetch_related(
            Prefetch(
                "sections", Section.objects.only("topic_id", "heading", "body_text")
            )
        ),
        "comparison": Comparison.objects.published(now),
        "faq": FAQ.objects.published(now),
    }


def texts_of(kind: str, obj) -> dict[str, list[str]]:
    def value(name):
        if name == "sections":
            return " ".join(f"{s.heading} {s.body_text}" for s in obj.sections.all())
        return getattr(obj, name)

    return {
        weight: [value(name) for name in names]
        for weight, names in FIELDS[kind].items()
    }


def title_of(kind: str, obj) -> str:
    return obj.question if kind == "faq" else obj.title


def search_postgres(queryset, query: str):
    """Full-text match on the stored documents, through their GIN index."""
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    weights = [WEIGHTS["C"], WEIGHTS["C"], WEIGHTS["B"], WEIGHTS["A"]]  # D, C, B, A
    rank = SearchRank(F("search_document__document"), search_query, weights=weights)
    return [
        (obj, obj.rank)
        for obj in queryset.filter(search_document__document=search_query)
        .annotate(rank=rank)
        .order_by("-rank", "pk")[:MAX_HITS_PER_KIND]
    ]


def search_word_match(queryset, kind: str, words: list[str]):
    """Every word must appear somewhere; a word scores by the best field it is in."""
    for word in words:
        condition = Q()
        for name in (n for names in FIELDS[kind].values() for n in names):
            if name == "sections":
                # EXISTS, not a join: a join per word multiplies the rows.
                condition |= Exists(
                    Section.objects.filter(topic=OuterRef("pk")).filter(
                        Q(heading__icontains=word) | Q(body_text__icontains=word)
                    )
                )
            else:
                condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    scored = []
    for obj in queryset[:MAX_HITS_PER_KIND]:
        texts = texts_of(kind, obj)
        rank = sum(
            max(
                (
                    WEIGHTS[w]
                    for w, values in texts.items()
                    if any(word in v.lower() for v in values)
                ),
                default=0.0,
            )
            for word in words
        )
        scored.append((obj, rank))
    return scored


def search(query: str, now) -> list[SearchHit]:
    """Public topics, comparisons and FAQs matching the query, best first."""
    words = words_of(query)
    if not words:
        return []
    hits = []
    for kind, queryset in public_querysets(now).items():
        if connection.vendor == "postgresql":
            matches = search_postgres(queryset, query)
        else:
            matches = search_word_match(queryset, kind, words)
        for obj, rank in matches:
            texts = texts_of(kind, obj)
            snippet_sources = [
                t for weight in ("B", "C") for t in texts.get(weight, [])
            ]
            hits.append(
                SearchHit(
                    kind=kind,
                    obj=obj,
                    title=title_of(kind, obj),
                    snippet=make_snippet([t for t in snippet_sources if t], words),
                    rank=round(float(rank), 6),
                )
            )
    kind_order = {"topic": 0, "comparison": 1, "faq": 2}
    hits.sort(key=lambda hit: (-hit.rank, kind_order[hit.kind], hit.obj.pk))
    return hits

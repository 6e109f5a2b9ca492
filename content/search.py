"""One ranked search across topics, comparisons and FAQs.

PostgreSQL matches stored, weighted full-text documents (title over summary
over body), read by lexeme from their stored terms (one row per lexeme and
item, in rank order for one-word queries) or, for a query the terms cannot
answer, through the documents' GIN index. Other databases fall back to a
word match scored the same way. On PostgreSQL only the page's hits are
built: rows read, snippets cut.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import BigIntegerField, Exists, F, OuterRef, Prefetch, Q
from django.db.models.expressions import RawSQL

from content.models import FAQ, Comparison, Section, Topic

SEARCH_CONFIG = "english"
SNIPPET_LENGTH = 160
MAX_HITS_PER_KIND = 200
MAX_WORDS = 10
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2}
RANK_WEIGHTS = [WEIGHTS["C"], WEIGHTS["C"], WEIGHTS["B"], WEIGHTS["A"]]  # D, C, B, A
KIND_ORDER = {"topic": 0, "comparison": 1, "faq": 2}
# Lexemes longer than this are not among the stored search terms.
MAX_TERM_BYTES = 255
_TSQUERY_LEXEME = re.compile(r"'((?:[^']|'')*)'")
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
        "topic": Topic.objects.published(now),
        "comparison": Comparison.objects.published(now),
        "faq": FAQ.objects.published(now),
    }


# What a page of hits reads of each kind: the title, the snippet's sources
# and what the hit's URL names.
PAGE_FIELDS = {
    "topic": ["slug", "title", "summary", "body_text"],
    "comparison": ["slug", "title", "summary", "introduction_text", "conclusion_text"],
    "faq": ["question", "answer_text"],
}


def page_querysets(public: dict) -> dict:
    querysets = dict(public)
    querysets["topic"] = querysets["topic"].prefetch_related(
        Prefetch("sections", Section.objects.only("topic_id", "heading", "body_text"))
    )
    return {
        kind: qs.only(*PAGE_FIELDS[kind]).order_by() for kind, qs in querysets.items()
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


def hit_of(kind: str, obj, rank: float, words: list[str]) -> SearchHit:
    texts = texts_of(kind, obj)
    snippet_sources = [t for weight in ("B", "C") for t in texts.get(weight, [])]
    return SearchHit(
        kind=kind,
        obj=obj,
        title=title_of(kind, obj),
        snippet=make_snippet([t for t in snippet_sources if t], words),
        rank=round(float(rank), 6),
    )


def best_first(ranked: list[tuple[str, int, float]]) -> list[tuple[str, int, float]]:
    """Best rank first; ties by kind (topic, comparison, FAQ), then by pk."""
    return sorted(ranked, key=lambda k: (-round(k[2], 6), KIND_ORDER[k[0]], k[1]))


class SearchResults:
    """Every hit's kind, pk and rank, best first; a page's hits are built
    (rows read, snippets cut) only when the page is sliced out, so the cost
    of a page does not grow with the number of hits."""

    def __init__(self, ranked: list[tuple[str, int, float]], words, querysets):
        self.ranked = best_first(ranked)
        self.words = words
        self.querysets = querysets  # public_querysets(now), built once

    def __len__(self):
        return len(self.ranked)

    def __getitem__(self, index: slice) -> list[SearchHit]:
        page = self.ranked[index]
        querysets = page_querysets(self.querysets)
        objects = {}
        for kind in KIND_ORDER:
            pks = [pk for k, pk, _ in page if k == kind]
            if pks:
                objects |= {
                    (kind, obj.pk): obj for obj in querysets[kind].filter(pk__in=pks)
                }
        return [
            hit_of(kind, objects[kind, pk], rank, self.words)
            for kind, pk, rank in page
            # Unpublished since it was ranked, a moment ago.
            if (kind, pk) in objects
        ]


@dataclass(frozen=True)
class TermsQuery:
    """A query the stored search terms can answer."""

    text: str
    lexemes: list[str]  # distinct, as PostgreSQL's parser made them
    single: bool  # one lexeme and no operator: its ranks are stored


def terms_query(query: str) -> TermsQuery | None:
    """The query as PostgreSQL parses it, or None if the stored terms cannot
    answer it: a negated word matches items that lack it, and over-long
    lexemes are not stored."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery(%s::regconfig, %s)::text",
            [SEARCH_CONFIG, query],
        )
        [tsquery] = cursor.fetchone()
    lexemes = [quoted.replace("''", "'") for quoted in _TSQUERY_LEXEME.findall(tsquery)]
    operators = _TSQUERY_LEXEME.sub("", tsquery).strip()
    if "!" in operators or any(
        "\\" in lexeme or len(lexeme.encode()) > MAX_TERM_BYTES for lexeme in lexemes
    ):
        return None
    return TermsQuery(
        text=query,
        lexemes=list(dict.fromkeys(lexemes)),
        single=len(lexemes) == 1 and not operators,
    )


# A kind's best matches among the stored terms of the query's lexemes, as
# many as LIMIT, and whether each is public: the publication rule, dearer (an
# FAQ's reaches its topic and comparison), is only checked on these. Terms
# hold each lexeme's positions and weights, so the rank and the match of an
# item's vector of the query's lexemes are those of its whole document
# (content/migrations/0014_search_terms.py).
RANKED_TERMS_SQL = """
(SELECT %s AS kind, item_id, rank, EXISTS({public}) AS public
FROM ({ranked}) AS candidates)
"""
# One lexeme alone: its stored ranks, read in the index's order.
STORED_RANKS_SQL = """
SELECT item_id, rank FROM content_searchterm
WHERE lexeme = %s AND kind = %s
ORDER BY rank DESC, item_id
LIMIT %s
"""
# Lexemes are distinct, so their text forms join into one vector with every
# position as it is in the document (|| would shift them).
COMPUTED_RANKS_SQL = """
SELECT item_id, ts_rank(%s::float4[], vector, query) AS rank
FROM (
    SELECT item_id, string_agg(entry::text, ' ')::tsvector AS vector
    FROM content_searchterm
    WHERE lexeme = ANY(%s) AND kind = %s
    GROUP BY item_id
) AS terms, websearch_to_tsquery(%s::regconfig, %s) AS query
WHERE vector @@ query
ORDER BY rank DESC, item_id
LIMIT %s
"""


def ranked_terms(
    query: TermsQuery, limits: dict[str, int], querysets
) -> dict[str, list[tuple[int, float, bool]]]:
    """Each kind's best ranked items, as many as its limit, and whether
    each is public, best first, in one query."""
    parts, parameters = [], []
    for kind, limit in limits.items():
        public, public_parameters = (
            querysets[kind]
            .filter(pk=RawSQL("candidates.item_id", [], BigIntegerField()))
            .order_by()
            .values("pk")
            .query.sql_with_params()
        )
        parameters += [kind, *public_parameters]
        if query.single:
            ranked = STORED_RANKS_SQL
            parameters += [query.lexemes[0], kind, limit]
        else:
            ranked = COMPUTED_RANKS_SQL
            parameters += [
                RANK_WEIGHTS,
                query.lexemes,
                kind,
                SEARCH_CONFIG,
                query.text,
                limit,
            ]
        parts.append(RANKED_TERMS_SQL.format(public=public, ranked=ranked))
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), parameters)
        rows = cursor.fetchall()
    ranked = {kind: [] for kind in limits}
    for kind, pk, rank, public in sorted(rows, key=lambda row: (-row[2], row[1])):
        ranked[kind].append((pk, rank, public))
    return ranked


def search_terms(query: TermsQuery, querysets) -> list[tuple[str, int, float]]:
    """Each kind's MAX_HITS_PER_KIND best public matches, from the stored terms.

    The best candidates are fetched with a margin for items that are not
    public (drafts, revisions, scheduled or expired items have search
    documents too), and more of them in the rare case the margin is too small.
    """
    limits = dict.fromkeys(KIND_ORDER, MAX_HITS_PER_KIND + MAX_HITS_PER_KIND // 4)
    found = []
    while limits:
        for kind, rows in ranked_terms(query, limits, querysets).items():
            matches = [(pk, rank) for pk, rank, public in rows if public]
            if len(matches) >= MAX_HITS_PER_KIND or len(rows) < limits[kind]:
                found += [(kind, pk, rank) for pk, rank in matches[:MAX_HITS_PER_KIND]]
                del limits[kind]
            else:
                limits[kind] *= 4
    return found


def search_documents(queryset, query: str) -> list[tuple[int, float]]:
    """Full-text match on the stored documents, through their GIN index."""
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    rank = SearchRank(
        F("search_document__document"), search_query, weights=RANK_WEIGHTS
    )
    return list(
        queryset.filter(search_document__document=search_query)
        .annotate(rank=rank)
        .order_by("-rank", "pk")
        .values_list("pk", "rank")[:MAX_HITS_PER_KIND]
    )


def search_postgres(query: str, words: list[str], now) -> SearchResults:
    # Built once: the publication rule's joins take milliseconds to set up.
    querysets = public_querysets(now)
    stored = terms_query(query)
    if stored is None:
        ranked = [
            (kind, pk, rank)
            for kind, queryset in querysets.items()
            for pk, rank in search_documents(queryset, query)
        ]
    elif stored.lexemes:
        ranked = search_terms(stored, querysets)
    else:  # Only stop words: nothing matches.
        ranked = []
    return SearchResults(ranked, words, querysets)


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


def search(query: str, now) -> Sequence[SearchHit]:
    """Public topics, comparisons and FAQs matching the query, best first.

    At most MAX_HITS_PER_KIND of each kind, the best ranked of each.
    """
    words = words_of(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        return search_postgres(query, words, now)
    hits = [
        hit_of(kind, obj, rank, words)
        for kind, queryset in public_querysets(now).items()
        for obj, rank in search_word_match(
            queryset.prefetch_related(
                Prefetch(
                    "sections",
                    Section.objects.only("topic_id", "heading", "body_text"),
                )
            )
            if kind == "topic"
            else queryset,
            kind,
            words,
        )
    ]
    hits.sort(key=lambda hit: (-hit.rank, KIND_ORDER[hit.kind], hit.obj.pk))
    return hits

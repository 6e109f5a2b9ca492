"""Every public representation of a published item, rendered once, read as bytes.

The API's serializers stay the one definition of each shape: this module runs
them when an item (or anything it shows) changes and stores the bytes, and the
API serves those bytes with one indexed read. Whether an item is public is
never taken from a document: every read filters by ``published(now)``, so an
unpublished, expired or deleted item is gone at once, however it changed.

A document is rendered again on its first read at or after ``valid_until``:

- an edit marks the documents that show the edited row stale, in the edit's
  own transaction (``publishing.receivers``), and renders them once it
  commits;
- a scheduled change to something a document shows (a child going live or
  expiring, a scheduled revision falling due) is its ``valid_until``: no cron;
- a write that skips Django's signals (``QuerySet.update()``, SQL) is caught
  within ``DOCUMENT_RECHECK_SECONDS``, when every document is rendered again
  and kept (with its ETag and Last-Modified) if its bytes did not change.
"""

import datetime
import functools
import hashlib
import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, router, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from api import jsonld
from api.v1 import serializers
from content.models import (
    FAQ,
    Comparison,
    ComparisonOption,
    ContentChange,
    Resource,
    Topic,
)
from content.models.changes import NEVER_CHANGED, VERSION_CACHE_TIMEOUT
from content.reader import public_url
from content.revisions import apply_due_revisions, previewing
from embed.fragments import widget_document

from .models import EVERY_ROW, Document, DocumentLink
from .purge import document_keys

# Documents are rendered for this origin and served with the request's own
# (``.invalid`` is reserved: no real address can contain it).
PLACEHOLDER_HOST = "origin.rehabinfo.invalid"
PLACEHOLDER_ORIGIN = f"https://{PLACEHOLDER_HOST}"
# "Render again on the next read", for documents marked stale.
STALE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
# Documents of at most this many items are rendered when an edit commits;
# a change shown by more (a reviewer's name) renders on each page's next read.
EAGER_RENDER_LIMIT = 50
RENDER_BATCH_SIZE = 200

JSON = "application/json"
JSONLD = jsonld.JSONLD_MEDIA_TYPE
DETAIL = "detail"
ENTRY = "entry"  # an item as a list page shows it
WIDGET = "widget"  # the FAQ widgets' words (embed.fragments)


class PlaceholderRequest(HttpRequest):
    """The request documents are rendered for: only its origin is read."""

    def get_host(self):
        return PLACEHOLDER_HOST

    def _get_scheme(self):
        return "https"


def serialized(serializer_class):
    """Render many items with one serializer: DRF builds a serializer's fields
    once per instance, which costs more than the items themselves."""

    def render(items, request):
        return serializer_class(items, many=True, context={"request": request}).data

    return render


def each(build):
    def render(items, request):
        return [build(item, request) for item in items]

    return render


def widgets(pages, request):
    """The widget documents of these topics or comparisons: their public FAQs,
    and the national help lines every widget lists."""
    help_lines = list(Resource.objects.national_help_lines())
    return [
        widget_document(request, page, page.public_faqs, help_lines) for page in pages
    ]


def help_line_links(ids):
    for item_id in ids:
        yield item_id, "resource", EVERY_ROW


def topic_faqpage(topic, request):
    url = f"{public_url(request, topic)}#faqs"
    return jsonld.faq_page(
        topic, topic.public_faqs, url=url, name=f"{topic.title}: FAQs"
    )


def topic_medicalwebpage(topic, request):
    url = public_url(request, topic)
    return jsonld.medical_web_page(
        topic, topic.public_faqs, url=url, faq_url=f"{url}#faqs"
    )


def comparison_faqpage(comparison, request):
    url = f"{public_url(request, comparison)}#faqs"
    return jsonld.faq_page(
        comparison, comparison.public_faqs, url=url, name=f"{comparison.title}: FAQs"
    )


# What each kind's documents show besides the item itself, as (kind, relation):
# every related row, public or not, so that its publication reaches them.
def topic_links(ids):
    yield from relation_links(Topic, ids, "parent_id", "topic")
    yield from relation_links(Topic, ids, "reviewed_by_id", "reviewer")
    yield from reverse_links(FAQ, "topic_id", ids, "faq")
    yield from reverse_links(Comparison, "topic_id", ids, "comparison")
    yield from reverse_links(Topic, "parent_id", ids, "topic")
    related = Topic.related_topics.through.objects.filter(from_topic_id__in=ids)
    for topic_id, other in related.values_list("from_topic_id", "to_topic_id"):
        yield topic_id, "topic", other
    sources = Topic.sources.through.objects.filter(topic_id__in=ids)
    for topic_id, source_id in sources.values_list("topic_id", "source_id"):
        yield topic_id, "source", source_id
    yield from help_line_links(ids)


def comparison_links(ids):
    yield from relation_links(Comparison, ids, "topic_id", "topic")
    yield from relation_links(Comparison, ids, "reviewed_by_id", "reviewer")
    yield from reverse_links(
        ComparisonOption, "comparison_id", ids, "topic", "topic_id"
    )
    yield from reverse_links(FAQ, "comparison_id", ids, "faq")
    sources = Comparison.sources.through.objects.filter(comparison_id__in=ids)
    for comparison_id, source_id in sources.values_list("comparison_id", "source_id"):
        yield comparison_id, "source", source_id
    yield from help_line_links(ids)


def faq_links(ids):
    yield from relation_links(FAQ, ids, "topic_id", "topic")
    yield from relation_links(FAQ, ids, "comparison_id", "comparison")
    yield from relation_links(FAQ, ids, "reviewed_by_id", "reviewer")


def resource_links(ids):
    yield from relation_links(Resource, ids, "reviewed_by_id", "reviewer")


def relation_links(model, ids, field_name, shows_kind):
    rows = model.objects.filter(pk__in=ids, **{f"{field_name}__isnull": False})
    for item_id, other in rows.values_list("pk", field_name):
        yield item_id, shows_kind, other


def reverse_links(model, field_name, ids, shows_kind, shown_field="pk"):
    rows = model.objects.filter(**{f"{field_name}__in": ids})
    if shown_field != "pk":
        rows = rows.filter(**{f"{shown_field}__isnull": False})
    for item_id, other in rows.values_list(field_name, shown_field):
        yield item_id, shows_kind, other


@dataclass(frozen=True)
class Kind:
    """How the documents of one kind of item are rendered."""

    name: str
    model: type
    lookup_field: str
    links: Callable  # ids -> (item_id, shows_kind, shows_id)
    # Representation name -> (render(items, request) -> data of each, media type).
    representations: dict = field(default_factory=dict)
    entry: str = ENTRY  # the representation a list page shows
    # What the detail address answers ``Accept: application/ld+json`` with.
    jsonld_detail: str = ""

    def lookup(self, item) -> str:
        return str(getattr(item, self.lookup_field))

    def pages(self, now):
        """Public items with what their pages show (``content``'s one rule)."""
        return self.model.objects.pages(now)


KINDS = {
    "topic": Kind(
        "topic",
        Topic,
        "slug",
        topic_links,
        {
            DETAIL: (serialized(serializers.TopicDetailSerializer), JSON),
            ENTRY: (serialized(serializers.TopicListSerializer), JSON),
            "medicalwebpage": (each(topic_medicalwebpage), JSONLD),
            "faqpage": (each(topic_faqpage), JSONLD),
            WIDGET: (widgets, JSON),
        },
        jsonld_detail="medicalwebpage",
    ),
    "comparison": Kind(
        "comparison",
        Comparison,
        "slug",
        comparison_links,
        {
            DETAIL: (serialized(serializers.ComparisonDetailSerializer), JSON),
            ENTRY: (serialized(serializers.ComparisonListSerializer), JSON),
            "faqpage": (each(comparison_faqpage), JSONLD),
            WIDGET: (widgets, JSON),
        },
        jsonld_detail="faqpage",
    ),
    # An FAQ and a resource look the same in a list as on their own.
    "faq": Kind(
        "faq",
        FAQ,
        "id",
        faq_links,
        {DETAIL: (serialized(serializers.FAQSerializer), JSON)},
        entry=DETAIL,
    ),
    "resource": Kind(
        "resource",
        Resource,
        "slug",
        resource_links,
        {DETAIL: (serialized(serializers.ResourceSerializer), JSON)},
        entry=DETAIL,
    ),
}
PUBLISHABLE_KINDS = {kind.model: name for name, kind in KINDS.items()}


def render(data) -> bytes:
    """Bytes exactly as the API's JSON renderers send ``data``."""
    return JSONRenderer().render(data)


def body_etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def recheck_interval() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.DOCUMENT_RECHECK_SECONDS)


@dataclass
class Report:
    """What a rebuild did, document by document."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    # What was rendered: the caller serves from these, not from a read that
    # might go to a replica which has not received them yet.
    documents: list = field(default_factory=list, repr=False)

    def add(self, other: "Report") -> None:
        self.created += other.created
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.removed += other.removed

    def __str__(self):
        return (
            f"{self.created} created, {self.changed} changed, "
            f"{self.unchanged} unchanged, {self.removed} removed"
        )


@dataclass(frozen=True)
class Schedule:
    """When what an item's pages show last changed, or will next, by the clock."""

    passed: datetime.datetime | None  # the latest publish/unpublish time passed
    upcoming: datetime.datetime | None  # the next one


def schedules(shown_by: dict[int, set], now) -> dict[int, Schedule]:
    """The ``Schedule`` of each item from the publication windows of the rows
    its pages show (or could show), in one query per kind."""
    shown = defaultdict(set)
    for shows in shown_by.values():
        for shows_kind, shows_id in shows:
            if shows_kind in KINDS:
                shown[shows_kind].add(shows_id)
    times = defaultdict(list)
    for kind_name, ids in shown.items():
        rows = KINDS[kind_name].model.objects.filter(
            Q(publish_at__isnull=False) | Q(unpublish_at__isnull=False)
        )
        if EVERY_ROW not in ids:
            rows = rows.filter(pk__in=ids)
        for pk, *window in rows.values_list("pk", "publish_at", "unpublish_at"):
            window = [t for t in window if t is not None]
            times[(kind_name, pk)] = window
            times[(kind_name, EVERY_ROW)] += window
    result = {}
    for item_id, shows in shown_by.items():
        moments = [t for key in shows for t in times.get(key, ())]
        result[item_id] = Schedule(
            passed=max((t for t in moments if t <= now), default=None),
            upcoming=min((t for t in moments if t > now), default=None),
        )
    return result


def first_modified_at(schedule: Schedule, edited_at, now) -> datetime.datetime:
    """Last-Modified of a document rendered for the first time: when the
    content last changed (an edit, or a publication time passing), never the
    moment it happened to be rendered."""
    changed = max(filter(None, [edited_at, schedule.passed]), default=NEVER_CHANGED)
    return min(changed, now)


def rebuild_items(kind: Kind, ids: Iterable[int], now) -> Report:
    """Render every document of these items (of one kind) as they stand now.

    A document whose bytes did not change keeps its ETag and Last-Modified;
    an item that is no longer public loses its documents.
    """
    ids = set(ids)
    report = Report()
    request = PlaceholderRequest()
    with transaction.atomic():  # Reads the primary, and stores all or nothing.
        links = defaultdict(set)
        for item_id, shows_kind, shows_id in kind.links(ids):
            links[item_id].add((shows_kind, shows_id))
        # A live item's scheduled revision is a moment its pages change.
        for live_id, revision_id in kind.model.objects.filter(
            revision_of_id__in=ids
        ).values_list("revision_of_id", "pk"):
            links[live_id].add((kind.name, revision_id))
        schedule = schedules(
            {item_id: links[item_id] | {(kind.name, item_id)} for item_id in ids},
            now,
        )
        edited_at = ContentChange.last_changed_at()
        existing = {
            (doc.item_id, doc.representation): doc
            for doc in Document.objects.filter(kind=kind.name, item_id__in=ids).only(
                "item_id", "representation", "lookup", "etag", "modified_at"
            )
        }
        documents = []
        items = list(kind.pages(now).filter(pk__in=ids))
        keys = {
            item.pk: document_keys(kind.name, item.pk, links[item.pk]) for item in items
        }
        for name, (renderer, media_type) in kind.representations.items():
            for item, data in zip(items, renderer(items, request), strict=True):
                body = render(data)
                etag = body_etag(body)
                before = existing.pop((item.pk, name), None)
                unchanged = (
                    before is not None
                    and before.etag == etag
                    and before.lookup == kind.lookup(item)
                )
                if before is None:
                    report.created += 1
                    modified_at = first_modified_at(schedule[item.pk], edited_at, now)
                elif unchanged:
                    report.unchanged += 1
                    modified_at = before.modified_at
                else:
                    report.changed += 1
                    modified_at = now
                valid_until = now + recheck_interval()
                if schedule[item.pk].upcoming:
                    valid_until = min(valid_until, schedule[item.pk].upcoming)
                documents.append(
                    Document(
                        kind=kind.name,
                        item_id=item.pk,
                        surrogate_keys=keys[item.pk],
                        lookup=kind.lookup(item),
                        representation=name,
                        media_type=media_type,
                        body=body,
                        etag=etag,
                        modified_at=modified_at,
                        rendered_at=now,
                        valid_until=valid_until,
                    )
                )
        if existing:  # No longer public, or renamed.
            report.removed += len(existing)
            Document.objects.filter(pk__in=[d.pk for d in existing.values()]).delete()
        Document.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["kind", "lookup", "representation"],
            update_fields=[
                "item_id",
                "media_type",
                "body",
                "etag",
                "modified_at",
                "rendered_at",
                "valid_until",
                "surrogate_keys",
            ],
        )
        report.documents = documents
        DocumentLink.objects.filter(kind=kind.name, item_id__in=ids).delete()
        DocumentLink.objects.bulk_create(
            DocumentLink(
                kind=kind.name, item_id=item_id, shows_kind=s_kind, shows_id=s_id
            )
            for item_id, shows in links.items()
            for s_kind, s_id in shows
        )
    return report


def rebuild(keys: Iterable[tuple[str, int]], now=None) -> Report:
    """Render the documents of these (kind, id) items; other kinds are ignored."""
    now = now or timezone.now()
    by_kind = defaultdict(set)
    for kind_name, item_id in keys:
        if kind_name in KINDS:
            by_kind[kind_name].add(item_id)
    report = Report()
    for kind_name, ids in by_kind.items():
        report.add(rebuild_items(KINDS[kind_name], ids, now))
    return report


def rebuild_all(now=None, batch_size: int = RENDER_BATCH_SIZE, jobs: int = 1) -> Report:
    """Render every public item's documents; drop every other document.

    ``jobs`` > 1 renders batches in that many processes at once (items are
    independent: each batch upserts its own rows). SQLite allows one writer,
    and inside a transaction the others could not see its rows, so those
    render in this process.
    """
    now = now or timezone.now()
    apply_due_revisions(now)
    if connection.vendor == "sqlite" or connection.in_atomic_block:
        jobs = 1  # One writer; or rows other processes cannot see yet.
    report = Report()
    batches = []
    for kind in KINDS.values():
        public_ids = list(
            kind.model.objects.published(now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(public_ids), batch_size):
            batches.append((kind.name, public_ids[start : start + batch_size]))
        gone = Document.objects.filter(kind=kind.name).exclude(item_id__in=public_ids)
        report.removed += gone.count()
        gone.delete()
        DocumentLink.objects.filter(kind=kind.name).exclude(
            item_id__in=public_ids
        ).delete()
    if jobs == 1:
        for batch in batches:
            report.add(render_batch(*batch, now))
        return report
    # Each process opens its own connections (a forked one must not share ours).
    connections.close_all()
    with ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("fork")
    ) as pool:
        kind_names = [kind_name for kind_name, _ in batches]
        id_lists = [ids for _, ids in batches]
        for batch_report in pool.map(render_batch, kind_names, id_lists, repeat(now)):
            report.add(batch_report)
    return report


def render_batch(kind_name: str, ids: list[int], now) -> Report:
    """``rebuild_items`` for one batch, its rendered documents left out (a
    process pool sends the report back)."""
    report = rebuild_items(KINDS[kind_name], ids, now)
    report.documents = []
    return report


def items_showing(keys: set[tuple[str, int]]) -> set[tuple[str, int]]:
    """These items and every item whose documents show one of these rows."""
    condition = Q(pk__in=[])
    for kind_name, ids in group(keys).items():
        condition |= Q(shows_kind=kind_name, shows_id__in=ids | {EVERY_ROW})
    linked = DocumentLink.objects.filter(condition).values_list("kind", "item_id")
    return {key for key in keys if key[0] in KINDS} | set(linked)


def documents_showing(rows: set, pages: set = frozenset()):
    """The documents of these rows and pages, and every document that shows
    one of the rows."""
    # The items first, through DocumentLink's index, then their documents
    # through (kind, item_id): as one statement, an OR over an EXISTS, it was
    # a sequential scan of every document (0.3 s at 10,000 topics).
    documents_of = Q(pk__in=[])
    for kind_name, ids in group(items_showing(rows) | pages).items():
        documents_of |= Q(kind=kind_name, item_id__in=ids)
    return Document.objects.filter(documents_of)


def mark_stale(rows: set, pages: set = frozenset()) -> int:
    """Make the documents of these rows and pages, and every document that
    shows one of the rows, render on their next read."""
    return (
        documents_showing(rows, pages)
        .exclude(valid_until=STALE)
        .update(valid_until=STALE)
    )


def addresses_showing(rows: set, pages: set = frozenset()) -> set[tuple[str, str]]:
    """The (kind, lookup) addresses whose responses a change to these rows and
    pages may alter: those of every document ``mark_stale`` marks (stale
    already or not, and under a renamed item's old lookup too) and the
    current ones of the rows and pages themselves (documents or not)."""
    marked = documents_showing(rows, pages).order_by().values_list("kind", "lookup")
    addresses = set(marked.distinct())
    for kind_name, ids in group(rows | pages).items():
        if kind_name in KINDS:
            kind = KINDS[kind_name]
            lookups = kind.model.objects.filter(pk__in=ids).values_list(
                kind.lookup_field, flat=True
            )
            addresses |= {(kind_name, str(lookup)) for lookup in lookups}
    return addresses


def group(keys) -> dict[str, set[int]]:
    grouped = defaultdict(set)
    for kind_name, item_id in keys:
        grouped[kind_name].add(item_id)
    return grouped


def is_fresh(document: Document, now) -> bool:
    return now < document.valid_until and not previewing.get()


def public_at(kind: Kind, lookup: str, now):
    """The public item at this address, if any (who is public is never stored)."""
    return kind.model.objects.published(now).filter(**{kind.lookup_field: lookup})


def at_address(kind_name: str, lookup: str, representation: str, now):
    """The document at this address, if its item is public now and still
    has this address."""
    kind = KINDS[kind_name]
    item = kind.model.objects.published(now).filter(pk=OuterRef("item_id"))
    if kind.model._meta.get_field(kind.lookup_field) != kind.model._meta.pk:
        item = item.filter(**{kind.lookup_field: OuterRef("lookup")})
    return Document.objects.filter(
        Exists(item), kind=kind_name, lookup=lookup, representation=representation
    ).only("body", "modified_at", "valid_until", "surrogate_keys")[:1]


# at_address()'s SQL is the same for every read of one kind's representation
# but its lookup and time; compiling it cost more CPU than running it (about
# 0.7 of 1.2 ms on this machine), so each read runs SQL compiled once, with
# its own values where these stood.
ANY_LOOKUP = "\x00any-lookup\x00"
ANY_TIME = datetime.datetime(1970, 1, 2, tzinfo=datetime.UTC)


@functools.cache
def compiled_at_address(kind_name: str, representation: str, alias: str):
    """(SQL, its parameters with ``ANY_LOOKUP`` and ``ANY_TIME`` to fill in)."""
    queryset = at_address(kind_name, ANY_LOOKUP, representation, ANY_TIME)
    sql, params = queryset.using(alias).query.sql_with_params()
    any_time = connections[alias].ops.adapt_datetimefield_value(ANY_TIME)
    template = tuple(ANY_TIME if param == any_time else param for param in params)
    return sql, template


def fresh(kind_name: str, lookup: str, representation: str, now):
    """The document at this address if its item is public and it is fresh:
    one indexed query."""
    alias = router.db_for_read(Document)
    sql, template = compiled_at_address(kind_name, representation, alias)
    adapted_now = connections[alias].ops.adapt_datetimefield_value(now)
    params = [
        lookup if param == ANY_LOOKUP else adapted_now if param is ANY_TIME else param
        for param in template
    ]
    document = next(iter(Document.objects.using(alias).raw(sql, params)), None)
    if document is not None and is_fresh(document, now):
        return document
    return None


def find(kind_name: str, lookup: str, representation: str, now=None):
    """The public document at this address, rendered first if it is stale or
    missing; ``None`` when no public item has the address."""
    now = now or timezone.now()
    document = fresh(kind_name, lookup, representation, now)
    if document is not None:
        return document
    kind = KINDS[kind_name]
    apply_due_revisions(now)  # A scheduled revision may be what changed.
    item_id = public_at(kind, lookup, now).values_list("pk", flat=True).first()
    if item_id is None:
        return None
    rendered = rebuild_items(kind, [item_id], now).documents
    return next((d for d in rendered if d.representation == representation), None)


def stored_entries(kind: Kind, ids: list[int]) -> dict:
    """The stored list entries of these items, fresh or not, by item id (as
    rows with ``body`` and ``valid_until``: cheaper than model instances)."""
    rows = Document.objects.filter(
        kind=kind.name, representation=kind.entry, item_id__in=ids
    ).values_list("item_id", "body", "valid_until", named=True)
    return {row.item_id: row for row in rows}


def entries(kind_name: str, ids: list[int], now=None) -> list[bytes]:
    """The list entries of these public items, in order."""
    now = now or timezone.now()
    kind = KINDS[kind_name]
    return fresh_entries(kind, ids, stored_entries(kind, ids), now)


def fresh_entries(kind: Kind, ids: list[int], found: dict, now) -> list[bytes]:
    """The entries of these public items, in order, from those ``found``
    stored: the stale or missing ones are rendered first."""
    stale = [
        item_id
        for item_id in ids
        if not (item_id in found and is_fresh(found[item_id], now))
    ]
    if stale:
        for doc in rebuild_items(kind, stale, now).documents:
            if doc.representation == kind.entry:
                found[doc.item_id] = doc
    return [bytes(found[item_id].body) for item_id in ids if item_id in found]


# How long a kind's public count is kept (``public_count``): the cached content
# version's own lifetime, the bound on a write that skips signals.
COUNT_TIMEOUT = VERSION_CACHE_TIMEOUT


def public_count(kind: Kind, now, changed_at: datetime.datetime) -> int:
    """How many items of this kind are public, kept while public content
    stays the same: the content version's ``changed_at`` moves on with every
    edit and every publish or unpublish time passing, so it names the count's
    key (a COUNT over every FAQ and its parents costs tens of milliseconds)."""
    key = f"public-count:v1:{kind.name}:{changed_at.isoformat()}"
    count = cache.get(key)
    if count is None:
        count = kind.model.objects.published(now).count()
        cache.set(key, count, timeout=COUNT_TIMEOUT)
    return count


def page(
    kind_name: str,
    ordering: list[str],
    offset: int,
    limit: int,
    now,
    changed_at: datetime.datetime,
) -> tuple[int, list[bytes]]:
    """How many items of this kind are public, and the entries of one page of
    them in this order: two indexed queries (the page's ids, then their
    entries; stale or missing ones are rendered first, as ``entries`` does)
    beside the count, kept under the content version's ``changed_at``
    (``public_count``)."""
    kind = KINDS[kind_name]
    count = public_count(kind, now, changed_at)
    if offset > count:
        return count, []
    ids = list(
        kind.model.objects.published(now)
        .order_by(*ordering)
        .values_list("pk", flat=True)[offset : offset + limit]
    )
    return count, fresh_entries(kind, ids, stored_entries(kind, ids), now)


def list_body(envelope: bytes, entries: list[bytes]) -> bytes:
    """A list page: the rendered pagination envelope (with no results) and
    the stored entries in its ``results``."""
    # "results" is the envelope's last member: the entries go in its list.
    assert envelope.endswith(b'"results":[]}')
    return b"%s%s]}" % (envelope[: -len(b"]}")], b",".join(entries))


def for_origin(body: bytes, origin: str) -> bytes:
    """A stored body as sent to a request on ``origin`` ("https://host")."""
    return body.replace(PLACEHOLDER_ORIGIN.encode(), origin.encode())

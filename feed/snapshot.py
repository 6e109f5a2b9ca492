"""The snapshot: every published item's detail document in one bundle, with
the feed cursor it corresponds to, so an app installs the whole library in one
request and then follows the feed.

It is built from the stored documents (the bytes each detail URL serves,
for the request's origin) by concatenation, never by serializing content
again, and compressed with gzip as it is built.

Bundles are built in the background (``feed.tasks.build_snapshots``, queued
whenever the feed records changes) and stored, one per origin, in the
``Snapshot`` table; the endpoint sends the latest one, whose cursor may be a
little behind the feed (the client catches up from it). It builds one in the
request only when none is stored, or when the stored one is unsafe: a
withdrawal was recorded after its cursor, so it may carry withdrawn content.
"""

import datetime
import json
import time
import zlib
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from api.caching import strong_etag
from publishing import documents
from publishing.models import Document

from . import changes, cursors
from .models import WITHDRAWALS, Change, Snapshot

FORMAT = "rehabinfo-snapshot"
VERSION = 1
CHUNK_SIZE = 500  # documents read per round trip
GZIP_LEVEL = 6
# A stored bundle is rebuilt in the background once this old even if the feed
# has not moved, so that the cursor it hands out stays young.
REFRESH_AFTER = datetime.timedelta(days=1)
# The cache in front of the table keeps a bundle's bytes this long (1.5 MB at
# 1,000 topics: 1-7 ms from Redis against 30-120 ms from PostgreSQL).
CACHE_SECONDS = 24 * 3600


@dataclass
class Bundle:
    """A built snapshot, gzip-compressed."""

    body: bytes
    cursor: str
    documents: int
    uncompressed_bytes: int


def address_prefix(kind_name: str) -> str:
    """The detail path of a kind up to its lookup: "/api/v1/topics/"."""
    kind = documents.KINDS[kind_name]
    path = reverse(f"v1:{kind_name}-detail", kwargs={kind.lookup_field: "0"})
    return path.removesuffix("0/")


def public_details(now):
    """Every public item's detail document, kind by kind."""
    for name, kind in documents.KINDS.items():
        public = kind.model.objects.published(now).values("pk")
        yield from (
            Document.objects.filter(
                kind=name, representation=documents.DETAIL, item_id__in=public
            )
            .only("kind", "lookup", "body", "modified_at", "valid_until", "rendered_at")
            .order_by("lookup")
            .iterator(chunk_size=CHUNK_SIZE)
        )


def head(cursor: str, now) -> bytes:
    """The bundle's opening, up to its list of documents."""
    fields = {
        "format": FORMAT,
        "version": VERSION,
        "cursor": cursor,
        "created_at": timestamp(now),
    }
    return json.dumps(fields, separators=(",", ":"))[:-1].encode() + b',"documents":['


def entry(document: Document, url: str, origin: str) -> bytes:
    """One document of the bundle: its address, the ETag and time its URL
    sends, and its body as the bytes that URL serves."""
    body = documents.for_origin(bytes(document.body), origin)
    fields = {
        "kind": document.kind,
        "lookup": document.lookup,
        "url": url,
        "etag": strong_etag(body),
        "modified_at": timestamp(document.modified_at),
    }
    encoded = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return encoded[:-1].encode() + b',"body":' + body + b"}"


def timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def current(origin: str, now) -> bytes:
    """The gzip-compressed snapshot for ``origin`` ("https://host"): the
    latest stored bundle when it is safe to serve, else one built now. It
    changes only when a new bundle is built (and its ETag with it)."""
    sequence = changes.catch_up(now)
    stored = (
        Snapshot.objects.using(changes.PRIMARY)
        .defer("body")
        .filter(origin=origin)
        .first()
    )
    if stored is not None and servable(stored, sequence, now):
        body = body_of(stored)
        if body is not None:
            return body
    return store(origin, sequence, now).body


def cache_key(stored: Snapshot) -> str:
    built_at = stored.built_at.isoformat()
    return f"feed:snapshot:v{VERSION}:{stored.origin}:{stored.sequence}:{built_at}"


def body_of(stored: Snapshot) -> bytes | None:
    """The bytes of exactly this stored bundle, from the cache in front of
    the table (a miss, or Redis down, reads the table); None when another
    build has replaced it since it was checked."""
    key = cache_key(stored)
    body = cache.get(key)
    if body is None:
        body = (
            Snapshot.objects.using(changes.PRIMARY)
            .filter(pk=stored.pk, sequence=stored.sequence, built_at=stored.built_at)
            .values_list("body", flat=True)
            .first()
        )
        if body is None:
            return None
        body = bytes(body)
        cache.set(key, body, CACHE_SECONDS)
    return body


def max_served_age() -> datetime.timedelta:
    """A bundle older than this is never sent: its client must have most of
    the feed's retention window left to follow on from its cursor."""
    return cursors.retention() / 2


def servable(stored: Snapshot, sequence: int, now) -> bool:
    """Whether a stored bundle may be sent while the feed is at ``sequence``.
    Never when a withdrawal was recorded after its cursor: withdrawn content
    disappears from the snapshot as soon as from the feed."""
    return (
        stored.version == VERSION
        and stored.sequence <= sequence  # else from a restored backup
        and stored.built_at > now - max_served_age()
        and not Change.objects.using(changes.PRIMARY)
        .filter(sequence__gt=stored.sequence, type__in=WITHDRAWALS)
        .exists()
    )


def store(origin: str, sequence: int, now) -> Snapshot:
    """Build the bundle for ``origin`` at feed position ``sequence`` and keep
    it as that origin's latest."""
    started = time.perf_counter()
    bundle = build(origin, sequence, now)
    built = Snapshot(
        origin=origin,
        version=VERSION,
        sequence=sequence,
        body=bundle.body,
        documents=bundle.documents,
        uncompressed_bytes=bundle.uncompressed_bytes,
        built_at=now,
        build_seconds=time.perf_counter() - started,
    )
    # One row per origin, whoever builds last (a request or the worker); an
    # older one that lands last is refused by `servable` if it is unsafe.
    Snapshot.objects.bulk_create(
        [built],
        update_conflicts=True,
        unique_fields=["origin"],
        update_fields=[
            "version",
            "sequence",
            "body",
            "documents",
            "uncompressed_bytes",
            "built_at",
            "build_seconds",
        ],
    )
    cache.set(cache_key(built), built.body, CACHE_SECONDS)
    return built


def refresh(now=None) -> list[str]:
    """Rebuild the stored bundle of every origin that has one, where the feed
    has moved past it or it is older than REFRESH_AFTER; the origins built.

    Origins are those the endpoint was asked on (the hosts ALLOWED_HOSTS
    lets through), each built in full: a bundle's URLs and ETags are the
    origin's own, and gzip bytes cannot be rewritten for another host.
    """
    now = now or timezone.now()
    sequence = changes.catch_up(now)
    stale = Snapshot.objects.exclude(
        version=VERSION, sequence=sequence, built_at__gt=now - REFRESH_AFTER
    ).values_list("origin", flat=True)
    stale = list(stale)
    built = []
    for origin in stale:
        store(origin, sequence, now)
        built.append(origin)
    return built


def prune(now) -> int:
    """Delete the stored bundles too old to be sent; how many."""
    deleted, _ = Snapshot.objects.filter(built_at__lte=now - max_served_age()).delete()
    return deleted


def build(origin: str, sequence: int, now) -> Bundle:
    """The snapshot for ``origin`` as of ``now``, at feed position ``sequence``."""
    cursor = cursors.encode(sequence)
    prefixes = {name: origin + address_prefix(name) for name in documents.KINDS}
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    piece = head(cursor, now)
    out, size, count = [compressor.compress(piece)], len(piece), 0
    for document in public_details(now):
        if changes.is_due(document, now):
            document = documents.find(
                document.kind, document.lookup, documents.DETAIL, now
            )
            if document is None:  # Withdrawn since the list was read.
                continue
        url = f"{prefixes[document.kind]}{document.lookup}/"
        piece = (b"," if count else b"") + entry(document, url, origin)
        out.append(compressor.compress(piece))
        size, count = size + len(piece), count + 1
    out.append(compressor.compress(b"]}"))
    out.append(compressor.flush())
    return Bundle(b"".join(out), cursor, count, size + 2)

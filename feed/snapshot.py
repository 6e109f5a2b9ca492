"""The snapshot: every published item's detail document in one bundle, with
the feed cursor it corresponds to, so an app installs the whole library in one
request and then follows the feed.

It is built from the stored documents (the bytes each detail URL serves,
for the request's origin) by concatenation, never by serializing content
again, and compressed with gzip as it is built. A bundle is built once per feed
position (and origin) and kept in the cache.
"""

import datetime
import hashlib
import json
import zlib
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse

from api.caching import strong_etag
from publishing import documents
from publishing.models import Document

from . import changes, cursors

FORMAT = "rehabinfo-snapshot"
VERSION = 1
CHUNK_SIZE = 500  # documents read per round trip
GZIP_LEVEL = 6
# A built bundle is kept while the feed stays at its position, at most this long.
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
    """The gzip-compressed snapshot for ``origin`` ("https://host"): built
    once per feed position and origin, so it changes only when the feed moves
    (and its ETag with it)."""
    sequence = changes.catch_up(now)
    digest = hashlib.sha256(origin.encode()).hexdigest()[:16]
    key = f"feed:snapshot:v{VERSION}:{sequence}:{digest}"
    body = cache.get(key)
    if body is None:
        body = build(origin, sequence, now).body
        cache.set(key, body, CACHE_SECONDS)
    return body


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

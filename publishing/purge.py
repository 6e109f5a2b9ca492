"""CDN purge: responses name what they show, and a change purges exactly that.

Every response built from stored documents carries its *surrogate keys*
(``Surrogate-Key``, space-separated, as Fastly and Varnish read it, and
``Cache-Tag``, comma-separated, as Cloudflare and Akamai read it): its own
page (``page-topic-12``), its item and every row it shows (``topic-12``,
``faq-31``, ``reviewer-2``, ``resource-any`` for the list of help lines every
widget shows). List pages carry ``list``, search results ``search``.

When a change commits, a task (``publishing.tasks.purge_keys``) purges the
keys of the rows it touched through the configured purger (``CDN_PURGER``),
with ``list`` and ``search``: every cached response that shows a changed row
goes, and nothing else. A scheduled change,
which no save announces, reaches CDNs within ``s-maxage``.
"""

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from .models import EVERY_ROW

logger = logging.getLogger(__name__)

LIST_KEY = "list"
SEARCH_KEY = "search"


def item_key(kind: str, item_id: int) -> str:
    return f"{kind}-any" if item_id == EVERY_ROW else f"{kind}-{item_id}"


def page_key(kind: str, item_id: int) -> str:
    """The key of an item's own pages only (not of the pages showing it)."""
    return f"page-{kind}-{item_id}"


def document_keys(kind: str, item_id: int, shows) -> str:
    """The surrogate keys of an item's documents: its own pages, the item,
    and every row they show."""
    keys = {page_key(kind, item_id), item_key(kind, item_id)}
    keys |= {item_key(k, i) for k, i in shows}
    return " ".join(sorted(keys))


def change_keys(rows, pages) -> list[str]:
    """What to purge after a change (``publishing.receivers.rows_and_pages``):
    every response showing a changed row, or every row of its kind; the own
    pages of the pages it touched (an FAQ's topic, which may not link the FAQ
    yet); and every list and search."""
    keys = {item_key(kind, item_id) for kind, item_id in rows}
    keys |= {item_key(kind, EVERY_ROW) for kind, _ in rows}
    keys |= {page_key(kind, item_id) for kind, item_id in pages}
    return sorted(keys | {LIST_KEY, SEARCH_KEY})


def tag(response, keys: str) -> None:
    """Name the response's surrogate keys, in both spellings CDNs read."""
    if keys:
        response.headers["Surrogate-Key"] = keys
        response.headers["Cache-Tag"] = keys.replace(" ", ",")


class LoggingPurger:
    """The default: says what would be purged (no CDN configured)."""

    def purge(self, keys: list[str]) -> None:
        logger.info("CDN purge of %d keys: %s", len(keys), " ".join(keys))


class HTTPPurger:
    """POSTs ``{"surrogate_keys": [...]}`` to ``CDN_PURGE_URL`` (with
    ``CDN_PURGE_TOKEN`` as a bearer token, if set): the shape of Fastly's and
    Cloudflare's purge-by-key APIs behind a small adapter, or of your own."""

    def __init__(self, url: str | None = None, token: str | None = None):
        self.url = url or settings.CDN_PURGE_URL
        self.token = settings.CDN_PURGE_TOKEN if token is None else token

    def purge(self, keys: list[str]) -> None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"surrogate_keys": keys}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        # urlopen raises on a non-2xx answer: the caller retries.
        with urllib.request.urlopen(
            request, timeout=settings.CDN_PURGE_TIMEOUT
        ) as answer:
            answer.read()


def purger():
    return import_string(settings.CDN_PURGER)()


def purge(keys: list[str]) -> None:
    purger().purge(keys)

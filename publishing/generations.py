"""Generation tokens: what a cached response of a document's address depends on.

The response cache (``api.response_cache``) keeps a document's responses (a
topic's, comparison's, FAQ's or resource's detail and JSON-LD, and the plain
list pages of each kind) valid for as long as the item's *generation token*
stays the same, instead of the global content version, so an edit misses only
the entries of the items that show the edited row:

- ``generation:v1:item:{kind}:{lookup}``, one per item, named from its URL
  without SQL (``dependency``);
- ``generation:v1:list:{kind}``, one per kind, for its list pages.

An edit replaces the tokens of every item whose documents it marks stale and
of the lists of the kinds it touches (``retire``): they are deleted in the
edit's own transaction, and replaced by fresh random ones when it commits. A
request stores its entry under the token it read *before* its view ran, and a
missing token is only ever created with ``add``: so an edit racing a request
leaves a miss behind, never a stale hit.

Writes that skip Django's signals (SQL, ``QuerySet.update()``) replace no
token: every entry therefore expires ``ENTRY_LIFETIME`` seconds after it was
made, or earlier at its document's ``valid_until`` (the next publish or
unpublish time of anything it shows; for a list, of any item).
"""

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from content.models.changes import VERSION_CACHE_TIMEOUT

from . import addresses, documents

PREFIX = "generation:v1:"
# The bound on a write that skips signals: the same minute an edit made while
# the cache is unreachable takes to show everywhere else (the cached content
# version's lifetime), well inside the CDN's s-maxage.
ENTRY_LIFETIME = VERSION_CACHE_TIMEOUT
# Plain list pages: paginated, neither filtered nor ordered otherwise.
LIST_PARAMETERS = frozenset({"limit", "offset"})
# Lookups that make a plain cache key (a slug or an id); any other address is
# no item's (a 404) and is left to the content version.
LOOKUP = re.compile(r"[-\w]{1,200}", re.ASCII)
# Whose publication a kind's own follows (``published()`` of FAQs and
# comparisons): a change to one of these rows may add or remove items of the
# dependent kinds from their lists without touching their documents.
DEPENDENT_KINDS = {"topic": ("comparison", "faq"), "comparison": ("faq",)}


@dataclass(frozen=True)
class Dependency:
    """The generation token a cached response depends on."""

    key: str
    # A list page: its items also come and go at any publish or unpublish time.
    is_list: bool


def item_key(kind: str, lookup: str) -> str:
    return f"{PREFIX}item:{kind}:{lookup}"


def list_key(kind: str) -> str:
    return f"{PREFIX}list:{kind}"


def dependency(request) -> Dependency | None:
    """The token this keyless GET's response depends on, from its URL alone:
    a document's address (``{kind}-{representation}`` in URL names) or a
    kind's plain list; ``None`` for everything else."""
    if not request.path.startswith("/api/v1/"):
        return None
    match = addresses.resolved(request.path_info)
    if match is None:
        return None
    kind_name, _, name = (match.url_name or "").partition("-")
    kind = documents.KINDS.get(kind_name)
    if match.namespace != "v1" or kind is None:
        return None
    if name == "list":
        if set(request.GET) <= LIST_PARAMETERS:
            return Dependency(list_key(kind_name), is_list=True)
        return None
    if name == documents.ENTRY or name not in kind.representations:
        return None
    lookup = str(match.kwargs.get(kind.lookup_field, ""))
    if not LOOKUP.fullmatch(lookup):
        return None
    return Dependency(item_key(kind_name, lookup), is_list=False)


def new_token() -> str:
    return secrets.token_hex(8)


def token(key: str, found: str | None) -> str | None:
    """The current token: ``found`` (read with the entry), or a new one added
    if there is none yet, or whichever a concurrent request added first.
    ``None`` while the cache is unusable: nothing is stored then."""
    if found is not None:
        return found
    created = new_token()
    if cache.add(key, created, timeout=settings.RESPONSE_CACHE_TIMEOUT):
        return created
    return cache.get(key)


def retire(addresses: set[tuple[str, str]], changed_kinds: set[str]) -> None:
    """Make every cached response of these (kind, lookup) addresses, and of the
    lists of their kinds, a miss from now on. ``changed_kinds``: the kinds of
    the rows that changed themselves, whose lists (and their dependents')
    may gain or lose items.

    Called inside the change's transaction: the tokens go at once (requests
    meanwhile add their own, which are replaced too) and fresh ones are set
    when it commits, so no request after the commit finds an older token.
    """
    kinds = {kind for kind, _ in addresses} | set(changed_kinds)
    for kind in changed_kinds:
        kinds.update(DEPENDENT_KINDS.get(kind, ()))
    keys = {item_key(kind, lookup) for kind, lookup in addresses}
    keys |= {list_key(kind) for kind in kinds if kind in documents.KINDS}
    if not keys:
        return
    cache.delete_many(keys)

    def replace():
        cache.set_many(
            {key: new_token() for key in keys}, settings.RESPONSE_CACHE_TIMEOUT
        )

    transaction.on_commit(replace, robust=True)

"""Partner keys on requests: which partner is calling, from where, and counting it.

``resolve_partner`` is the one place that reads a key from a request; the API's
authentication class and the embed views both call it, and both count usage
with ``record_usage``.

Key lookups are cached for a short while by prefix, misses included (the
cached row holds the prefix and the hash, never the key). Saving or deleting
a key or its partner drops its entry at once, so a revocation takes effect on
the next request; the lifetime bounds what an in-process cache (no Redis)
keeps after an edit made in another process.
"""

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from api.throttling import KeyCheckThrottle
from partners.keys import KEY_HEADER, KEY_PATTERN, KEY_QUERY_PARAMETER
from partners.models import Partner, PartnerAPIKey, PartnerUsage, normalise_origin

FAMILY_MAX_LENGTH = PartnerUsage._meta.get_field("family").max_length
SHOWN_ORIGIN_LENGTH = 100
KEY_LOOKUP_CACHE_SECONDS = 60
NO_SUCH_KEY = "no-such-key"  # A cached miss: no key has this prefix.


class PartnerKeyError(Exception):
    """A key that cannot be used: ``status`` and ``detail`` of the problem response."""

    status = 401

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class InvalidKey(PartnerKeyError):
    """Unknown, malformed, revoked or expired key, or a partner switched off."""

    status = 401


class OriginNotAllowed(PartnerKeyError):
    """A valid key sent from a website outside the partner's allowed origins."""

    status = 403


class TooManyKeyChecks(PartnerKeyError):
    """The address has had its share of key checks for now (KeyCheckThrottle)."""

    status = 429

    def __init__(self, wait: float):
        super().__init__("Too many requests with keys that are not valid.")
        self.wait = wait


def presented_key(request, *, allow_query_key: bool = False) -> str | None:
    key = request.META.get("HTTP_X_API_KEY")
    if key is None and allow_query_key:
        key = request.GET.get(KEY_QUERY_PARAMETER)
    return None if key is None else key.strip()


def browser_origin(request) -> str | None:
    """Where a browser says the request comes from: Origin, else Referer's origin.

    A request with neither comes from a server or an app, which may use a key
    anywhere. A Referer that is no web address gives an origin no partner allows.
    """
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        return origin
    referer = request.META.get("HTTP_REFERER")
    if referer:
        return normalise_origin(referer, allow_path=True) or referer
    return None


def lookup_cache_key(prefix: str) -> str:
    return f"partner-key:{prefix}"


def refusal(api_key: PartnerAPIKey | str, key: str) -> str | None:
    """Why ``key`` cannot be used, given the row found by its prefix; None if it can."""
    # Only the holder of the whole key learns that it was revoked or expired.
    if api_key == NO_SUCH_KEY or not api_key.is_valid(key):
        return "Unknown API key. Check it, or ask Rehabinfo for a new one."
    if api_key.revoked:
        return "This API key has been revoked; use the partner's new key."
    if api_key.has_expired:
        return "This API key has expired; ask Rehabinfo for a new one."
    if not api_key.partner.is_active:
        return "This API key's partner account is not active."
    return None


def usable_key(request, key: str) -> PartnerAPIKey:
    """The row of ``key`` if the key may be used; raises InvalidKey otherwise.

    A key known to be good (from the lookup cache) is checked with no further
    cost. Otherwise an address that has had its share of refused keys gets
    TooManyKeyChecks before anything is looked up, and each refusal counts.
    """
    well_formed = KEY_PATTERN.fullmatch(key) is not None
    prefix = key.partition(".")[0]
    found = cache.get(lookup_cache_key(prefix)) if well_formed else None
    if found is not None and refusal(found, key) is None:
        return found
    checks = KeyCheckThrottle()
    if checks.exhausted(request):
        raise TooManyKeyChecks(checks.wait())
    if not well_formed:
        checks.allow_request(request, None)
        raise InvalidKey(
            f"The {KEY_HEADER} value is not a Rehabinfo API key: a key is 8 "
            "letters or digits, a dot, and 32 letters or digits."
        )
    if found is None:
        found = (
            PartnerAPIKey.objects.select_related("partner")
            .filter(prefix=prefix)
            .first()
        ) or NO_SUCH_KEY
        cache.set(lookup_cache_key(prefix), found, KEY_LOOKUP_CACHE_SECONDS)
    reason = refusal(found, key)
    if reason:
        checks.allow_request(request, None)
        raise InvalidKey(reason)
    return found


def resolve_partner(request, *, allow_query_key: bool = False) -> Partner | None:
    """Partner whose key the request carries, or None when it carries none.

    The key is read from the X-Api-Key header, or from ``?key=`` when
    ``allow_query_key`` (widget URLs, which cannot send headers). Raises
    InvalidKey for an unknown, malformed, revoked or expired key or an inactive
    partner, TooManyKeyChecks when the address has sent too many keys that
    needed checking, and OriginNotAllowed for a browser request (Origin, else
    Referer) from a site outside the partner's allowed origins. A keyed request
    with neither header comes from a server and is allowed.
    """
    key = presented_key(request, allow_query_key=allow_query_key)
    if key is None:
        return None
    partner = usable_key(request, key).partner
    origin = browser_origin(request)
    if origin is not None and not partner.allows_origin(origin):
        shown = origin[:SHOWN_ORIGIN_LENGTH]
        raise OriginNotAllowed(
            f"This API key may not be used from {shown}: the partner has not "
            "listed that site among its allowed origins."
        )
    return partner


def record_usage(partner: Partner, family: str) -> None:
    """Count one request of ``partner`` today (UTC) under an endpoint ``family``.

    One UPDATE with an F() increment, atomic in the database whatever the
    number of workers; only the day's first request of a family inserts the
    row (a concurrent first insert falls back to the increment).
    """
    row = {
        "partner": partner,
        "day": timezone.now().date(),
        "family": family[:FAMILY_MAX_LENGTH],
    }
    if PartnerUsage.objects.filter(**row).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            PartnerUsage.objects.create(**row, count=1)
    except IntegrityError:
        PartnerUsage.objects.filter(**row).update(count=F("count") + 1)


def forget_key_lookups(prefixes: list[str]) -> None:
    """Drop cached lookups now and again at commit, so no request re-caches
    the row as it was before the change."""
    cache_keys = [lookup_cache_key(prefix) for prefix in prefixes]
    if cache_keys:
        cache.delete_many(cache_keys)
        transaction.on_commit(lambda: cache.delete_many(cache_keys))


@receiver([post_save, post_delete], sender=PartnerAPIKey)
def key_changed(sender, instance, **kwargs):
    forget_key_lookups([instance.prefix])


@receiver(post_save, sender=Partner)
def partner_changed(sender, instance, **kwargs):
    # Its keys' cached rows carry the partner (active, origins, rate tier).
    forget_key_lookups(list(instance.api_keys.values_list("prefix", flat=True)))

"""Partner keys on requests: which partner is calling, from where, and counting it.

``resolve_partner`` is the one place that reads a key from a request; the API's
authentication class and the embed views both call it, and both count usage
with ``record_usage``.
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from api.models import Partner, PartnerAPIKey, PartnerUsage, normalise_origin

KEY_HEADER = "X-Api-Key"
KEY_QUERY_PARAMETER = "key"
# What KeyGenerator makes: an 8-character prefix, a dot, a 32-character secret.
KEY_PATTERN = re.compile(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}")
FAMILY_MAX_LENGTH = PartnerUsage._meta.get_field("family").max_length
SHOWN_ORIGIN_LENGTH = 100


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


def usable_key(key: str) -> PartnerAPIKey:
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidKey(
            f"The {KEY_HEADER} value is not a Rehabinfo API key: a key is 8 "
            "letters or digits, a dot, and 32 letters or digits."
        )
    prefix = key.partition(".")[0]
    api_key = (
        PartnerAPIKey.objects.select_related("partner").filter(prefix=prefix).first()
    )
    # Only the holder of the whole key learns that it was revoked or expired.
    if api_key is None or not api_key.is_valid(key):
        raise InvalidKey("Unknown API key. Check it, or ask Rehabinfo for a new one.")
    if api_key.revoked:
        raise InvalidKey("This API key has been revoked; use the partner's new key.")
    if api_key.has_expired:
        raise InvalidKey("This API key has expired; ask Rehabinfo for a new one.")
    if not api_key.partner.is_active:
        raise InvalidKey("This API key's partner account is not active.")
    return api_key


def resolve_partner(request, *, allow_query_key: bool = False) -> Partner | None:
    """Partner whose key the request carries, or None when it carries none.

    The key is read from the X-Api-Key header, or from ``?key=`` when
    ``allow_query_key`` (widget URLs, which cannot send headers). Raises
    InvalidKey for an unknown, malformed, revoked or expired key or an inactive
    partner, and OriginNotAllowed for a browser request (Origin, else Referer)
    from a site outside the partner's allowed origins. A keyed request with
    neither header comes from a server and is allowed.
    """
    key = presented_key(request, allow_query_key=allow_query_key)
    if key is None:
        return None
    partner = usable_key(key).partner
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

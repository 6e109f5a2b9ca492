"""Partner keys on the API: optional, in the X-Api-Key header.

A keyless request stays anonymous and allowed. A keyed one makes
``request.auth`` the Partner (for its rate tier) and is counted in the
partner's usage; a bad key is a 401 problem, a key used from a website the
partner has not listed a 403 problem.
"""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from partners.access import (
    InvalidKey,
    OriginNotAllowed,
    TooManyKeyChecks,
    record_usage,
    resolve_partner,
)
from partners.keys import KEY_HEADER

# The family of /api/v1/topics/heroin-rehab/ is "topics"; of /api/v1/, "root".
FAMILY_PATH = re.compile(r"^/api/v[0-9]+/([^/]*)")


def view_of(request):
    return (getattr(request, "parser_context", None) or {}).get("view")


def usage_family(request) -> str:
    """The view's ``usage_family``, else the first path segment after the version."""
    family = getattr(view_of(request), "usage_family", "")
    if family:
        return family
    match = FAMILY_PATH.match(request.path)
    return (match and match[1]) or "root"


class PartnerKeyAuthentication(BaseAuthentication):
    """Identify the partner by its key; keyless requests stay anonymous."""

    def authenticate(self, request):
        # Widget endpoints (``key_in_query`` views) also read ``?key=``: a
        # header would cost the script widget a CORS preflight, and the key is
        # on the partner's page anyway.
        try:
            partner = resolve_partner(
                request,
                allow_query_key=getattr(view_of(request), "key_in_query", False),
            )
        except InvalidKey as error:
            raise exceptions.AuthenticationFailed(error.detail) from error
        except OriginNotAllowed as error:
            raise exceptions.PermissionDenied(error.detail) from error
        except TooManyKeyChecks as error:
            raise exceptions.Throttled(error.wait) from error
        if partner is None:
            return None
        record_usage(partner, usage_family(request))
        return (None, partner)

    def authenticate_header(self, request):
        # Any value keeps DRF answering 401 (it falls back to 403 without one).
        return "Api-Key"


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = PartnerKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": KEY_HEADER,
            "description": "Optional partner key. Keyed requests get the "
            "partner's rate limit and are counted in its usage; without a key "
            "the anonymous rate limit applies. An unknown, malformed or revoked "
            "key is a 401, a key used from a site the partner has not listed a "
            "403.",
        }

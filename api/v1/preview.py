"""Signed, expiring previews of the API representation of unpublished content.

An editor's preview link (made in the admin) names one item and the exact
content previewed. The answer is what the item's detail endpoint would serve
were it published now: the same view renders it, inside a transaction that
publishes the item (or its revision) and is then rolled back, so the bytes are
those publishing will serve.
"""

from django.utils.cache import add_never_cache_headers
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.views import APIView

from content import revisions
from rehabinfo.db_router import replica_reads

from . import schema, views

DETAIL_VIEWS = {
    "topic": (views.TopicViewSet, "slug"),
    "comparison": (views.ComparisonViewSet, "slug"),
    "faq": (views.FAQViewSet, "id"),
    "resource": (views.ResourceViewSet, "slug"),
}


class PreviewGone(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


class NotPublicWhenPublished(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "Published now, this item would not be public: a page it belongs to "
        "(its topic or comparison) is not live."
    )
    default_code = "not_public"


@schema.preview
class PreviewView(APIView):
    """What publishing an item now would serve at its detail endpoint."""

    # The detail view it runs authenticates, throttles and counts the request.
    authentication_classes = []
    throttle_classes = []

    def get(self, request, token: str):
        try:
            item = revisions.previewed_item(token)
        except revisions.PreviewUnavailable as refused:
            raise (PreviewGone if refused.gone else NotFound)(str(refused)) from None
        viewset, lookup = DETAIL_VIEWS[item._meta.model_name]
        # Everything is read on the primary, inside the rolled-back transaction.
        reads = replica_reads.set(False)
        try:
            with revisions.as_published(item) as published:
                response = viewset.as_view({"get": "retrieve"})(
                    request._request, **{lookup: str(getattr(published, lookup))}
                )
                if hasattr(response, "render"):  # Errors; documents are bytes.
                    response.render()
        finally:
            replica_reads.reset(reads)
        if response.status_code == status.HTTP_404_NOT_FOUND:
            raise NotPublicWhenPublished()
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response

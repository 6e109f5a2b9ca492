"""Limit/offset pagination that rejects bad values instead of ignoring them."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

# Bounds what a client can make the database skip; far beyond any real collection.
MAX_OFFSET = 1_000_000


class StrictLimitOffsetPagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100
    limit_query_description = "Number of results per page (1 to 100, default 20)."
    offset_query_description = "Index of the first result to return (default 0)."

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return self.default_limit
        limit = parse_non_negative_int(self.limit_query_param, raw)
        if not 1 <= limit <= self.max_limit:
            raise ValidationError(
                {self.limit_query_param: f"Must be between 1 and {self.max_limit}."}
            )
        return limit

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        if raw is None:
            return 0
        return parse_non_negative_int(self.offset_query_param, raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            bounds = (
                {"minimum": 1, "maximum": self.max_limit, "default": self.default_limit}
                if parameter["name"] == self.limit_query_param
                else {"minimum": 0, "maximum": MAX_OFFSET, "default": 0}
            )
            parameter["schema"].update(bounds)
        return parameters

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        properties = paginated["properties"]
        properties["count"]["example"] = 1
        for link in ("next", "previous"):
            # OpenAPI 3.1 (the schema's version) states nullability as a type.
            del properties[link]["nullable"]
            properties[link].update(type=["string", "null"], example=None)
        # Both links are in every page (null at either end).
        paginated["required"] = ["count", "next", "previous", "results"]
        return paginated


def parse_non_negative_int(name: str, raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_OFFSET:
        raise ValidationError({name: f"Must be a whole number from 0 to {MAX_OFFSET}."})
    return int(raw)

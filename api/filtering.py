"""Query parameters are part of the contract: unknown or bad ones are a 400."""

from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from partners.keys import KEY_HEADER, KEY_QUERY_PARAMETER


def unknown_parameter_message(name: str, allowed: set[str]) -> str:
    """Say what to send instead: the endpoint's parameters, or the key header."""
    if name == KEY_QUERY_PARAMETER:
        return (
            f"Unknown query parameter. Send an API key in the {KEY_HEADER} header; "
            "keys in URLs end up in logs."
        )
    known = ", ".join(sorted(allowed)) or "none"
    return f"Unknown query parameter. This endpoint's parameters: {known}."


class StrictOrderingFilter(OrderingFilter):
    ordering_description = (
        "Comma-separated fields to sort by; prefix with - to reverse."
    )

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            default = self.get_default_ordering(view)
            return [*default, "pk"] if default else default
        terms = [term.strip() for term in raw.split(",")]
        valid = self.remove_invalid_fields(queryset, terms, view, request)
        invalid = [term for term in terms if term not in valid]
        if invalid or not terms:
            choices = ", ".join(
                name for name, _ in self.get_valid_fields(queryset, view)
            )
            raise ValidationError(
                {
                    self.ordering_param: f"Unknown ordering field: "
                    f"{', '.join(invalid) or raw!r}. Choose from: {choices}."
                }
            )
        # A unique tie-breaker keeps pages stable when sort values repeat.
        return [*valid, "pk"]

    def get_schema_operation_parameters(self, view):
        fields = "|".join(view.ordering_fields)
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"{self.ordering_description} Fields: "
                f"{', '.join(view.ordering_fields)}.",
                "schema": {
                    "type": "string",
                    "pattern": rf"^-?({fields})(,-?({fields}))*$",
                },
            }
        ]


class StrictQueryParametersMixin:
    """Reject query parameters the endpoint does not define."""

    # Parameters that are switches: present, usually without a value.
    flag_parameters: frozenset[str] = frozenset()

    def allowed_query_parameters(self) -> set[str]:
        if getattr(self, "action", None) != "list":
            return set()
        allowed = set()
        if getattr(self, "filterset_class", None):
            allowed |= set(self.filterset_class.base_filters)
        if getattr(self, "ordering_fields", None):
            allowed.add(StrictOrderingFilter.ordering_param)
        if self.paginator is not None:
            allowed |= {
                self.paginator.limit_query_param,
                self.paginator.offset_query_param,
            }
        return allowed

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not hasattr(self, request.method.lower()):
            return  # An unsupported method is a 405, whatever the query says.
        allowed = self.allowed_query_parameters()
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError(
                {name: unknown_parameter_message(name, allowed) for name in unknown}
            )
        empty = sorted(
            name
            for name, value in request.query_params.items()
            if not value and name not in self.flag_parameters
        )
        if empty:
            raise ValidationError(
                {name: "Must not be empty; leave the parameter out." for name in empty}
            )

    def filter_queryset(self, queryset):
        # Filters and ordering belong to collections, never to detail lookups.
        if getattr(self, "action", None) != "list":
            return queryset
        return super().filter_queryset(queryset)

"""Arguments of the generic queries that reach the ORM: allow-listed, never a raw path."""

from django.core.exceptions import FieldDoesNotExist
from graphene.utils.str_converters import to_camel_case, to_snake_case
from graphql import GraphQLError

# Plain columns a client may sort by, never a lookup across relations.
ORDER_FIELDS = frozenset(
    {"id", "title", "slug", "name", "first_published_at", "last_published_at", "created_at"}
)
MAX_ORDER_TERMS = 3


def order_by(queryset, order: str, model=None):
    """`title`, `-firstPublishedAt,id`, ...: allow-listed plain fields of the listed model."""
    model = model or queryset.model
    terms = [term.strip() for term in order.split(",")]
    if not 1 <= len(terms) <= MAX_ORDER_TERMS:
        raise GraphQLError(f"order takes one to {MAX_ORDER_TERMS} fields, separated by commas.")
    checked = []
    for term in terms:
        name = to_snake_case(term.removeprefix("-"))
        if name not in ORDER_FIELDS or not _has_column(model, name):
            allowed = ", ".join(
                sorted(to_camel_case(n) for n in ORDER_FIELDS if _has_column(model, n))
            )
            raise GraphQLError(f"Cannot order by {term!r}; use one of: {allowed}.")
        checked.append(("-" if term.startswith("-") else "") + name)
    return queryset.order_by(*checked)


def _has_column(model, name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return getattr(field, "concrete", False) and not field.is_relation


def database_id(value, name: str = "id") -> int:
    """An ID argument as a database key; "abc" or "²" is a clear error, not a ValueError."""
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise GraphQLError(f"{name} must be a number.")
    return int(text)

"""The `any_of` lookup: `__in` for the hundreds of ids a batch filters by (its subscribers,
jobs, alerts)."""

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    """`field__any_of=ids`: on PostgreSQL `field = ANY(%s)` with the ids as one array
    parameter, which plans like `IN (...)` (index scans), while a placeholder per id cost
    Django's lookup, psycopg's query conversion and the server's parser more than the query
    itself. Elsewhere a plain `IN` list."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        condition, params = any_of_sql(connection, self.rhs)
        return f"{lhs} {condition}", [*lhs_params, *params]


def any_of_sql(connection, ids) -> tuple[str, list]:
    """The right-hand side of `any_of` and its parameters, for raw statements too."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [ids]
    return f"IN ({', '.join(['%s'] * len(ids))})", ids


def register_lookups():
    # Relations keep lookups of their own (ForeignObject does not inherit Field's).
    for field_class in (Field, ForeignObject):
        field_class.register_lookup(AnyOf)

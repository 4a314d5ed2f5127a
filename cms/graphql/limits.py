"""What a request may ask for, checked before anything runs, and bounds on what it may cost
while it runs.

Before execution (a refused request is a 400 and runs nothing):
- graphql-core's standard rules, NUL characters in strings, introspection when it is off
  (`static_rules`, cached with the parsed document);
- depth, cost and argument bounds, which depend on the variables (`measure_request`).

Cost: every selected field costs 1, `__typename` included, and a field of a large scalar
(rich text, JSON-LD) costs TEXT_FIELD_COST; a list multiplies what is under it by the items
it can hold (its `perPage`/`limit`, literal, variable or variable's default; when absent,
what the resolver then returns: the default page size, or TREE_LIST_LIMIT for `limit`; for
lists without a size argument LIST_ITEMS, else UNSIZED_LIST_ITEMS); each root field adds
ROOT_FIELD_COST, being its own round of queries; each introspection root (`__schema`,
`__type`) adds INTROSPECTION_COST, its answer being bounded by the schema's size. Named
fragments are measured once per (depth, list size), so a fragment bomb costs linear time to
measure.

While executing (cms/graphql/execution.py and `time_budget`): the response's size, and the
request's time: one deadline per request, checked between objects, and each SQL statement
allowed only what remains of it.
"""

import contextlib
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    IntValueNode,
    OperationType,
    ValidationRule,
    VariableNode,
    get_named_type,
    specified_rules,
)
from graphql.validation import NoSchemaIntrospectionCustomRule

SIZE_ARGUMENTS = ("limit", "perPage")
# What a list returns at most: tree fields, `pages`, `images` and `documents` when `limit`
# is absent (and their highest `limit`); `search`; a term's `usedIn`.
TREE_LIST_LIMIT = 100
SEARCH_RESULT_LIMIT = 50
USED_IN_LIMIT = 100
# Lists without a size argument, priced at what they can return. Other such lists are the
# editors' choices or the taxonomy (a job's disciplines, a block's items): UNSIZED_LIST_ITEMS.
LIST_ITEMS = {
    ("Query", "search"): SEARCH_RESULT_LIMIT,
    ("DefinitionPage", "usedIn"): USED_IN_LIMIT,
}
UNSIZED_LIST_ITEMS = 10
ROOT_FIELD_COST = 500
INTROSPECTION_COST = 2000
TEXT_FIELD_COST = 10
TEXT_SCALARS = frozenset({"RichText", "JSONString"})
# Arguments whose bounds are checked before execution, by name: (lowest, highest or None).
ARGUMENT_BOUNDS = {
    "page": (1, None),
    "offset": (0, None),
}
MAX_VARIABLES_DEPTH = 8
MEASURES_PER_DOCUMENT = 16  # measures kept with a cached document (one per set of sizes)


def static_rules() -> tuple:
    """graphql-core's standard rules plus ours that do not depend on the variables."""
    rules = [*specified_rules, NoNulCharactersRule, ArgumentBoundsRule]
    if not settings.GRAPHQL_ENABLE_INTROSPECTION:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


def argument_bounds() -> dict:
    return {
        **ARGUMENT_BOUNDS,
        "perPage": (1, settings.GRAPHQL_MAX_PAGE_SIZE),
        "limit": (0, settings.GRAPHQL_MAX_PAGE_SIZE),
    }


def _bounds_error(name: str, value: int) -> str | None:
    lowest, highest = argument_bounds().get(name, (None, None))
    if (lowest is not None and value < lowest) or (highest is not None and value > highest):
        upper = f" and at most {highest}" if highest is not None else ""
        return f"{name} must be at least {lowest}{upper}; got {value}."
    return None


class NoNulCharactersRule(ValidationRule):
    """PostgreSQL text cannot hold NUL, so a NUL in a string would fail deep in a resolver."""

    def enter_string_value(self, node, *_args):
        if "\x00" in node.value:
            self.report_error(GraphQLError("Strings cannot contain NUL characters.", node))


class ArgumentBoundsRule(ValidationRule):
    """`perPage: 1000` or `page: -1` written in the query is a validation error (a 400)."""

    def enter_argument(self, node, *_args):
        if isinstance(node.value, IntValueNode):
            message = _bounds_error(node.name.value, int(node.value.value))
            if message:
                self.report_error(GraphQLError(message, node))


# --- Checks that depend on the variables


def check_variables(variables: dict) -> bool:
    """Refuse variables nested deeper than any input of the schema, or holding NUL; say
    whether any key names a token (such a request is never cached). One walk, without
    recursion: the variables are the client's and may nest as deep as JSON parses."""
    stack = [(variables, 0)]
    token_key = False
    while stack:
        value, depth = stack.pop()
        if depth > MAX_VARIABLES_DEPTH:
            raise GraphQLError(f"Variables nest deeper than {MAX_VARIABLES_DEPTH} levels.")
        if isinstance(value, str) and "\x00" in value:
            raise GraphQLError("Variables cannot contain NUL characters.")
        if isinstance(value, dict):
            token_key |= any("token" in str(key).lower() for key in value)
            stack.extend((item, depth + 1) for item in value.values())
            stack.extend((key, depth + 1) for key in value)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return token_key


def bounded_argument_variables(document) -> dict[str, str]:
    """Variables used as bounded arguments, by variable name: the argument's name."""
    from graphql.language import Visitor, visit

    found: dict[str, str] = {}

    class Finder(Visitor):
        def enter_argument(self, node, *_args):
            if isinstance(node.value, VariableNode) and node.name.value in argument_bounds():
                found[node.value.name.value] = node.name.value

    visit(document, Finder())
    return found


@dataclass(frozen=True)
class Measure:
    depth: int
    cost: int


def measure_request(prepared, operation, variables: dict) -> Measure:
    """Depth and cost of the operation with these variables; raises GraphQLError for a
    variable out of its argument's bounds or a request over the limits."""
    sizes = {}
    # A bound given as a variable's default is checked (and priced) as one given inline.
    defaults = {
        definition.variable.name.value: int(definition.default_value.value)
        for definition in operation.variable_definitions
        if isinstance(definition.default_value, IntValueNode)
    }
    for variable, argument in prepared.bounded_variables.items():
        value = variables[variable] if variable in variables else defaults.get(variable)
        if isinstance(value, int) and not isinstance(value, bool):
            message = _bounds_error(argument, value)
            if message:
                raise GraphQLError(f"Variable ${variable}: {message}")
            sizes[variable] = value
    name = operation.name.value if operation.name else None
    # Kept with the document (so it leaves the cache with it), a few per document.
    key = (name, json.dumps(sizes, sort_keys=True))
    measure = prepared.measures.get(key)
    if measure is None:
        measure = _measure(prepared, name, sizes)
        if len(prepared.measures) < MEASURES_PER_DOCUMENT:
            prepared.measures[key] = measure
    if measure.depth > settings.GRAPHQL_MAX_DEPTH:
        raise GraphQLError(
            f"The query nests fields deeper than the limit of {settings.GRAPHQL_MAX_DEPTH}."
        )
    if measure.cost > settings.GRAPHQL_MAX_COST:
        raise GraphQLError(
            f"Query cost {measure.cost} exceeds the limit of {settings.GRAPHQL_MAX_COST}; "
            "ask for fewer items or fields."
        )
    return measure


def _measure(prepared, operation_name: str | None, sizes: dict) -> Measure:
    from graphql import get_operation_ast

    operation = get_operation_ast(prepared.document, operation_name)
    schema = prepared.schema
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    walker = _Walker(prepared, schema, sizes)
    depth, cost = walker.selections(operation.selection_set, root, None, 0, frozenset())
    return Measure(depth, cost)


class _Walker:
    def __init__(self, prepared, schema, sizes: dict):
        self.fragments = prepared.fragments
        self.schema = schema
        self.sizes = sizes
        self.fragment_measures = {}

    def selections(self, selection_set, parent_type, items, depth, fragments):
        """(depth, cost) of a selection set; `items` is the size a paginated parent asked for;
        `fragments` the named fragments already on this path (cycles are reported elsewhere)."""
        deepest = cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                measured = self.field(selection, parent_type, items, depth, fragments)
            elif isinstance(selection, FragmentSpreadNode):
                measured = self.spread(selection.name.value, items, depth, fragments)
            else:
                inline_type = self._type(selection.type_condition, parent_type)
                measured = self.selections(
                    selection.selection_set, inline_type, items, depth, fragments
                )
            deepest = max(deepest, measured[0])
            cost += measured[1]
        return deepest, cost

    def spread(self, name, items, depth, fragments):
        fragment = self.fragments.get(name)
        if fragment is None or name in fragments:
            return 0, 0  # unknown or cyclic: graphql-core's own rules report it
        key = (name, items, depth)
        if key not in self.fragment_measures:
            self.fragment_measures[key] = self.selections(
                fragment.selection_set,
                self._type(fragment.type_condition, None),
                items,
                depth,
                fragments | {name},
            )
        return self.fragment_measures[key]

    def field(self, node, parent_type, items, depth, fragments):
        name = node.name.value
        if name in ("__schema", "__type"):
            # Bounded by the schema, not by the selection: a flat price, and no depth (the
            # standard introspection query nests `ofType` deeper than any content query).
            return 0, INTROSPECTION_COST
        definition = (
            parent_type.fields.get(name)
            if isinstance(parent_type, GraphQLObjectType | GraphQLInterfaceType)
            else None
        )
        named = get_named_type(definition.type) if definition is not None else None
        base = TEXT_FIELD_COST if named is not None and named.name in TEXT_SCALARS else 1
        if depth == 0:
            base += ROOT_FIELD_COST
        if node.selection_set is None:
            return 1, base
        if depth >= settings.GRAPHQL_MAX_DEPTH:
            return 2, base  # deep enough to refuse: stop rather than recurse without end
        size = self._size(node, definition)
        multiplier, child_items = 1, None
        if definition is not None and _is_list(definition.type):
            listed = LIST_ITEMS.get((getattr(parent_type, "name", None), name))
            multiplier = size or items or listed or UNSIZED_LIST_ITEMS
        elif size is not None:
            child_items = size
        child_depth, child_cost = self.selections(
            node.selection_set, named, child_items, depth + 1, fragments
        )
        return 1 + child_depth, base + multiplier * child_cost

    def _type(self, condition, default):
        return self.schema.get_type(condition.name.value) if condition else default

    def _size(self, node, definition) -> int | None:
        if definition is None or not any(name in definition.args for name in SIZE_ARGUMENTS):
            return None
        for argument in node.arguments:
            if argument.name.value in SIZE_ARGUMENTS:
                value = argument.value
                if isinstance(value, VariableNode):
                    size = self.sizes.get(value.name.value)
                    return settings.GRAPHQL_MAX_PAGE_SIZE if size is None else size
                if isinstance(value, IntValueNode):
                    return int(value.value)
                return settings.GRAPHQL_MAX_PAGE_SIZE
        # Absent: what the resolver then returns.
        return (
            settings.GRAPHQL_DEFAULT_PAGE_SIZE if "perPage" in definition.args else TREE_LIST_LIMIT
        )


def _is_list(type_) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


# --- Bounds while executing


class ExecutionLimitExceeded(BaseException):
    """Raised inside execution to stop it at once. A BaseException, so that graphql-core's
    per-field error handling (which catches Exception and carries on with the next field)
    cannot turn it into a null and keep working."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


# The clock deadlines read (a module attribute, so tests can stand in a clock of their own).
CLOCK = time.monotonic
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement stopped by statement_timeout
SQLITE_STEPS = 10_000  # SQLite virtual machine steps between two looks at the deadline


class Deadline:
    """A request's time budget (GRAPHQL_MAX_SECONDS): started once, when the request is
    read; execution checks it between objects and every SQL statement gets what remains
    (`time_budget`)."""

    def __init__(self, seconds: float, clock=None):
        self.seconds = seconds
        self.clock = clock or CLOCK
        self.ends = self.clock() + seconds

    def remaining(self) -> float:
        return self.ends - self.clock()

    def exceeded(self) -> ExecutionLimitExceeded:
        return ExecutionLimitExceeded(
            f"The query took longer than {self.seconds:g} s; ask for fewer items or fields.",
            503,
        )

    def check(self) -> None:
        if self.remaining() <= 0:
            raise self.exceeded()


class _StatementBudget:
    """A connection execute wrapper: a statement starts only while time remains, and runs
    for at most what remains (PostgreSQL: `SET LOCAL statement_timeout` just before it, on
    the same cursor; SQLite: the progress handler `time_budget` sets). A statement stopped
    for time ends the request at once with the deadline's error."""

    def __init__(self, deadline: Deadline, postgresql: bool):
        self.deadline = deadline
        self.postgresql = postgresql

    def __call__(self, execute, sql, params, many, context):
        remaining = self.deadline.remaining()
        if remaining <= 0:
            raise self.deadline.exceeded()
        if self.postgresql:
            # On a cursor of the driver's own, not Django's: this is the wrapper's statement,
            # not one more for the wrappers (and query counts) to see; and not the statement's
            # cursor, which may be a server-side one (QuerySet.iterator()).
            milliseconds = max(1, int(remaining * 1000))
            with context["connection"].connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {milliseconds}")
        try:
            return execute(sql, params, many, context)
        except DatabaseError as error:
            cancelled = getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED
            if cancelled or self.deadline.remaining() <= 0:
                raise self.deadline.exceeded() from error
            raise


@contextlib.contextmanager
def time_budget(deadline: Deadline):
    """Run the request's statements within its deadline: on PostgreSQL inside one
    transaction (SET LOCAL lasts until its end), on SQLite with a progress handler that
    interrupts a statement running past it."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.execute_wrapper(_StatementBudget(deadline, True)):
            yield
        return
    with connection.execute_wrapper(_StatementBudget(deadline, False)):
        if connection.vendor != "sqlite":
            yield
            return
        connection.ensure_connection()
        raw = connection.connection
        raw.set_progress_handler(lambda: int(deadline.remaining() <= 0), SQLITE_STEPS)
        try:
            yield
        finally:
            raw.set_progress_handler(None, 0)

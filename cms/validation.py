"""Validation rules that refuse a query before it runs: depth, cost, introspection, NULs.

Cost counts one per field, multiplied down the tree by how many items a list can hold: the
`limit`/`perPage` argument (literal or variable; its default when absent), the size asked of
a paginated parent for its `items`, or UNSIZED_LIST_ITEMS for lists without a size argument.
Each root field adds ROOT_FIELD_COST, because each is its own round of database queries. So
`pages(limit: 100) { id }` costs 601, and 200 aliases of it cost 120,200: refused under the
default GRAPHQL_MAX_COST of 20,000 (as is anything past 40 root fields), while a full
`jobs(perPage: 100)` page with every field costs about 9,100.
Introspection fields are left out of both measures: the schema bounds them, and
GRAPHQL_ENABLE_INTROSPECTION switches them off.
"""

from django.conf import settings
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
UNSIZED_LIST_ITEMS = 10
ROOT_FIELD_COST = 500


def validation_rules(variables: dict | None) -> tuple:
    """graphql-core's standard rules plus ours; `variables` size the lists they set."""
    rules = [*specified_rules, complexity_rule(variables or {}), no_nul_rule(variables or {})]
    if not settings.GRAPHQL_ENABLE_INTROSPECTION:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


def complexity_rule(variables: dict) -> type[ValidationRule]:
    class QueryComplexityRule(ValidationRule):
        def enter_operation_definition(self, node, *_args):
            root = {
                OperationType.QUERY: self.context.schema.query_type,
                OperationType.MUTATION: self.context.schema.mutation_type,
                OperationType.SUBSCRIPTION: self.context.schema.subscription_type,
            }[node.operation]
            measure = _Measure(self.context, variables, settings.GRAPHQL_MAX_DEPTH)
            depth, cost = measure.selections(node.selection_set, root, None, 0, frozenset())
            if depth > settings.GRAPHQL_MAX_DEPTH:
                self.report_error(
                    GraphQLError(
                        f"The query nests fields deeper than the limit of "
                        f"{settings.GRAPHQL_MAX_DEPTH}.",
                        node,
                    )
                )
            elif cost > settings.GRAPHQL_MAX_COST:
                self.report_error(
                    GraphQLError(
                        f"Query cost {cost} exceeds the limit of {settings.GRAPHQL_MAX_COST}; "
                        "ask for fewer items or fields.",
                        node,
                    )
                )
            return self.SKIP

    return QueryComplexityRule


def no_nul_rule(variables: dict) -> type[ValidationRule]:
    """PostgreSQL text cannot hold NUL, so a NUL in a string argument would fail deep in a
    resolver; refuse it up front, in the query's strings and in the variables."""

    class NoNulCharactersRule(ValidationRule):
        def enter_document(self, node, *_args):
            if _has_nul(variables):
                self.report_error(GraphQLError("Variables cannot contain NUL characters."))

        def enter_string_value(self, node, *_args):
            if "\x00" in node.value:
                self.report_error(GraphQLError("Strings cannot contain NUL characters.", node))

    return NoNulCharactersRule


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class _Measure:
    def __init__(self, context, variables: dict, max_depth: int):
        self.context = context
        self.variables = variables
        self.max_depth = max_depth
        # A named fragment measures the same wherever it is spread at the same depth and
        # list size: remembering it keeps a "fragment bomb" (each fragment spreading the
        # next twice) linear instead of exponential.
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
        fragment = self.context.get_fragment(name)
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
        if node.name.value.startswith("__"):
            return 0, 0
        # Each root field is its own round of database queries.
        base = ROOT_FIELD_COST + 1 if depth == 0 else 1
        if node.selection_set is None:
            return 1, base
        if depth >= self.max_depth:
            # Deep enough to refuse: stop here rather than recurse without end.
            return 2, base
        definition = (
            parent_type.fields.get(node.name.value)
            if isinstance(parent_type, GraphQLObjectType | GraphQLInterfaceType)
            else None
        )
        size = self._size(node, definition)
        multiplier, child_items = 1, None
        if definition is not None and _is_list(definition.type):
            multiplier = size or items or UNSIZED_LIST_ITEMS
        elif size is not None:
            child_items = size
        child_type = get_named_type(definition.type) if definition is not None else None
        child_depth, child_cost = self.selections(
            node.selection_set, child_type, child_items, depth + 1, fragments
        )
        return 1 + child_depth, base + multiplier * child_cost

    def _type(self, condition, default):
        return self.context.schema.get_type(condition.name.value) if condition else default

    def _size(self, node, definition) -> int | None:
        if definition is None or not any(name in definition.args for name in SIZE_ARGUMENTS):
            return None
        for argument in node.arguments:
            if argument.name.value in SIZE_ARGUMENTS:
                value = self._int(argument.value)
                if value:
                    return value
        return settings.GRAPHQL_DEFAULT_PAGE_SIZE

    def _int(self, value_node) -> int:
        """A literal or variable size, at most the largest page allowed (resolvers refuse
        more, with a clearer message); anything else counts as that largest page."""
        largest = settings.GRAPHQL_MAX_PAGE_SIZE
        if isinstance(value_node, VariableNode):
            value = self.variables.get(value_node.name.value)
            if isinstance(value, int) and not isinstance(value, bool):
                return min(max(value, 0), largest)
        elif isinstance(value_node, IntValueNode) and len(value_node.value) < 10:
            return min(max(int(value_node.value), 0), largest)
        return largest


def _is_list(type_) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)

"""Running a GraphQL document (parsed and validated by cms/graphql/documents.py): plain
fields resolved without graphql-core's per-field machinery, and limits on time and size.

Plain fields: graphql-core resolves every field of every object the same way: look up the
field, build a `GraphQLResolveInfo`, coerce the arguments, call the resolver, check for
awaitables, then complete the value through four levels of dispatch. For a 50-job page that
is about 1,500 fields. Most are plain: no arguments and graphene's default resolver (an
attribute or a dict key). For those, `FastExecutionContext` reads the value directly and
serialises leaves with the field type's own `serialize`, with a plan built once per selection
set and reused for every object of the page. Anything else (arguments, custom resolvers, a
value it does not expect, a null in a non-null field, any exception) goes through
graphql-core's own `execute_field`, so results and errors are exactly graphql-core's.

Limits: the response's size is counted as leaves are serialised and the request's deadline
is read once per object; past GRAPHQL_MAX_RESPONSE_BYTES or the deadline execution stops at
once.
"""

import inspect
from asyncio import gather
from functools import cache, partial

from django.conf import settings
from django.db import DatabaseError
from graphene.types.field import source_resolver
from graphene.types.resolver import dict_or_attr_resolver, get_default_resolver
from graphql import (
    ExecutionContext,
    GraphQLNonNull,
    GraphQLObjectType,
    get_named_type,
    is_leaf_type,
)
from graphql.error import located_error
from graphql.execution.execute import get_field_def
from graphql.pyutils import Path, Undefined

from cms.graphql.limits import (
    Deadline,
    ExecutionLimitExceeded,
)

MAX_TOKENS = 20_000  # graphql-core stops parsing past this many tokens

# A getter returns this when the value needs the field's real resolver after all.
USE_RESOLVER = object()
# Completed values graphql-core's is_awaitable always says no to (an object's dict of
# fields, a list, a leaf): checked by type before asking it, as most results are these.
NEVER_AWAITABLE = frozenset({dict, list, str, int, float, bool, type(None)})


def _default_getter(resolve):
    """graphene's default resolver: a dict key or an attribute."""
    attname, default = resolve.args

    def get(source):
        if isinstance(source, dict):
            return source.get(attname, default)
        return getattr(source, attname, default)

    return get


def _source_getter(resolve):
    """graphene's resolver of a field declared with `source=`: the default resolver's value,
    called when it is a function or method (a property is just read)."""
    (attname,) = resolve.args
    get = _default_getter(partial(dict_or_attr_resolver, attname, None))

    def get_source(source):
        value = get(source)
        return value() if inspect.isfunction(value) or inspect.ismethod(value) else value

    return get_source


def plain_getter(field_def):
    """A function reading the field's value straight from its source, or None."""
    if field_def.args:
        return None
    resolve = field_def.resolve
    if not isinstance(resolve, partial) or resolve.keywords:
        return None
    if resolve.func is dict_or_attr_resolver:
        return _default_getter(resolve)
    if resolve.func is source_resolver and get_default_resolver() is dict_or_attr_resolver:
        return _source_getter(resolve)
    return None


class FastExecutionContext(ExecutionContext):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plans = {}
        # The request's own budget (started when it was read); a fresh one when executed
        # outside the HTTP view.
        read = getattr(self.context_value, "graphql", None)
        self.deadline = read.deadline if read else Deadline(settings.GRAPHQL_MAX_SECONDS)
        self.bytes_left = settings.GRAPHQL_MAX_RESPONSE_BYTES

    def spend(self, value) -> None:
        """Count a serialised leaf against the response budget."""
        self.bytes_left -= len(value) + 8 if isinstance(value, str) else 8
        if self.bytes_left < 0:
            raise ExecutionLimitExceeded(
                f"The response would be larger than {settings.GRAPHQL_MAX_RESPONSE_BYTES} "
                "bytes; ask for fewer items or fields.",
                400,
            )

    def handle_field_error(self, error, return_type, path):
        """A database error once the deadline has passed is the budget's, wherever it was
        raised: SQLite's progress handler also interrupts a statement while its rows are
        fetched, or a commit, after the statement wrapper of `time_budget` has returned; it
        ends the request with the budget's 503, not a resolver error in a 200."""
        if isinstance(error.original_error, DatabaseError) and self.deadline.remaining() <= 0:
            raise self.deadline.exceeded() from error.original_error
        super().handle_field_error(error, return_type, path)

    def complete_leaf_value(self, return_type, result):
        serialized = super().complete_leaf_value(return_type, result)
        self.spend(serialized)
        return serialized

    def _plan(self, parent_type, fields):
        # collect_subfields hands back the same dict for every object of a list, so one
        # plan per dict serves a whole page.
        cached = self._plans.get(id(fields))
        if cached is not None and cached[0] is fields:
            return cached[1]
        plan = []
        for response_name, field_nodes in fields.items():
            field_def = get_field_def(self.schema, parent_type, field_nodes[0])
            getter = None if field_def is None else plain_getter(field_def)
            leaf = getter is not None and is_leaf_type(get_named_type(field_def.type))
            serialize = get_named_type(field_def.type).serialize if leaf else None
            non_null = field_def is not None and isinstance(field_def.type, GraphQLNonNull)
            plan.append((response_name, field_nodes, field_def, getter, serialize, non_null))
        self._plans[id(fields)] = (fields, plan)
        return plan

    def execute_fields(self, parent_type, source_value, path, fields):
        # graphene-django passes its (usually empty) middleware list, so there is always a
        # manager; only a non-empty one must see every field.
        self.deadline.check()
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return super().execute_fields(parent_type, source_value, path, fields)
        results = {}
        awaitable_fields = []
        is_awaitable = self.is_awaitable
        for response_name, field_nodes, field_def, getter, serialize, non_null in self._plan(
            parent_type, fields
        ):
            if serialize is not None:
                result = _read_leaf(getter, serialize, non_null, source_value)
                if result is not Undefined:
                    self.spend(result)
                    results[response_name] = result
                    continue
            elif getter is not None:
                result = self._complete_plain(
                    parent_type, source_value, path, response_name, field_nodes, field_def, getter
                )
            else:
                result = Undefined
            if result is Undefined:
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_nodes,
                    Path(path, response_name, parent_type.name),
                )
                if result is Undefined:
                    continue
            results[response_name] = result
            if result.__class__ not in NEVER_AWAITABLE and is_awaitable(result):
                awaitable_fields.append(response_name)
        if not awaitable_fields:
            return results

        # As graphql-core does when a resolver below is async.
        async def get_results():
            awaited = await gather(*(results[name] for name in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def _complete_plain(
        self, parent_type, source_value, path, response_name, field_nodes, field_def, getter
    ):
        """An object or list field with a plain getter: skip the resolver call, complete the
        value as graphql-core does (with its error handling)."""
        try:
            value = getter(source_value)
        except Exception:
            return Undefined
        if value is USE_RESOLVER:
            return Undefined
        field_path = Path(path, response_name, parent_type.name)
        try:
            object_type = _direct_object_type(field_def.type)
            if object_type is not None and value is not None:
                # complete_object_value without the resolve info it builds for is_type_of,
                # which these types do not have.
                sub_fields = self.collect_subfields(object_type, field_nodes)
                completed = self.execute_fields(object_type, value, field_path, sub_fields)
            else:
                info = self.build_resolve_info(field_def, field_nodes, parent_type, field_path)
                completed = self.complete_value(
                    field_def.type, field_nodes, info, field_path, value
                )
        except Exception as raw_error:
            return self._field_error(raw_error, field_nodes, field_def, field_path)
        if not self.is_awaitable(completed):
            return completed

        async def await_completed():
            try:
                return await completed
            except Exception as raw_error:
                return self._field_error(raw_error, field_nodes, field_def, field_path)

        return await_completed()

    def _field_error(self, raw_error, field_nodes, field_def, field_path):
        """graphql-core's handling: null for a nullable field, else raised to the parent."""
        error = located_error(raw_error, field_nodes, field_path.as_list())
        self.handle_field_error(error, field_def.type, field_path)
        return None


@cache
def _direct_object_type(field_type):
    """The object type of an object (not list) field with no is_type_of check."""
    object_type = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if not isinstance(object_type, GraphQLObjectType) or object_type.is_type_of:
        return None
    return object_type


def _read_leaf(getter, serialize, non_null, source):
    """The serialised value of a plain scalar or enum field, or Undefined to take the slow
    path (which then reports any error exactly as graphql-core does)."""
    try:
        value = getter(source)
        if value is None:
            return Undefined if non_null else None
        if value is USE_RESOLVER:
            return Undefined
        serialized = serialize(value)
    except Exception:
        return Undefined
    return Undefined if serialized is None else serialized

"""A graphql-core execution context that resolves plain fields without the per-field machinery.

graphql-core resolves every field of every object the same way: look up the field, build a
`GraphQLResolveInfo`, coerce the arguments, call the resolver, check for awaitables, then
complete the value through four levels of dispatch. For a 50-job page that is about 1,500
fields, and that per-field machinery, not the SQL, is where most of a `jobs` request went.

Most of those fields are plain: no arguments, and a resolver that only reads an attribute
(graphene's default resolver, or grapple's `model_resolver` on a model field). For those this
context reads the attribute directly and serialises leaves with the field type's own
`serialize`, once per field, with a plan built once per selection set and reused for every
object of the page. Anything else (arguments, middleware, custom or wrapped resolvers such as
cms.hardening's visibility filters, a value it does not expect, a null in a non-null field, any
exception) goes through graphql-core's own `execute_field`, so results and errors are exactly
graphql-core's.
"""

from asyncio import gather
from functools import cache, partial

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Manager
from graphene.types.resolver import dict_or_attr_resolver
from graphene_django import DjangoObjectType
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
from grapple.types.rich_text import RichText as RichTextType
from wagtail.fields import RichTextField

# A getter returns this when the value needs the field's real resolver after all.
USE_RESOLVER = object()


def _default_getter(resolve):
    """graphene's default resolver: a dict key or an attribute."""
    attname, default = resolve.args

    def get(source):
        if isinstance(source, dict):
            return source.get(attname, default)
        return getattr(source, attname, default)

    return get


def _grapple_field(resolve):
    """The grapple field definition behind grapple's `model_resolver` closure, if it is one."""
    function = getattr(resolve, "__func__", resolve)
    if getattr(function, "__qualname__", "") != "model_resolver.<locals>.mixin":
        return None
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or (), strict=True))
    return cells["field"].cell_contents if "field" in cells else None


def _grapple_getter(field, parent_type):
    """What grapple's model_resolver returns for an argument-free field, minus the cases
    that transform the value (rich text columns, nested key extraction, callables)."""
    if getattr(field, "extract_key", None):
        return None
    source = field.field_source
    if field.field_type is not RichTextType:
        model = getattr(getattr(parent_type.graphene_type, "_meta", None), "model", None)
        if model is None:
            return None
        try:
            if isinstance(model._meta.get_field(source), RichTextField):
                return None  # grapple renders these to HTML itself
        except FieldDoesNotExist:
            pass

    def get(instance):
        value = getattr(instance, source)
        if isinstance(value, Manager):
            return value.all()
        if callable(value):
            return USE_RESOLVER
        return value

    return get


def plain_getter(field_def, parent_type):
    """A function reading the field's value straight from its source, or None."""
    if field_def.args:
        return None
    resolve = field_def.resolve
    if isinstance(resolve, partial) and resolve.func is dict_or_attr_resolver:
        return None if resolve.keywords else _default_getter(resolve)
    field = _grapple_field(resolve)
    return None if field is None else _grapple_getter(field, parent_type)


class FastExecutionContext(ExecutionContext):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plans = {}

    def _plan(self, parent_type, fields):
        # collect_subfields hands back the same dict for every object of a list, so one
        # plan per dict serves a whole page.
        cached = self._plans.get(id(fields))
        if cached is not None and cached[0] is fields:
            return cached[1]
        plan = []
        for response_name, field_nodes in fields.items():
            field_def = get_field_def(self.schema, parent_type, field_nodes[0])
            getter = None if field_def is None else plain_getter(field_def, parent_type)
            leaf = getter is not None and is_leaf_type(get_named_type(field_def.type))
            serialize = get_named_type(field_def.type).serialize if leaf else None
            non_null = field_def is not None and isinstance(field_def.type, GraphQLNonNull)
            plan.append((response_name, field_nodes, field_def, getter, serialize, non_null))
        self._plans[id(fields)] = (fields, plan)
        return plan

    def execute_fields(self, parent_type, source_value, path, fields):
        # graphene-django passes its (usually empty) middleware list, so there is always a
        # manager; only a non-empty one must see every field.
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
            if is_awaitable(result):
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
                # complete_object_value without the resolve info it only builds for
                # is_type_of, which for these types does not look at it.
                if object_type.is_type_of and not object_type.is_type_of(value, None):
                    return Undefined
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
    """The object type of an object (not list) field whose is_type_of needs no resolve info:
    none, or graphene-django's model check."""
    object_type = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if not isinstance(object_type, GraphQLObjectType):
        return None
    is_type_of = getattr(object_type.is_type_of, "__func__", object_type.is_type_of)
    return object_type if is_type_of in (None, DjangoObjectType.is_type_of.__func__) else None


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

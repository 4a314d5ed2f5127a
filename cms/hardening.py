"""One pass over the built schema that closes what grapple and graphene-django leave open.

Field by field, whoever wrote the resolver (grapple, graphene-django, a model's
`graphql_fields`, a StreamField block, us):

- page types expose only the page interface and their model's `graphql_fields`; the rest of
  what graphene-django derives from Wagtail's Page model (`draftTitle`, `aliasOf`, `aliases`,
  `sitesRootedHere`, `latestRevisionCreatedAt`, the per-model one-to-one accessors such as
  `jobpostingpage`, ...) is removed from the schema;
- every field that can return pages returns only visible ones (`cms.visibility.is_visible`),
  except the draft that a valid preview token names;
- snippet lists keep only models that publish `graphql_fields`;
- every field that can return images, documents or collections drops those in private
  collections, and an image's `rendition` takes only the filters offered in settings;
- `order: String` takes only an allow-listed field name, `limit` at most
  GRAPHQL_MAX_PAGE_SIZE (grapple would clamp it silently), an `id` (`parent`, `ancestor`,
  `collection`) only digits, a `site`/`hostname` only `host[:port]`, and a page field's
  preview `token` must be validly signed and unexpired or the field resolves to null.

Doing it on the schema rather than resolver by resolver means a path nobody thought of
(a page chooser in a new block, a related field, a redirect's target) is covered too.
"""

import re

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Manager, Model, QuerySet
from graphene.utils.str_converters import to_camel_case, to_snake_case
from graphql import (
    GraphQLError,
    GraphQLID,
    GraphQLObjectType,
    GraphQLString,
    GraphQLUnionType,
    default_field_resolver,
    get_named_type,
)
from grapple.types.images import rendition_allowed
from grapple.types.interfaces import get_page_interface, get_snippet_interface
from grapple.types.redirects import RedirectObjectType
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import Collection, Page
from wagtail.search.index import class_is_indexed

from cms.visibility import (
    is_visible,
    private_collection_ids,
    restricted_paths,
    valid_preview_token,
)

# Plain columns a client may sort by, never a lookup across relations.
ORDER_FIELDS = frozenset(
    {"id", "title", "slug", "name", "first_published_at", "last_published_at", "created_at"}
)
MAX_ORDER_TERMS = 3
KEY_ARGUMENTS = frozenset({"id", "parent", "ancestor", "collection"})
KEY = re.compile(r"[0-9]{1,18}")  # ASCII: str.isdigit() also takes "²"
HOST = re.compile(r"[\w.-]+(:\d{1,5})?")


def harden_schema(schema) -> None:
    graphql_schema = schema.graphql_schema
    page_interface = graphql_schema.get_type(get_page_interface()._meta.name)
    page_types = set(graphql_schema.get_implementations(page_interface).objects)
    for type_ in list(graphql_schema.type_map.values()):
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        if type_ in page_types:
            _prune_page_fields(type_, page_interface)
        is_image = _is_model(type_, AbstractImage)
        for name, field in type_.fields.items():
            resolver = field.resolve or default_field_resolver
            keep = _filter_for(get_named_type(field.type), page_interface, page_types)
            if keep is not None:
                resolver = _filtered(resolver, keep)
            if is_image and name == "rendition":
                resolver = _offered_rendition(resolver)
            _drop_unusable_search(field, page_interface)
            field.resolve = _checked_arguments(resolver, field, page_interface)


def _model_of(type_):
    graphene_type = getattr(type_, "graphene_type", None)
    meta = getattr(graphene_type, "_meta", None)
    return getattr(meta, "model", None)


def _is_model(type_, base) -> bool:
    model = _model_of(type_)
    return model is not None and issubclass(model, base)


def _prune_page_fields(type_: GraphQLObjectType, page_interface) -> None:
    model = _model_of(type_)
    declared = set()
    for field in getattr(model, "graphql_fields", ()):
        # The shapes grapple accepts (grapple.actions.get_field_type): a field, a callable
        # that makes one, or a (field, list wrapper) pair from GraphQLCollection.
        field = field() if callable(field) else field
        field = field[0] if isinstance(field, tuple) else field
        field = field() if callable(field) else field
        declared.add(to_camel_case(field.field_name))
    allowed = set(page_interface.fields) | declared
    for name in [name for name in type_.fields if name not in allowed]:
        del type_.fields[name]


def _drop_unusable_search(field, page_interface) -> None:
    """grapple offers `searchQuery` on lists it cannot search: models not in the search
    index (sites) or whose querysets have no `.search()` (disciplines' children), where
    using it raises. Such a list does not take the argument at all."""
    model = _listed_model(field, page_interface)
    if "searchQuery" not in field.args or model is None:
        return
    if not class_is_indexed(model) or not hasattr(model._default_manager.all(), "search"):
        del field.args["searchQuery"]
        field.args.pop("searchOperator", None)


def _filter_for(named_type, page_interface, page_types):
    """A predicate `keep(obj, info)` for the objects this type can carry, or None."""
    possible = set(named_type.types) if isinstance(named_type, GraphQLUnionType) else {named_type}
    if named_type is page_interface or possible & page_types:
        return _page_is_visible
    graphene_type = getattr(named_type, "graphene_type", None)
    if graphene_type is RedirectObjectType:
        return _redirect_is_visible
    if graphene_type is get_snippet_interface():
        return _snippet_is_public
    if _is_model(named_type, (AbstractImage, AbstractDocument, Collection)):
        return _media_is_public
    return None


def _page_is_visible(obj, info) -> bool:
    return not isinstance(obj, Page) or is_visible(obj, restricted_paths(info.context))


def _redirect_is_visible(redirect, info) -> bool:
    # Its `newUrl` would name the hidden page's URL even with `page` nulled.
    target = redirect.redirect_page
    return target is None or _page_is_visible(target, info)


def _snippet_is_public(obj, info) -> bool:
    # grapple's `snippets` lists every row of every snippet model; only those that chose to
    # publish fields (the taxonomy) are public, not, say, employers' API keys.
    return bool(getattr(type(obj), "graphql_fields", None))


def _media_is_public(obj, info) -> bool:
    collection_id = obj.pk if isinstance(obj, Collection) else obj.collection_id
    return collection_id not in private_collection_ids(info.context)


def _filtered(resolver, keep):
    def resolve(root, info, **args):
        result = resolver(root, info, **args)
        if args.get("token"):
            return result  # the draft a checked preview token names (_checked_arguments)
        if isinstance(result, Manager):
            result = result.all()
        if isinstance(result, (list, tuple, QuerySet)):
            return [item for item in result if keep(item, info)]
        if isinstance(result, Model) and not keep(result, info):
            return None
        return result

    return resolve


def _offered_rendition(resolver):
    """Each new rendition is image processing and a file on disk, so only the filters in
    GRAPPLE["ALLOWED_IMAGE_FILTERS"]; grapple itself refuses others with a bare TypeError."""

    def resolve(root, info, **args):
        # The spec as grapple builds it: arguments in their schema order.
        spec = "|".join(f"{key}-{value}" for key, value in args.items() if key != "preserve_svg")
        if not rendition_allowed(spec):
            offered = ", ".join(settings.GRAPPLE["ALLOWED_IMAGE_FILTERS"])
            raise GraphQLError(f"Rendition {spec!r} is not offered; ask for one of: {offered}.")
        return resolver(root, info, **args)

    return resolve


def _checked_arguments(resolver, field, page_interface):
    arguments = field.args
    # grapple's free-text `order`; an enum such as JobOrder is an allow-list already.
    free_order = "order" in arguments and get_named_type(arguments["order"].type) is GraphQLString
    order_model = _listed_model(field, page_interface) if free_order else None
    # Preview tokens name pages; other `token` arguments (job alerts' signed tokens in
    # cms/graphql/subscriptions.py) are checked by their own resolvers.
    named_type = get_named_type(field.type)
    preview_token = "token" in arguments and (
        named_type is page_interface or page_interface in getattr(named_type, "interfaces", ())
    )
    # Database keys: grapple passes these straight to the ORM, where "abc" is a ValueError.
    keys = [
        name
        for name, argument in arguments.items()
        if name in KEY_ARGUMENTS and get_named_type(argument.type) is GraphQLID
    ]
    # grapple looks sites up by `host:port`, where a port that is not a number is a ValueError.
    hosts = [name for name in ("site", "hostname") if name in arguments]
    # An explicit `searchOperator: null` would reach the search backend, which raises.
    operator = "searchOperator" in arguments
    if not (free_order or "limit" in arguments or preview_token or keys or hosts or operator):
        return resolver

    def resolve(root, info, **args):
        if operator and args.get("search_operator") is None:
            args.pop("search_operator", None)
        for name in keys:
            if args.get(name) is not None and not KEY.fullmatch(str(args[name])):
                raise GraphQLError(f"{name} must be a number.")
        for name in hosts:
            if args.get(name) is not None and not HOST.fullmatch(args[name]):
                raise GraphQLError(f"{name} must be a hostname, optionally with :port.")
        if free_order and args.get("order") is not None:
            args["order"] = validate_order(args["order"], order_model)
        limit = args.get("limit")
        if limit is not None and limit > settings.GRAPHQL_MAX_PAGE_SIZE:
            raise GraphQLError(f"limit must be at most {settings.GRAPHQL_MAX_PAGE_SIZE}.")
        if preview_token and args.get("token") and not valid_preview_token(args["token"]):
            return None
        return resolver(root, info, **args)

    return resolve


def _listed_model(field, page_interface):
    named_type = get_named_type(field.type)
    if named_type is page_interface:
        return Page
    return _model_of(named_type)


def validate_order(order: str, model=None) -> str:
    """`title`, `-firstPublishedAt,id`, ...: allow-listed plain fields of the listed model."""
    terms = [term.strip() for term in order.split(",")]
    if not 1 <= len(terms) <= MAX_ORDER_TERMS:
        raise GraphQLError(f"order takes one to {MAX_ORDER_TERMS} fields, separated by commas.")
    checked = []
    for term in terms:
        descending = term.startswith("-")
        name = to_snake_case(term.removeprefix("-"))
        if name not in ORDER_FIELDS or not _has_column(model, name):
            allowed = ", ".join(
                sorted(to_camel_case(n) for n in ORDER_FIELDS if _has_column(model, n))
            )
            raise GraphQLError(f"Cannot order by {term!r}; use one of: {allowed}.")
        checked.append(("-" if descending else "") + name)
    return ",".join(checked)


def _has_column(model, name: str) -> bool:
    if model is None:
        return True
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return getattr(field, "concrete", False) and not field.is_relation

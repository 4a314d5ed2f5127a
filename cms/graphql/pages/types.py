"""The page interface, under grapple's public name so grapple-style queries work unchanged.

Every tree field (`parent`, `children`, `siblings`, `ancestors`, `descendants`) returns only
public pages (content.visibility). Each page type registers its model with `page_type`, so
the interface resolves a loaded page to its GraphQL type.
"""

import graphene
from django.contrib.contenttypes.models import ContentType
from graphql import GraphQLError
from wagtail.models import Page as WagtailPage

from cms.graphql.limits import TREE_LIST_LIMIT
from cms.graphql.pages.filters import order_by
from content.public_urls import page_url
from content.visibility import is_visible, public_pages

_TYPES_BY_MODEL: dict[type, type] = {}
_PRIMERS: dict[type, object] = {}


def page_type(model, prime=None):
    """Class decorator: the GraphQL type for pages of `model`. `prime(info, pages)` loads
    what a list of such pages shows (relations, chosen blocks) in a few queries for all."""

    def register(graphql_type):
        _TYPES_BY_MODEL[model] = graphql_type
        if prime is not None:
            _PRIMERS[model] = prime
        return graphql_type

    return register


def parent_path(page) -> str:
    return page.path[: -page.steplen]


def prime_pages(info, pages: list) -> list:
    """Prepare what a list of pages shows, for all of them at once: their parents (fetched
    together if any is asked for), then each page type's own relations (a list may mix
    types: the tree, `pages`, `search`)."""
    from cms.graphql.pages.loaders import PageByPathLoader

    PageByPathLoader.of(info).want([parent_path(page) for page in pages if page.path])
    by_model: dict[type, list] = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page)
    for model, group in by_model.items():
        if model in _PRIMERS:
            _PRIMERS[model](info, group)
    return pages


def tree_args() -> dict:
    return {
        "limit": graphene.Int(description=f"At most this many pages (1 to {TREE_LIST_LIMIT})."),
        "offset": graphene.Int(description="Skip this many pages first."),
        "order": graphene.String(
            description="Comma-separated fields, `-` for descending: id, title, slug, "
            "firstPublishedAt, lastPublishedAt. Default: tree order."
        ),
        "in_menu": graphene.Boolean(description="Only pages shown in menus (true) or not."),
    }


def tree_window(items, limit=None, offset=None) -> list:
    """The slice of a list field's queryset that `limit` and `offset` ask for."""
    limit = TREE_LIST_LIMIT if limit is None else limit
    if not 1 <= limit <= TREE_LIST_LIMIT or (offset is not None and offset < 0):
        raise GraphQLError(f"limit must be 1 to {TREE_LIST_LIMIT} and offset 0 or more.")
    start = offset or 0
    return list(items[start : start + limit])


def tree_list(pages, info, limit=None, offset=None, order=None, in_menu=None) -> list:
    pages = public_pages(pages, info.context)
    if in_menu is not None:
        pages = pages.filter(show_in_menus=in_menu)
    pages = order_by(pages, order, WagtailPage) if order is not None else pages.order_by("path")
    return prime_pages(info, tree_window(pages.specific(), limit, offset))


def tree_field(description: str) -> graphene.List:
    return graphene.List(
        graphene.NonNull(lambda: PageInterface),
        required=True,
        description=description,
        **tree_args(),
    )


class PageInterface(graphene.Interface):
    """A public page of the site: the fields every page type shares."""

    id = graphene.ID(description="The page's id.")
    title = graphene.String(required=True, description="The page title.")
    slug = graphene.String(required=True, description="The last part of the page's path.")
    content_type = graphene.String(required=True, description="`app_label.ModelName`.")
    page_type = graphene.String(description="The GraphQL type name of the page.")
    live = graphene.Boolean(required=True, description="Always true: only live pages are shown.")
    url = graphene.String(description="Absolute public URL (the frontend's address for it).")
    url_path = graphene.String(required=True, description="Wagtail's path from the tree root.")
    depth = graphene.Int(description="Depth in the page tree (the site root is 2).")
    seo_title = graphene.String(required=True, description="Title for search engines.")
    search_description = graphene.String(description="Meta description for search engines.")
    show_in_menus = graphene.Boolean(required=True, description="Listed in site menus.")
    first_published_at = graphene.DateTime(description="When the page first went live.")
    last_published_at = graphene.DateTime(description="When the page was last published.")
    parent = graphene.Field(lambda: PageInterface, description="The public parent, if any.")
    children = tree_field("Public pages directly below.")
    siblings = tree_field("Public pages beside this one.")
    next_siblings = tree_field("Public pages after this one under the same parent.")
    previous_siblings = tree_field("Public pages before this one under the same parent.")
    ancestors = tree_field("Public pages above, from the top.")
    descendants = tree_field("Public pages anywhere below.")

    @classmethod
    def resolve_type(cls, instance, info):
        for model in type(instance).__mro__:
            if model in _TYPES_BY_MODEL:
                return _TYPES_BY_MODEL[model]
        return None

    def resolve_content_type(page, info):
        content_type = ContentType.objects.get_for_id(page.content_type_id)
        return f"{content_type.app_label}.{content_type.model_class().__name__}"

    def resolve_page_type(page, info):
        return PageInterface.resolve_type(page, info)._meta.name

    def resolve_url(page, info):
        return page_url(page, info.context)

    def resolve_parent(page, info):
        from cms.graphql.pages.loaders import PageByPathLoader

        if not page.path or page.depth <= 2:
            return None
        parent = PageByPathLoader.of(info).load(parent_path(page))
        return parent if is_visible(parent, info.context) else None

    def resolve_children(page, info, **args):
        return _tree(page, info, args, lambda: page.get_children())

    def resolve_siblings(page, info, **args):
        return _tree(page, info, args, lambda: page.get_siblings(inclusive=False))

    def resolve_next_siblings(page, info, **args):
        return _tree(page, info, args, lambda: page.get_next_siblings(inclusive=False))

    def resolve_previous_siblings(page, info, **args):
        return _tree(page, info, args, lambda: page.get_prev_siblings(inclusive=False))

    def resolve_ancestors(page, info, **args):
        return _tree(page, info, args, lambda: page.get_ancestors())

    def resolve_descendants(page, info, **args):
        return _tree(page, info, args, lambda: page.get_descendants())


def _tree(page, info, args, select) -> list:
    # A preview of a page that was never saved has no place in the tree yet.
    return tree_list(select(), info, **args) if page.path else []


@page_type(WagtailPage)
class Page(graphene.ObjectType):
    """A page of a type with no fields of its own (such as the site's root page)."""

    class Meta:
        interfaces = (PageInterface,)


def listing_page_type(model, description: str) -> type[graphene.ObjectType]:
    """The type of a section's root page (jobs, guides, glossary): an intro and JSON-LD."""
    from cms.graphql.core.scalars import JSONString
    from content import jsonld

    graphql_type = type(
        model.__name__,
        (graphene.ObjectType,),
        {
            "__doc__": description,
            "Meta": type("Meta", (), {"interfaces": (PageInterface,)}),
            "intro": graphene.String(description="The section's introduction."),
            "json_ld": JSONString(
                required=True, description="schema.org CollectionPage to embed as is."
            ),
            "resolve_json_ld": lambda page, info: jsonld.collection_page(page, info.context),
        },
    )
    return page_type(model)(graphql_type)

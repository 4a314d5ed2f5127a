"""grapple-style generic queries, `page`, `pages` and `search`, over public pages only; and
the single-page lookup the named queries (`job`, `guide`, `definition`) share."""

from functools import cache

import graphene
from django.contrib.contenttypes.models import ContentType
from graphql import GraphQLError
from wagtail.models import Page as WagtailPage
from wagtail.models import Site

from cms.graphql.limits import SEARCH_RESULT_LIMIT
from cms.graphql.page_types import PAGE_TYPES
from cms.graphql.pages.filters import database_id
from cms.graphql.pages.types import PageInterface, prime_pages, tree_args, tree_list
from content.search import is_search, search_queryset
from content.visibility import preview_page, public_pages


def single_page_args(noun: str) -> dict:
    return {
        "slug": graphene.String(description=f"The {noun}'s slug."),
        "url_path": graphene.String(description=f"The {noun}'s path, e.g. /jobs/some-slug/."),
        "id": graphene.ID(description=f"The {noun}'s id."),
        "token": graphene.String(
            description="A preview token from the admin's Preview button: returns that draft "
            "(never cached); an invalid or expired token returns null."
        ),
    }


def single_page(model, info, queryset, *, slug=None, url_path=None, id=None, token=None):
    """One page by exactly the first of id, slug or path given, or a draft by token. A path
    is the page's address below the site root ("/" is the root itself), as in its `url`."""
    if token:
        return preview_page(model, token)
    if id is not None:
        queryset = queryset.filter(pk=database_id(id))
    elif slug:
        queryset = queryset.filter(slug=slug)
    elif url_path:
        queryset = queryset.filter(url_path=_tree_path(info.context, url_path))
    else:
        raise GraphQLError("Give one of slug, urlPath, id or token.")
    return queryset.first()


def _tree_path(request, url_path: str) -> str:
    """Wagtail's url_path for an address below the site root."""
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    root = site.root_page.url_path if site is not None else "/"
    path = url_path.strip("/")
    return root + (path + "/" if path else "")


def content_type_ids(labels: str) -> list[int]:
    """`content.JobPostingPage,content.GuidePage` as content type ids (a clear error for an
    unknown or malformed name)."""
    ids = []
    for label in (value.strip() for value in labels.split(",") if value.strip()):
        try:
            app_label, model = label.lower().split(".")
            ids.append(ContentType.objects.get_by_natural_key(app_label, model).pk)
        except (ValueError, ContentType.DoesNotExist) as err:
            raise GraphQLError(f"Unknown content type {label!r}; use app.Model.") from err
    return ids


@cache
def search_result_type() -> type[graphene.Union]:
    """The union of every page type and the taxonomy types; built when the schema is, once
    every domain has registered its page types."""
    from cms.graphql.taxonomy.types import Discipline, Institution, Role

    taxonomy = {"Discipline": Discipline, "Role": Role, "Institution": Institution}

    def resolve_type(cls, instance, info):
        if isinstance(instance, WagtailPage):
            return PageInterface.resolve_type(instance, info)
        return taxonomy[type(instance).__name__]

    return type(
        "Search",
        (graphene.Union,),
        {
            "__doc__": "A page or taxonomy entry that matched a site-wide search.",
            "Meta": type("Meta", (), {"types": (*PAGE_TYPES, *taxonomy.values())}),
            "resolve_type": classmethod(resolve_type),
        },
    )


class PagesQuery(graphene.ObjectType):
    page = graphene.Field(
        PageInterface,
        description="One public page of any type, or a draft by preview token.",
        content_type=graphene.String(
            description="Only a page of this type, e.g. content.GuidePage."
        ),
        **single_page_args("page"),
    )
    pages = graphene.List(
        graphene.NonNull(PageInterface),
        required=True,
        description="Public pages of any type, in tree order unless `order` says otherwise.",
        content_type=graphene.String(description="Comma-separated types, e.g. content.GuidePage."),
        parent=graphene.ID(description="Only pages directly below this page."),
        ancestor=graphene.ID(description="Only pages anywhere below this page."),
        search_query=graphene.String(description="Full-text search; every word must match."),
        **tree_args(),
    )
    search = graphene.List(
        graphene.NonNull(lambda: search_result_type()),
        required=True,
        description=f"Site-wide search over pages and the taxonomy, at most "
        f"{SEARCH_RESULT_LIMIT} results.",
        query=graphene.String(description="Words to find; blank gives no results."),
    )

    def resolve_page(root, info, content_type=None, **args):
        if args.get("token"):
            return preview_page(WagtailPage, args["token"])
        pages = public_pages(WagtailPage.objects.all(), info.context)
        if content_type:
            pages = pages.filter(content_type__in=content_type_ids(content_type))
        page = single_page(WagtailPage, info, pages, **args)
        return page.specific if page is not None else None

    def resolve_pages(
        root, info, content_type=None, parent=None, ancestor=None, search_query=None, **args
    ):
        pages = public_pages(WagtailPage.objects.all(), info.context)
        for anchor_id, relation in ((parent, "child_of"), (ancestor, "descendant_of")):
            if anchor_id is not None:
                anchor = WagtailPage.objects.filter(pk=database_id(anchor_id)).first()
                if anchor is None:
                    return []
                pages = getattr(pages, relation)(anchor)
        if content_type:
            pages = pages.filter(content_type__in=content_type_ids(content_type))
        if is_search(search_query):
            pages = search_queryset(pages, search_query)
        return tree_list(pages, info, **args)

    def resolve_search(root, info, query=None):
        from cms.graphql.taxonomy.types import announce_institutions
        from content.models import Discipline, Institution, Role

        if not is_search(query):
            return []
        pages = public_pages(WagtailPage.objects.all(), info.context)
        results = prime_pages(
            info, list(search_queryset(pages, query, ranked=True).specific()[:SEARCH_RESULT_LIMIT])
        )
        for model in (Discipline, Role, Institution):
            room = SEARCH_RESULT_LIMIT - len(results)
            if room > 0:
                results += list(search_queryset(model.objects.all(), query, ranked=True)[:room])
        announce_institutions(
            info, [result for result in results if isinstance(result, Institution)]
        )
        return results

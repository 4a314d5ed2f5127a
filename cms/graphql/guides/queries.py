"""`guides` and `guide`."""

import graphene

from cms.graphql.core.pagination import paginate, paginated_type, pagination_args
from cms.graphql.guides.types import GuidePageType
from cms.graphql.pages.queries import single_page, single_page_args
from cms.graphql.pages.types import prime_pages
from content.job_search import discipline_ids_with_descendants
from content.models import GuidePage
from content.search import is_search, search_queryset
from content.visibility import public_pages

GuidePagePaginated = paginated_type("GuidePagePaginated", GuidePageType, "A page of guides.")
SLUGS = graphene.List(graphene.NonNull(graphene.String))


def search_args(noun: str) -> dict:
    return {
        "search": graphene.String(description=f"Words to find in {noun}; every word must match.")
    }


class GuideQuery(graphene.ObjectType):
    guides = graphene.Field(
        GuidePagePaginated,
        required=True,
        description="Public guides, newest first (best match first with `search`).",
        disciplines=graphene.Argument(
            SLUGS, description="Discipline slugs; a discipline includes those below it."
        ),
        roles=graphene.Argument(SLUGS, description="Role slugs."),
        **search_args("guides"),
        **pagination_args(),
    )
    guide = graphene.Field(
        GuidePageType, description="One public guide.", **single_page_args("guide")
    )

    def resolve_guides(
        root, info, search=None, disciplines=None, roles=None, page=None, per_page=None
    ):
        guides = public_pages(GuidePage.objects.all(), info.context)
        if disciplines is not None:
            guides = guides.filter(discipline_id__in=discipline_ids_with_descendants(disciplines))
        if roles is not None:
            guides = guides.filter(role__slug__in=[slug.lower() for slug in roles])
        if is_search(search):
            guides = search_queryset(guides, search, ranked=True)
        else:
            guides = guides.order_by("-first_published_at", "-pk")
        return paginate(guides, page, per_page, prepare=lambda qs: prime_pages(info, list(qs)))

    def resolve_guide(root, info, **args):
        guides = public_pages(GuidePage.objects.all(), info.context)
        return single_page(GuidePage, info, guides.select_related("role", "discipline"), **args)

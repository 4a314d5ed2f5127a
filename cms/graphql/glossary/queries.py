"""`definitions` and `definition`."""

import graphene

from cms.graphql.core.pagination import paginate, paginated_type, pagination_args
from cms.graphql.glossary.types import DefinitionPageType
from cms.graphql.guides.queries import SLUGS, search_args
from cms.graphql.pages.queries import single_page, single_page_args
from cms.graphql.pages.types import prime_pages
from content.job_search import discipline_ids_with_descendants
from content.models import DefinitionPage
from content.search import is_search, search_queryset
from content.visibility import public_pages

DefinitionPagePaginated = paginated_type(
    "DefinitionPagePaginated", DefinitionPageType, "A page of glossary terms."
)


class GlossaryQuery(graphene.ObjectType):
    definitions = graphene.Field(
        DefinitionPagePaginated,
        required=True,
        description="Public glossary terms, A to Z (best match first with `search`).",
        starts_with=graphene.String(description="First letter(s) of the term, for A-Z indexes."),
        disciplines=graphene.Argument(
            SLUGS, description="Discipline slugs; a discipline includes those below it."
        ),
        **search_args("terms, abbreviations, aliases and definitions"),
        **pagination_args(),
    )
    definition = graphene.Field(
        DefinitionPageType, description="One public glossary term.", **single_page_args("term")
    )

    def resolve_definitions(
        root, info, search=None, starts_with=None, disciplines=None, page=None, per_page=None
    ):
        definitions = public_pages(DefinitionPage.objects.all(), info.context)
        if starts_with and starts_with.strip():
            definitions = definitions.filter(term__istartswith=starts_with.strip())
        if disciplines is not None:
            ids = discipline_ids_with_descendants(disciplines)
            definitions = definitions.filter(
                pk__in=DefinitionPage.disciplines.through.objects.filter(
                    discipline_id__in=ids
                ).values("definitionpage_id")
            )
        if is_search(search):
            definitions = search_queryset(definitions, search, ranked=True)
        else:
            definitions = definitions.order_by("term", "pk")
        return paginate(definitions, page, per_page, prepare=lambda qs: prime_pages(info, list(qs)))

    def resolve_definition(root, info, **args):
        definitions = public_pages(DefinitionPage.objects.all(), info.context)
        return single_page(DefinitionPage, info, definitions, **args)

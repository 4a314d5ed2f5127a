"""The public schema, assembled from the per-domain modules.

Each domain of cms/graphql owns its types (`types.py`), root fields (`queries.py`), loaders
and argument declarations; this module only puts the roots together. Nothing here changes
a type after it is built.
"""

import graphene

from cms.graphql.alerts import SubscriptionMutation, SubscriptionQuery
from cms.graphql.employers import EmployerMutations
from cms.graphql.glossary.queries import GlossaryQuery
from cms.graphql.guides.blocks import BLOCK_TYPES
from cms.graphql.guides.queries import GuideQuery
from cms.graphql.home.queries import HomeQuery
from cms.graphql.jobs.queries import JobQuery
from cms.graphql.media.queries import MediaQuery
from cms.graphql.page_types import PAGE_TYPES
from cms.graphql.pages.queries import PagesQuery
from cms.graphql.taxonomy.queries import TaxonomyQuery


class Query(
    HomeQuery,
    JobQuery,
    GuideQuery,
    GlossaryQuery,
    TaxonomyQuery,
    PagesQuery,
    MediaQuery,
    SubscriptionQuery,
    graphene.ObjectType,
):
    """Everything a frontend reads. Only live, public, unexpired content is returned."""


class Mutation(SubscriptionMutation, EmployerMutations, graphene.ObjectType):
    """Job alerts for subscribers, and job submissions for employers' systems."""


schema = graphene.Schema(
    query=Query,
    mutation=Mutation,
    types=[*PAGE_TYPES, *BLOCK_TYPES.values()],
)

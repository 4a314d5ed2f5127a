"""Schema wiring: our query and mutation mixins go first, so they override grapple's."""

from wagtail import hooks

from cms import editorial_admin  # noqa: F401  (registers the employers' admin and hooks)
from cms.graphql.employers import EmployerMutations
from cms.graphql.media import PublicMediaQuery
from cms.graphql.pages import PublicPagesQuery
from cms.graphql.queries import ContentQuery
from cms.graphql.subscriptions import SubscriptionMutation, SubscriptionQuery
from cms.rich_text import PublicDocumentLinkHandler, PublicPageLinkHandler


@hooks.register("register_schema_query")
def register_content_queries(query_mixins):
    query_mixins[:0] = [ContentQuery, PublicPagesQuery, PublicMediaQuery, SubscriptionQuery]


@hooks.register("register_schema_mutation")
def register_subscription_mutations(mutation_mixins):
    mutation_mixins.append(SubscriptionMutation)


@hooks.register("register_schema_mutation")
def register_employer_mutations(mutation_mixins):
    mutation_mixins.append(EmployerMutations)


@hooks.register("register_rich_text_features", order=1)  # after Wagtail's own link types
def register_public_links(features):
    features.register_link_type(PublicPageLinkHandler)
    features.register_link_type(PublicDocumentLinkHandler)

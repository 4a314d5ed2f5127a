"""Career guides as the public API shows them."""

import graphene
from django.db.models import prefetch_related_objects

from cms.graphql.core.scalars import JSONString
from cms.graphql.guides.blocks import StreamFieldInterface, first_image, prime_bodies, resolve_body
from cms.graphql.pages.types import PageInterface, listing_page_type, page_type
from cms.graphql.taxonomy.types import Discipline, Role
from content import jsonld
from content.models import GuideIndexPage, GuidePage
from content.visibility import visible


def prime_guides(info, guides: list) -> list:
    """What a list of guides shows, for all of them at once."""
    prefetch_related_objects(guides, "role", "discipline", "related_guides")
    prime_bodies(info, [guide.body for guide in guides])
    return guides


@page_type(GuidePage, prime=prime_guides)
class GuidePageType(graphene.ObjectType):
    """A career guide: structured content with glossary terms and live job searches."""

    class Meta:
        name = "GuidePage"
        interfaces = (PageInterface,)

    subtitle = graphene.String(description="A line under the title.")
    summary = graphene.String(required=True, description="One or two sentences for listings.")
    role = graphene.Field(Role, description="The role the guide is about, if any.")
    discipline = graphene.Field(Discipline, description="The discipline it is about, if any.")
    body = graphene.List(
        graphene.NonNull(StreamFieldInterface),
        required=True,
        description="The guide, block by block.",
    )
    last_reviewed = graphene.Date(description="When the guide's facts were last checked.")
    related_guides = graphene.List(
        graphene.NonNull(lambda: GuidePageType), required=True, description="Public related guides."
    )
    json_ld = JSONString(required=True, description="schema.org Article to embed as is.")

    def resolve_body(guide, info):
        return resolve_body(guide.body, info)

    def resolve_related_guides(guide, info):
        return visible(guide.related_guides.all(), info.context)

    def resolve_json_ld(guide, info):
        return jsonld.article(guide, info.context, image=first_image(guide.body, info))


GuideIndexPageType = listing_page_type(GuideIndexPage, "The guides section's root page.")

"""Glossary terms as the public API shows them."""

import graphene
from django.db.models import prefetch_related_objects

from cms.graphql.core.scalars import JSONString
from cms.graphql.glossary.loaders import GuidesUsingDefinitionLoader
from cms.graphql.guides.blocks import StreamFieldInterface, prime_bodies, resolve_body
from cms.graphql.pages.loaders import PageByPathLoader
from cms.graphql.pages.types import PageInterface, listing_page_type, page_type, parent_path
from cms.graphql.taxonomy.types import Discipline
from content import jsonld
from content.models import DefinitionPage, GlossaryIndexPage
from content.visibility import visible


def prime_definitions(info, definitions: list) -> list:
    """What a list of glossary terms shows, for all of them at once."""
    prefetch_related_objects(definitions, "related_terms", "disciplines")
    prime_bodies(info, [definition.body for definition in definitions])
    GuidesUsingDefinitionLoader.of(info).load_many([definition.pk for definition in definitions])
    return definitions


@page_type(DefinitionPage, prime=prime_definitions)
class DefinitionPageType(graphene.ObjectType):
    """A glossary term, written once and used by every guide that needs it."""

    class Meta:
        name = "DefinitionPage"
        interfaces = (PageInterface,)

    term = graphene.String(required=True, description="The term as written, e.g. Deep Learning.")
    abbreviation = graphene.String(description="Its abbreviation, e.g. ML.")
    short_definition = graphene.String(
        required=True, description="One or two plain-text sentences."
    )
    body = graphene.List(
        graphene.NonNull(StreamFieldInterface), required=True, description="The longer explanation."
    )
    aliases = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="Other names for the term."
    )
    related_terms = graphene.List(
        graphene.NonNull(lambda: DefinitionPageType),
        required=True,
        description="Public related terms.",
    )
    disciplines = graphene.List(
        graphene.NonNull(Discipline), required=True, description="Disciplines the term belongs to."
    )
    used_in = graphene.List(
        graphene.NonNull("cms.graphql.guides.types.GuidePageType"),
        required=True,
        description="Public guides that use the term.",
    )
    json_ld = JSONString(required=True, description="schema.org DefinedTerm to embed as is.")

    def resolve_body(definition, info):
        return resolve_body(definition.body, info)

    def resolve_aliases(definition, info):
        return definition.alias_list

    def resolve_related_terms(definition, info):
        return visible(definition.related_terms.all(), info.context)

    def resolve_disciplines(definition, info):
        return definition.disciplines.all()

    def resolve_used_in(definition, info):
        return GuidesUsingDefinitionLoader.of(info).load(definition.pk) or []

    def resolve_json_ld(definition, info):
        glossary = PageByPathLoader.of(info).load(parent_path(definition))
        return jsonld.defined_term(definition, info.context, glossary=glossary)


GlossaryIndexPageType = listing_page_type(GlossaryIndexPage, "The glossary's root page.")

"""Disciplines, roles, institutions and countries, with live job counts."""

import graphene

from cms.graphql.media.loaders import ImageByIdLoader
from cms.graphql.media.types import ImageObjectType
from cms.graphql.taxonomy.loaders import DisciplineByIdLoader, OpenJobCountByInstitutionLoader
from content.job_counts import live_job_counts


class Country(graphene.ObjectType):
    """A country, by ISO 3166-1 alpha-2 code."""

    code = graphene.String(required=True, description="ISO 3166-1 alpha-2 code, e.g. GB.")
    name = graphene.String(required=True, description="The country's common English name.")
    job_count = graphene.Int(required=True, description="Open, published jobs in this country.")

    def resolve_job_count(country, info):
        if country.job_count is not None:
            return country.job_count
        return live_job_counts(info.context).countries.get(country.code, 0)


def _job_count(kind: str):
    def resolve(item, info):
        return getattr(live_job_counts(info.context), kind).get(item.slug, 0)

    return resolve


class Discipline(graphene.ObjectType):
    """A field of study; disciplines form a tree (Computer Science > Machine Learning)."""

    id = graphene.ID(required=True, description="The discipline's id.")
    name = graphene.String(required=True, description="Display name.")
    slug = graphene.String(required=True, description="Stable identifier used in filters.")
    description = graphene.String(description="What the discipline covers.")
    parent = graphene.Field(lambda: Discipline, description="The broader discipline, if any.")
    children = graphene.List(
        graphene.NonNull(lambda: Discipline), required=True, description="Narrower disciplines."
    )
    job_count = graphene.Int(
        required=True, description="Open jobs in this discipline or any below it."
    )

    def resolve_parent(discipline, info):
        return DisciplineByIdLoader.of(info).load(discipline.parent_id)

    def resolve_children(discipline, info):
        return discipline.children.all()

    resolve_job_count = _job_count("disciplines")


class Role(graphene.ObjectType):
    """A kind of position: PhD studentship, postdoc, lecturer, ..."""

    id = graphene.ID(required=True, description="The role's id.")
    name = graphene.String(required=True, description="Display name.")
    slug = graphene.String(required=True, description="Stable identifier used in filters and URLs.")
    description = graphene.String(description="What the role involves.")
    job_count = graphene.Int(required=True, description="Open jobs of this role.")

    resolve_job_count = _job_count("roles")


def announce_institutions(info, institutions: list) -> list:
    """Announce a list of institutions' logos and job counts to their loaders: one query for
    all of them, made only if one is shown."""
    ImageByIdLoader.of(info).want([institution.logo_id for institution in institutions])
    OpenJobCountByInstitutionLoader.of(info).want([institution.pk for institution in institutions])
    return institutions


class Institution(graphene.ObjectType):
    """An employer: a university, research institute or industry lab."""

    id = graphene.ID(required=True, description="The institution's id.")
    name = graphene.String(required=True, description="Display name.")
    slug = graphene.String(required=True, description="Stable identifier used in filters and URLs.")
    country = graphene.Field(
        Country, required=True, source="country_info", description="Where it is."
    )
    city = graphene.String(description="City, if given.")
    website_url = graphene.String(description="Its website.")
    logo = graphene.Field(ImageObjectType, description="Its logo; null if private or unset.")
    kind = graphene.String(
        required=True, description="UNIVERSITY, RESEARCH_INSTITUTE or INDUSTRY_LAB."
    )
    job_count = graphene.Int(required=True, description="Its open jobs.")

    def resolve_logo(institution, info):
        # Public images only; lists of institutions announce their logos to the loader.
        return ImageByIdLoader.of(info).load(institution.logo_id)

    def resolve_job_count(institution, info):
        return OpenJobCountByInstitutionLoader.of(info).load(institution.pk)

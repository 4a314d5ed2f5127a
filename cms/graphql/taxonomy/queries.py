"""`disciplines`, `roles`, `institutions` and `countries`."""

import graphene
from django.db.models import Q

from cms.graphql.core.pagination import paginate, paginated_type, pagination_args
from cms.graphql.taxonomy.types import Country, Discipline, Institution, Role, announce_institutions
from content.iso import country_name, country_names
from content.job_counts import live_job_counts
from content.models import Discipline as DisciplineModel
from content.models import Institution as InstitutionModel
from content.models import Role as RoleModel
from content.search import MAX_SEARCH_LENGTH, search_words
from content.values import CountryValue

InstitutionPaginated = paginated_type(
    "InstitutionPaginated", Institution, "A page of institutions, by name."
)


class TaxonomyQuery(graphene.ObjectType):
    disciplines = graphene.List(
        graphene.NonNull(Discipline),
        required=True,
        description="Every discipline, by name, with live job counts.",
        top_level_only=graphene.Boolean(
            default_value=False, description="Only disciplines with no parent."
        ),
    )
    roles = graphene.List(
        graphene.NonNull(Role), required=True, description="Every role, by name, with job counts."
    )
    institutions = graphene.Field(
        InstitutionPaginated,
        required=True,
        description="Institutions, by name.",
        search=graphene.String(
            description=f"Words in the name or city (at most {MAX_SEARCH_LENGTH} characters)."
        ),
        countries=graphene.List(
            graphene.NonNull(graphene.String), description="ISO 3166-1 alpha-2 codes."
        ),
        **pagination_args(),
    )
    institution = graphene.Field(
        Institution,
        slug=graphene.String(required=True, description="The institution's slug."),
        description="One institution by slug (null if there is none).",
    )
    countries = graphene.List(
        graphene.NonNull(Country),
        required=True,
        description="Countries with institutions or open jobs, by name, with job counts.",
        all=graphene.Boolean(
            default_value=False,
            description="Every ISO 3166-1 country instead, e.g. for a form's country chooser.",
        ),
    )

    def resolve_disciplines(root, info, top_level_only):
        disciplines = DisciplineModel.objects.select_related("parent").prefetch_related("children")
        if top_level_only:
            disciplines = disciplines.filter(parent__isnull=True)
        return list(disciplines)

    def resolve_roles(root, info):
        return list(RoleModel.objects.all())

    def resolve_institutions(root, info, search=None, countries=None, page=None, per_page=None):
        institutions = InstitutionModel.objects.all()
        if countries is not None:
            institutions = institutions.filter(country__in=[code.upper() for code in countries])
        for word in search_words(search).split():
            institutions = institutions.filter(Q(name__icontains=word) | Q(city__icontains=word))
        return paginate(
            institutions.order_by("name", "pk"),
            page,
            per_page,
            prepare=lambda items: announce_institutions(info, list(items)),
        )

    def resolve_institution(root, info, slug):
        return InstitutionModel.objects.filter(slug=slug).first()

    def resolve_countries(root, info, all):
        counts = live_job_counts(info.context).countries
        if all:
            codes = set(country_names())
        else:
            codes = set(counts) | set(
                InstitutionModel.objects.values_list("country", flat=True).distinct()
            )
        values = [CountryValue(code, counts.get(code, 0)) for code in codes if country_name(code)]
        return sorted(values, key=lambda value: value.name)

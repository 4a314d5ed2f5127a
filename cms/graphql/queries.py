"""The named queries of the public contract: jobs, guides, definitions and the taxonomy."""

import graphene
from django.db.models import Q
from graphql import GraphQLError
from grapple.registry import registry

from cms.graphql.enums import EmploymentType, JobOrder, RemotePolicy
from cms.graphql.pagination import paginate, paginated_type, pagination_args
from cms.visibility import preview_page, public_pages
from content.graphql_types import Country, CountryValue
from content.iso import country_name
from content.job_counts import JobCounts, live_job_counts
from content.job_search import JobFilters, search_jobs, with_job_relations
from content.models import (
    DefinitionPage,
    Discipline,
    GuidePage,
    Institution,
    JobPostingPage,
    Role,
)


def _page_type(model):
    return lambda: registry.pages[model]


def _snippet_type(model):
    return lambda: registry.snippets[model]


JobPostingPagePaginated = paginated_type("JobPostingPagePaginated", _page_type(JobPostingPage))
GuidePagePaginated = paginated_type("GuidePagePaginated", _page_type(GuidePage))
DefinitionPagePaginated = paginated_type("DefinitionPagePaginated", _page_type(DefinitionPage))
InstitutionPaginated = paginated_type("InstitutionPaginated", _snippet_type(Institution))


class FacetCount(graphene.ObjectType):
    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    count = graphene.Int(required=True)


class CountryFacetCount(graphene.ObjectType):
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    count = graphene.Int(required=True)


class JobFacets(graphene.ObjectType):
    total = graphene.Int(required=True)
    disciplines = graphene.List(graphene.NonNull(FacetCount), required=True)
    roles = graphene.List(graphene.NonNull(FacetCount), required=True)
    countries = graphene.List(graphene.NonNull(CountryFacetCount), required=True)
    institutions = graphene.List(graphene.NonNull(FacetCount), required=True)


def job_filter_args() -> dict:
    slugs = graphene.List(graphene.NonNull(graphene.String))
    return {
        "search": graphene.String(description="Full-text search over title, description, ..."),
        "disciplines": graphene.Argument(
            slugs, description="Discipline slugs; include descendants."
        ),
        "roles": graphene.Argument(slugs, description="Role slugs."),
        "countries": graphene.Argument(slugs, description="ISO 3166-1 alpha-2 codes."),
        "institutions": graphene.Argument(slugs, description="Institution slugs."),
        "remote": RemotePolicy(),
        "employment_types": graphene.List(graphene.NonNull(EmploymentType)),
        "funded_only": graphene.Boolean(),
        "posted_after": graphene.Date(),
        "closing_after": graphene.Date(),
    }


MAX_FILTER_VALUES = 50


def job_filters_from_args(args: dict) -> JobFilters:
    for name in ("disciplines", "roles", "countries", "institutions", "employment_types"):
        if len(args.get(name) or []) > MAX_FILTER_VALUES:
            raise GraphQLError(f"{name} takes at most {MAX_FILTER_VALUES} values.")
    search = args.get("search")
    if search is not None and len(search) > 200:
        raise GraphQLError("search is limited to 200 characters.")
    return JobFilters(
        search=search,
        disciplines=args.get("disciplines"),
        roles=args.get("roles"),
        countries=args.get("countries"),
        institutions=args.get("institutions"),
        remote=args.get("remote"),
        employment_types=args.get("employment_types"),
        funded_only=bool(args.get("funded_only")),
        posted_after=args.get("posted_after"),
        closing_after=args.get("closing_after"),
    )


def single_page_args() -> dict:
    return {
        "slug": graphene.String(),
        "url_path": graphene.String(),
        "id": graphene.ID(),
        "token": graphene.String(description="Preview token from the admin's Preview button."),
    }


def resolve_single_page(model, queryset, *, slug=None, url_path=None, id=None, token=None):
    if token:
        return preview_page(model, token)
    if id is not None:
        try:
            queryset = queryset.filter(pk=int(id))
        except ValueError as err:
            raise GraphQLError("id must be a number.") from err
    elif slug:
        queryset = queryset.filter(slug=slug)
    elif url_path:
        queryset = queryset.filter(url_path__endswith="/" + url_path.strip("/") + "/")
    else:
        raise GraphQLError("Give one of slug, urlPath, id or token.")
    return queryset.first()


def _facet_entries(counts: dict[str, int], names: dict[str, str]) -> list[FacetCount]:
    entries = [
        FacetCount(slug=slug, name=names.get(slug, slug), count=count)
        for slug, count in counts.items()
        if count
    ]
    return sorted(entries, key=lambda entry: (-entry.count, entry.name))


class ContentQuery(graphene.ObjectType):
    jobs = graphene.Field(
        JobPostingPagePaginated,
        required=True,
        order=JobOrder(default_value=JobOrder.NEWEST.value),
        **job_filter_args(),
        **pagination_args(),
    )
    job = graphene.Field(_page_type(JobPostingPage), **single_page_args())
    job_facets = graphene.Field(JobFacets, required=True, **job_filter_args())
    guides = graphene.Field(
        GuidePagePaginated,
        required=True,
        search=graphene.String(),
        disciplines=graphene.List(graphene.NonNull(graphene.String)),
        roles=graphene.List(graphene.NonNull(graphene.String)),
        **pagination_args(),
    )
    guide = graphene.Field(_page_type(GuidePage), **single_page_args())
    definitions = graphene.Field(
        DefinitionPagePaginated,
        required=True,
        search=graphene.String(),
        starts_with=graphene.String(description="First letter(s) of the term, for A-Z indexes."),
        disciplines=graphene.List(graphene.NonNull(graphene.String)),
        **pagination_args(),
    )
    definition = graphene.Field(_page_type(DefinitionPage), **single_page_args())
    disciplines = graphene.List(
        graphene.NonNull(_snippet_type(Discipline)),
        required=True,
        top_level_only=graphene.Boolean(default_value=False),
    )
    roles = graphene.List(graphene.NonNull(_snippet_type(Role)), required=True)
    institutions = graphene.Field(
        InstitutionPaginated,
        required=True,
        search=graphene.String(),
        countries=graphene.List(graphene.NonNull(graphene.String)),
        **pagination_args(),
    )
    countries = graphene.List(graphene.NonNull(Country), required=True)

    # --- jobs

    def resolve_jobs(self, info, order, page=None, per_page=None, **filters):
        jobs = search_jobs(job_filters_from_args(filters), order)
        return paginate(jobs, page, per_page, prepare=with_job_relations)

    def resolve_job(self, info, **kwargs):
        from content.job_search import open_jobs

        return resolve_single_page(JobPostingPage, with_job_relations(open_jobs()), **kwargs)

    def resolve_job_facets(self, info, **args):
        filters = job_filters_from_args(args)
        counts = {}
        # Each dimension counts with every other filter applied but its own, so a
        # frontend can show how many jobs each alternative value would give.
        for dimension in ("disciplines", "roles", "countries", "institutions"):
            filters.exclude = {dimension}
            counts[dimension] = getattr(JobCounts(search_jobs(filters)), dimension)
        filters.exclude = set()
        total = JobCounts(search_jobs(filters)).total
        names = {
            "disciplines": dict(
                Discipline.objects.filter(slug__in=counts["disciplines"]).values_list(
                    "slug", "name"
                )
            ),
            "roles": dict(
                Role.objects.filter(slug__in=counts["roles"]).values_list("slug", "name")
            ),
            "institutions": dict(
                Institution.objects.filter(slug__in=counts["institutions"]).values_list(
                    "slug", "name"
                )
            ),
        }
        countries = [
            CountryFacetCount(code=code, name=country_name(code), count=count)
            for code, count in counts["countries"].items()
        ]
        return JobFacets(
            total=total,
            disciplines=_facet_entries(counts["disciplines"], names["disciplines"]),
            roles=_facet_entries(counts["roles"], names["roles"]),
            institutions=_facet_entries(counts["institutions"], names["institutions"]),
            countries=sorted(countries, key=lambda entry: (-entry.count, entry.name)),
        )

    # --- guides and glossary

    def resolve_guides(
        self, info, search=None, disciplines=None, roles=None, page=None, per_page=None
    ):
        from content.job_search import discipline_ids_with_descendants

        guides = public_pages(GuidePage.objects.all())
        if disciplines is not None:
            guides = guides.filter(discipline_id__in=discipline_ids_with_descendants(disciplines))
        if roles is not None:
            guides = guides.filter(role__slug__in=[slug.lower() for slug in roles])
        guides = _searched(guides, search, order=("-first_published_at", "-pk"))
        return paginate(
            guides, page, per_page, prepare=lambda qs: qs.select_related("role", "discipline")
        )

    def resolve_guide(self, info, **kwargs):
        return resolve_single_page(GuidePage, public_pages(GuidePage.objects.all()), **kwargs)

    def resolve_definitions(
        self, info, search=None, starts_with=None, disciplines=None, page=None, per_page=None
    ):
        from content.job_search import discipline_ids_with_descendants

        definitions = public_pages(DefinitionPage.objects.all())
        if starts_with:
            definitions = definitions.filter(term__istartswith=starts_with.strip())
        if disciplines is not None:
            definitions = definitions.filter(
                disciplines__in=discipline_ids_with_descendants(disciplines)
            ).distinct()
        definitions = _searched(definitions, search, order=("term", "pk"))
        return paginate(definitions, page, per_page)

    def resolve_definition(self, info, **kwargs):
        return resolve_single_page(
            DefinitionPage, public_pages(DefinitionPage.objects.all()), **kwargs
        )

    # --- taxonomy

    def resolve_disciplines(self, info, top_level_only=False):
        disciplines = Discipline.objects.select_related("parent").prefetch_related("children")
        if top_level_only:
            disciplines = disciplines.filter(parent__isnull=True)
        return list(disciplines)

    def resolve_roles(self, info):
        return list(Role.objects.all())

    def resolve_institutions(self, info, search=None, countries=None, page=None, per_page=None):
        institutions = Institution.objects.all()
        if countries is not None:
            institutions = institutions.filter(country__in=[code.upper() for code in countries])
        if search:
            institutions = institutions.filter(
                Q(name__icontains=search) | Q(city__icontains=search)
            )
        return paginate(institutions.order_by("name", "pk"), page, per_page)

    def resolve_countries(self, info):
        counts = live_job_counts(info.context).countries
        codes = set(counts) | set(Institution.objects.values_list("country", flat=True).distinct())
        values = [CountryValue(code, counts.get(code, 0)) for code in codes if country_name(code)]
        return sorted(values, key=lambda value: value.name)


def _searched(qs, search, order):
    """Full-text search through Wagtail's backend (ranked), or `order` without a search."""
    if search and search.strip():
        if len(search) > 200:
            raise GraphQLError("search is limited to 200 characters.")
        # Search the whole model, then keep our filters: the backend only accepts filters on
        # declared FilterFields, while the queryset it returns takes any filter.
        matches = qs.model.objects.all().search(search.strip(), operator="and").get_queryset()
        return matches.filter(pk__in=qs.values("pk"))
    return qs.order_by(*order)

"""`jobs`, `job` and `jobFacets`."""

import graphene

from cms.graphql.core.pagination import paginate, paginated_type, pagination_args
from cms.graphql.jobs.filters import JobOrderEnum, job_filter_args, job_filters_from_args
from cms.graphql.jobs.listing import fetch_listings, listing_plan
from cms.graphql.jobs.types import JobPostingPageType, with_listing_relations
from cms.graphql.pages.queries import single_page, single_page_args
from cms.graphql.pages.types import prime_pages
from cms.graphql.taxonomy import types as taxonomy
from content.iso import country_name
from content.job_counts import facet_counts, kept_total
from content.job_search import search_jobs
from content.models import JobPostingPage
from content.visibility import closed_jobs, open_jobs


class ClosedJob(graphene.ObjectType):
    """What stays public of a closed job: its title and what similar jobs share with it."""

    title = graphene.String(required=True, description="The job title.")
    slug = graphene.String(required=True, description="The job's slug.")
    closing_date = graphene.Date(required=True, description="Its last day to apply.")
    role = graphene.Field(taxonomy.Role, description="Its role.")
    disciplines = graphene.List(
        graphene.NonNull(taxonomy.Discipline), required=True, description="Its disciplines."
    )

    def resolve_disciplines(job, info):
        return list(job.disciplines.all())


JobPostingPagePaginated = paginated_type(
    "JobPostingPagePaginated", JobPostingPageType, "A page of job postings."
)


class FacetCount(graphene.ObjectType):
    """How many jobs one value of a filter would give."""

    slug = graphene.String(required=True, description="The value's slug, as the filter takes it.")
    name = graphene.String(required=True, description="Display name.")
    count = graphene.Int(required=True, description="Matching jobs with this value.")


class CountryFacetCount(graphene.ObjectType):
    """How many jobs one country would give."""

    code = graphene.String(required=True, description="ISO 3166-1 alpha-2 code.")
    name = graphene.String(required=True, description="The country's name.")
    count = graphene.Int(required=True, description="Matching jobs in this country.")


class JobFacets(graphene.ObjectType):
    """Counts for a search page. Each dimension applies every filter but its own, so a
    frontend can show what each alternative value would give (disjunctive facets)."""

    total = graphene.Int(required=True, description="Jobs matching every filter.")
    disciplines = graphene.List(
        graphene.NonNull(FacetCount),
        required=True,
        description="Per discipline (with those below).",
    )
    roles = graphene.List(graphene.NonNull(FacetCount), required=True, description="Per role.")
    countries = graphene.List(
        graphene.NonNull(CountryFacetCount), required=True, description="Per country."
    )
    institutions = graphene.List(
        graphene.NonNull(FacetCount), required=True, description="Per institution."
    )


def _by_count(entries):
    return sorted(entries, key=lambda entry: (-entry.count, entry.name))


def job_facets(filters, request) -> JobFacets:
    counts = facet_counts(filters, request=request)
    facets = {
        dimension: _by_count(
            FacetCount(slug=slug, name=name, count=count) for slug, name, count in counts[dimension]
        )
        for dimension in ("disciplines", "roles", "institutions")
    }
    facets["countries"] = _by_count(
        CountryFacetCount(code=code, name=country_name(code), count=count)
        for code, _name, count in counts["countries"]
    )
    return JobFacets(total=counts["total"], **facets)


class JobQuery(graphene.ObjectType):
    jobs = graphene.Field(
        JobPostingPagePaginated,
        required=True,
        description="Open job postings matching every filter given. Unknown slugs or codes "
        "match nothing; malformed values are an error.",
        order=graphene.Argument(
            JobOrderEnum, default_value=JobOrderEnum.NEWEST.value, description="Result order."
        ),
        **job_filter_args(),
        **pagination_args(),
    )
    job = graphene.Field(
        JobPostingPageType, description="One open job posting.", **single_page_args("job")
    )
    closed_job = graphene.Field(
        lambda: ClosedJob,
        slug=graphene.String(required=True, description="The job's slug."),
        description="A job posting that was public and has closed (its closing date passed or "
        "it expired), with just enough to point visitors to similar open jobs; null for an "
        "open job and for anything never public, unpublished by hand or private.",
    )
    job_facets = graphene.Field(
        JobFacets,
        required=True,
        description="Counts per discipline, role, country and institution for the same filters "
        "as `jobs`.",
        **job_filter_args(),
    )

    def resolve_jobs(root, info, order, page=None, per_page=None, **args):
        filters = job_filters_from_args(args)
        jobs = search_jobs(filters, getattr(order, "value", order), request=info.context)
        # The total from the counts the lifecycle keeps, when they count these filters.
        total = kept_total(filters, info.context)
        plan = listing_plan(info)

        def prepare(qs):
            if plan is not None:
                return fetch_listings(info, qs, plan)
            return prime_pages(info, list(with_listing_relations(qs)))

        return paginate(jobs, page, per_page, prepare=prepare, total=total)

    def resolve_job(root, info, **args):
        jobs = with_listing_relations(open_jobs(request=info.context))
        return single_page(JobPostingPage, info, jobs, **args)

    def resolve_closed_job(root, info, slug):
        return closed_jobs(request=info.context).filter(slug=slug).select_related("role").first()

    def resolve_job_facets(root, info, **args):
        return job_facets(job_filters_from_args(args), info.context)

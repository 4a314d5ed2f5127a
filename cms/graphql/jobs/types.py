"""Job postings as the public API shows them."""

import graphene
from django.db.models import prefetch_related_objects

from cms.graphql.core.scalars import JSONString, RichText
from cms.graphql.jobs.loaders import DisciplinesByJobLoader
from cms.graphql.pages.types import PageInterface, listing_page_type, page_type
from cms.graphql.taxonomy.types import Country, Discipline, Institution, Role, announce_institutions
from content import jsonld
from content.job_fields import PLAIN, Kind, graphql_groups
from content.models import JobIndexPage, JobPostingPage


class Salary(graphene.ObjectType):
    """Pay or stipend: a range (or one figure) per period."""

    min = graphene.Float(description="Lowest figure; null if only a maximum is given.")
    max = graphene.Float(description="Highest figure; null if only a minimum is given.")
    currency = graphene.String(required=True, description="ISO 4217 code, e.g. GBP.")
    period = graphene.String(required=True, description="YEAR, MONTH, WEEK, DAY or HOUR.")


def with_listing_relations(jobs):
    """A job queryset with the relations every job shows joined in (the logo for `jsonLd`;
    the `logo` field and the disciplines come from their loaders)."""
    return jobs.select_related("institution", "institution__logo", "role")


def prime_jobs(info, jobs: list) -> list:
    """What a list of jobs shows, for all of them at once."""
    prefetch_related_objects(jobs, "institution__logo", "role")
    announce_institutions(info, [job.institution for job in jobs])
    DisciplinesByJobLoader.of(info).want([job.pk for job in jobs])
    return jobs


# The GraphQL scalar of each kind of plain job field (content.job_fields).
_SCALARS = {
    Kind.TEXT: graphene.String,
    Kind.CHOICE: graphene.String,
    Kind.INT: graphene.Int,
    Kind.DECIMAL: graphene.Float,
    Kind.BOOL: graphene.Boolean,
    Kind.DATE: graphene.Date,
    Kind.DATETIME: graphene.DateTime,
    Kind.RICH_TEXT: RichText,
}

# The fields that show a relation or several columns, by the name content.job_fields gives
# them; each is built where the declaration first names it, so the type keeps its order.
_COMPOSITE = {
    "institution": lambda: graphene.Field(Institution, required=True, description="The employer."),
    "country": lambda: graphene.Field(
        Country, required=True, source="country_info", description="Where the job is."
    ),
    "role": lambda: graphene.Field(Role, required=True, description="The kind of position."),
    "disciplines": lambda: graphene.List(
        graphene.NonNull(Discipline), required=True, description="Fields of study it is in."
    ),
    "salary": lambda: graphene.Field(
        Salary, source="salary_info", description="Salary or stipend; null when not stated."
    ),
    "keywords": lambda: graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        source="keyword_list",
        description="The employer's keywords.",
    ),
}


def _job_fields() -> dict:
    """The type's fields from content.job_fields, in its order (graphene orders fields by
    when they were made)."""
    fields = {}
    for name, (first, *_rest) in graphql_groups().items():
        if first.graphql == PLAIN:
            fields[name] = _SCALARS[first.kind](
                required=first.required, description=first.description
            )
        else:
            fields[name] = _COMPOSITE[name]()
    fields["json_ld"] = JSONString(
        required=True, description="schema.org JobPosting (Google for Jobs) to embed as is."
    )
    return fields


def _resolve_disciplines(job, info):
    return DisciplinesByJobLoader.of(info).load(job.pk)


def _resolve_json_ld(job, info):
    return jsonld.job_posting(job, info.context)


class _Meta:
    name = "JobPostingPage"
    interfaces = (PageInterface,)


JobPostingPageType = page_type(JobPostingPage, prime=prime_jobs)(
    type(
        "JobPostingPageType",
        (graphene.ObjectType,),
        {
            "__doc__": "An open position at an institution. Only published jobs whose "
            "closing date has not\npassed are ever returned.",
            "Meta": _Meta,
            **_job_fields(),
            "resolve_disciplines": staticmethod(_resolve_disciplines),
            "resolve_json_ld": staticmethod(_resolve_json_ld),
        },
    )
)


JobIndexPageType = listing_page_type(JobIndexPage, "The jobs section's root page.")

"""Job postings as the public API shows them."""

import graphene
from django.db.models import prefetch_related_objects

from cms.graphql.core.scalars import JSONString, RichText
from cms.graphql.jobs.loaders import DisciplinesByJobLoader
from cms.graphql.pages.types import PageInterface, listing_page_type, page_type
from cms.graphql.taxonomy.types import Country, Discipline, Institution, Role, want_logos
from content import jsonld
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
    want_logos(info, [job.institution for job in jobs])
    DisciplinesByJobLoader.of(info).want([job.pk for job in jobs])
    return jobs


@page_type(JobPostingPage, prime=prime_jobs)
class JobPostingPageType(graphene.ObjectType):
    """An open position at an institution. Only published jobs whose closing date has not
    passed are ever returned."""

    class Meta:
        name = "JobPostingPage"
        interfaces = (PageInterface,)

    institution = graphene.Field(Institution, required=True, description="The employer.")
    department = graphene.String(description="Department, school or group.")
    city = graphene.String(description="Where the job is (the institution's city by default).")
    country = graphene.Field(
        Country, required=True, source="country_info", description="Where the job is."
    )
    remote_policy = graphene.String(required=True, description="ON_SITE, HYBRID or REMOTE.")
    role = graphene.Field(Role, required=True, description="The kind of position.")
    disciplines = graphene.List(
        graphene.NonNull(Discipline), required=True, description="Fields of study it is in."
    )
    employment_type = graphene.String(
        required=True, description="schema.org employmentType, e.g. FULL_TIME."
    )
    contract_type = graphene.String(required=True, description="PERMANENT or FIXED_TERM.")
    duration_months = graphene.Int(description="Length of a fixed-term contract, in months.")
    salary = graphene.Field(
        Salary, source="salary_info", description="Salary or stipend; null when not stated."
    )
    funded = graphene.Boolean(required=True, description="Fully funded (e.g. a studentship).")
    funding_details = graphene.String(description="Who funds it and what the funding covers.")
    start_date = graphene.Date(description="When the job starts, if known.")
    closing_date = graphene.Date(
        required=True, description="Last day to apply; the job disappears after it."
    )
    posted_at = graphene.DateTime(description="When the job was first published.")
    description = RichText(required=True, description="The job description (HTML).")
    requirements = RichText(description="What candidates need (HTML).")
    how_to_apply = RichText(description="How to apply (HTML).")
    application_url = graphene.String(description="Where to apply online.")
    application_email = graphene.String(description="Where to send applications by email.")
    reference = graphene.String(description="The employer's reference for the job.")
    education_requirement = graphene.String(
        description="schema.org credential category, e.g. postgraduate degree."
    )
    keywords = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        source="keyword_list",
        description="The employer's keywords.",
    )
    json_ld = JSONString(
        required=True, description="schema.org JobPosting (Google for Jobs) to embed as is."
    )

    def resolve_disciplines(job, info):
        return DisciplinesByJobLoader.of(info).load(job.pk)

    def resolve_json_ld(job, info):
        return jsonld.job_posting(job, info.context)


JobIndexPageType = listing_page_type(JobIndexPage, "The jobs section's root page.")

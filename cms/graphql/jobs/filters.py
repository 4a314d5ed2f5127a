"""The `jobs` and `jobFacets` arguments, built from content.job_search.FILTERS."""

import graphene
from graphql import GraphQLError

from content.job_search import FILTERS, JobFilters, JobOrder
from content.models import EmploymentType as EmploymentTypeChoices
from content.models import RemotePolicy as RemotePolicyChoices
from content.search import MAX_SEARCH_LENGTH

MAX_FILTER_VALUES = 50


def _enum(name, choices, description):
    """A GraphQL enum of a model's choices, each value described by its label."""
    labels = dict(choices.choices)
    return type(
        name,
        (graphene.Enum,),
        {
            "Meta": type("Meta", (), {"description": description}),
            **{value: value for value in choices.values},
            "description": property(lambda member: labels[member.value] + "."),
        },
    )


RemotePolicy = _enum("RemotePolicy", RemotePolicyChoices, "Where the work happens.")
EmploymentType = _enum(
    "EmploymentType", EmploymentTypeChoices, "schema.org JobPosting employmentType values."
)


class JobOrderEnum(graphene.Enum):
    """How `jobs` orders its results."""

    NEWEST = JobOrder.NEWEST
    CLOSING_SOON = JobOrder.CLOSING_SOON
    RELEVANCE = JobOrder.RELEVANCE

    class Meta:
        name = "JobOrder"

    @property
    def description(self):
        return {
            JobOrder.NEWEST: "Most recently published first (the default).",
            JobOrder.CLOSING_SOON: "Nearest closing date first.",
            JobOrder.RELEVANCE: "Best search match first; needs `search` (else NEWEST).",
        }[self.value]


def filter_type(job_filter):
    """The GraphQL type of a filter's values (for `jobs` arguments and JobAlertInput)."""
    slugs = graphene.List(graphene.NonNull(graphene.String))
    kinds = {
        "slugs": lambda: slugs,
        "codes": lambda: slugs,
        "choice": lambda: {"remote": RemotePolicy}[job_filter.name],
        "choices": lambda: graphene.List(
            graphene.NonNull({"employment_types": EmploymentType}[job_filter.name])
        ),
        "flag": lambda: graphene.Boolean,
        "date": lambda: graphene.Date,
    }
    return kinds[job_filter.kind]()


def _argument(job_filter):
    return graphene.Argument(filter_type(job_filter), description=job_filter.description)


def job_filter_args() -> dict:
    return {
        "search": graphene.String(
            description=f"Words to find in titles, descriptions, institutions, roles and "
            f"disciplines; every word must match (at most {MAX_SEARCH_LENGTH} characters)."
        ),
        **{job_filter.name: _argument(job_filter) for job_filter in FILTERS},
    }


def _plain(value):
    """graphene hands resolvers enum members; filters want their values."""
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return getattr(value, "value", value)


def job_filters_from_args(args: dict):
    for job_filter in FILTERS:
        value = args.get(job_filter.name)
        if isinstance(value, list) and len(value) > MAX_FILTER_VALUES:
            raise GraphQLError(f"{job_filter.name} takes at most {MAX_FILTER_VALUES} values.")
    return JobFilters(
        search=args.get("search"),
        **{job_filter.name: _plain(args.get(job_filter.name)) for job_filter in FILTERS},
    )

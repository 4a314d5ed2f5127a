"""Finding open jobs: the job filters, declared once, and the search that applies them.

`FILTERS` is the single declaration of how jobs can be narrowed. The GraphQL `jobs` and
`jobFacets` arguments, the facet dimensions and the guide's call-to-action searches are
built from it; so are job alerts' criteria where a filter declares `alert`: the
`JobAlertInput` fields, their validation and storage (notifications/criteria.py) and the
digest's matching SQL (notifications/matching.py). A test proves, on generated data, that
an alert's matching selects exactly what `search_jobs` returns for its filters. The job
import validates with the model's own rules (content/imports/reading.py); a test proves that
every filter here finds a job as the import stored it.

An alert's keywords are not a filter here: they are the alert's own criterion (any keyword
a substring of the job's title, keywords, department or discipline names), where `search`
is full-text with every word required. They differ by design: an alert keeps a few words
to look out for, each enough on its own, checked by the matching's one statement.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, make_dataclass
from typing import Any

from django.db.models import Q, QuerySet

from content.discipline_tree import DisciplineTree
from content.models import Discipline, EmploymentType, JobPostingPage, RemotePolicy
from content.search import is_search, search_queryset
from content.visibility import open_jobs


class JobOrder:
    NEWEST = "NEWEST"
    CLOSING_SOON = "CLOSING_SOON"
    RELEVANCE = "RELEVANCE"


# Set inside `one_discipline_tree()`: the tree as read once for a batch of searches.
_shared_tree: ContextVar[dict | None] = ContextVar("shared_discipline_tree", default=None)


@contextmanager
def one_discipline_tree():
    """Searches run inside read the discipline tree once between them (a loader's batch of
    searches would otherwise read it once per search)."""
    token = _shared_tree.set({})
    try:
        yield
    finally:
        _shared_tree.reset(token)


def discipline_rows() -> list:
    """(id, parent id, slug) of every discipline; read once inside `one_discipline_tree()`."""
    shared = _shared_tree.get()
    if shared is None:
        return list(Discipline.objects.values_list("id", "parent_id", "slug"))
    if "rows" not in shared:
        shared["rows"] = list(Discipline.objects.values_list("id", "parent_id", "slug"))
    return shared["rows"]


def discipline_ids_with_descendants(slugs: list[str]) -> set[int]:
    """Ids of the named disciplines and everything below them (one query for the whole tree)."""
    rows = discipline_rows()
    wanted = {slug.lower() for slug in slugs}
    tree = DisciplineTree((pk, parent) for pk, parent, _slug in rows)
    return tree.descendants_and_self(pk for pk, _parent, slug in rows if slug in wanted)


def _in_disciplines(slugs) -> Q:
    links = JobPostingPage.disciplines.through.objects.filter(
        discipline_id__in=discipline_ids_with_descendants(slugs)
    )
    return Q(pk__in=links.values("jobpostingpage_id"))


@dataclass(frozen=True)
class AlertMatch:
    """How a job alert keeps a filter, in the JobAlert field named like the filter, and how
    the digest's matching SQL (notifications/matching.py) compares it with the job's
    `job_field`. Empty matches every job, as an unset filter does. `stored` is one of:
    "tree": a many-to-many; the job's values, or one of their ancestors, are among it (the
        discipline tree: the matching starts from these pairs, so there is one such filter);
    "set": a many-to-many; the job's foreign key is among it;
    "list": text ",A,B,"; the job's value is in the list;
    "value": text; the job's value equals it."""

    stored: str
    job_field: str


@dataclass(frozen=True)
class JobFilter:
    """One way to narrow jobs. `kind` says what values it takes (and so its GraphQL type):
    "slugs" (lower-cased), "codes" (upper-cased ISO codes), "choice" or "choices" (of
    `choices`), "flag" (applies when true), "date". `condition`: the jobs it keeps, as a
    condition on a job queryset (a filter, or a facet's flag in content.job_counts).
    `alert`: how job alerts keep it, if they take it (their GraphQL input, validation,
    storage and matching follow from it)."""

    name: str
    kind: str
    description: str
    condition: Callable[[Any], Q]
    choices: type | None = None
    facet: bool = False  # counted per value by jobFacets
    alert: AlertMatch | None = None

    def normalise(self, value):
        if self.kind == "slugs":
            return [item.lower() for item in value]
        if self.kind == "codes":
            return [item.upper() for item in value]
        return value

    def is_set(self, value) -> bool:
        return bool(value) if self.kind in ("flag", "choice", "date") else value is not None


FILTERS: tuple[JobFilter, ...] = (
    JobFilter(
        "disciplines",
        "slugs",
        "Discipline slugs; a discipline matches jobs in it and in every discipline below it.",
        _in_disciplines,
        facet=True,
        alert=AlertMatch("tree", "disciplines"),
    ),
    JobFilter(
        "roles",
        "slugs",
        "Role slugs, e.g. phd, postdoc.",
        lambda v: Q(role__slug__in=v),
        facet=True,
        alert=AlertMatch("set", "role"),
    ),
    JobFilter(
        "countries",
        "codes",
        "ISO 3166-1 alpha-2 country codes, e.g. GB, DE.",
        lambda v: Q(country__in=v),
        facet=True,
        alert=AlertMatch("list", "country"),
    ),
    JobFilter(
        "institutions",
        "slugs",
        "Institution slugs.",
        lambda v: Q(institution__slug__in=v),
        facet=True,
    ),
    JobFilter(
        "remote",
        "choice",
        "Only jobs with this remote policy.",
        lambda v: Q(remote_policy=v),
        choices=RemotePolicy,
        alert=AlertMatch("value", "remote_policy"),
    ),
    JobFilter(
        "employment_types",
        "choices",
        "Only jobs of these schema.org employment types.",
        lambda v: Q(employment_type__in=v),
        choices=EmploymentType,
    ),
    JobFilter(
        "funded_only",
        "flag",
        "Only funded positions (e.g. fully funded PhD studentships).",
        lambda v: Q(funded=True),
    ),
    JobFilter(
        "posted_after",
        "date",
        "Only jobs first published on or after this date.",
        lambda v: Q(posted_at__date__gte=v),
    ),
    JobFilter(
        "closing_after",
        "date",
        "Only jobs still open for applications on this date.",
        lambda v: Q(closing_date__gte=v),
    ),
)
FILTERS_BY_NAME = {job_filter.name: job_filter for job_filter in FILTERS}
FACETS = tuple(job_filter.name for job_filter in FILTERS if job_filter.facet)
ALERT_FILTERS = tuple(job_filter for job_filter in FILTERS if job_filter.alert)

# The values of a search: every declared filter (None: not applied) and the free text.
JobFilters = make_dataclass(
    "JobFilters",
    [("search", str | None, None), *((job_filter.name, Any, None) for job_filter in FILTERS)],
)


def filter_conditions(filters) -> dict[str, Q]:
    """The condition of every filter that is set, by filter name."""
    return {
        job_filter.name: job_filter.condition(job_filter.normalise(value))
        for job_filter in FILTERS
        if job_filter.is_set(value := getattr(filters, job_filter.name))
    }


def search_jobs(
    filters, order: str = JobOrder.NEWEST, request=None, *, except_facets: bool = False
) -> QuerySet:
    """Open jobs matching the filters, in the requested order (RELEVANCE needs a search;
    without one it is NEWEST). `except_facets`: every filter but the facet dimensions
    (which content.job_counts.facet_counts applies per dimension)."""
    qs = open_jobs(request=request)
    for name, condition in filter_conditions(filters).items():
        if not (except_facets and name in FACETS):
            qs = qs.filter(condition)
    if is_search(filters.search):
        by_relevance = order == JobOrder.RELEVANCE
        qs = search_queryset(qs, filters.search, ranked=by_relevance)
        if by_relevance:
            return qs
    if order == JobOrder.CLOSING_SOON:
        return qs.order_by("closing_date", "-posted_at", "-pk")
    return qs.order_by("-posted_at", "-pk")


def with_job_relations(qs: QuerySet) -> QuerySet:
    """Everything a job listing shows, fetched in a constant number of queries."""
    return qs.select_related("institution", "institution__logo", "role").prefetch_related(
        "disciplines__parent"
    )


__all__ = [
    "ALERT_FILTERS",
    "FACETS",
    "FILTERS",
    "JobFilter",
    "JobFilters",
    "JobOrder",
    "search_jobs",
]

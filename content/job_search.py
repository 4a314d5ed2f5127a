"""Finding open jobs: the job filters, declared once, and the search that applies them.

`FILTERS` is the single declaration of how jobs can be narrowed. The GraphQL `jobs` and
`jobFacets` arguments, the facet dimensions, the guide's call-to-action blocks and the
employer import's checks of slugs are all built from it; a filter added here appears in
each of them.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, make_dataclass
from typing import Any

from django.db.models import QuerySet

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


def _discipline_rows() -> list:
    shared = _shared_tree.get()
    if shared is None:
        return list(Discipline.objects.values_list("id", "parent_id", "slug"))
    if "rows" not in shared:
        shared["rows"] = list(Discipline.objects.values_list("id", "parent_id", "slug"))
    return shared["rows"]


def discipline_ids_with_descendants(slugs: list[str]) -> set[int]:
    """Ids of the named disciplines and everything below them (one query for the whole tree)."""
    rows = _discipline_rows()
    children: dict[int | None, list[int]] = {}
    for pk, parent_id, _slug in rows:
        children.setdefault(parent_id, []).append(pk)
    wanted = {slug.lower() for slug in slugs}
    stack = [pk for pk, _parent, slug in rows if slug in wanted]
    found: set[int] = set()
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def _in_disciplines(qs, slugs):
    links = JobPostingPage.disciplines.through.objects.filter(
        discipline_id__in=discipline_ids_with_descendants(slugs)
    )
    return qs.filter(pk__in=links.values("jobpostingpage_id"))


@dataclass(frozen=True)
class JobFilter:
    """One way to narrow jobs. `kind` says what values it takes (and so its GraphQL type):
    "slugs" (lower-cased), "codes" (upper-cased ISO codes), "choice" or "choices" (of
    `choices`), "flag" (applies when true), "date"."""

    name: str
    kind: str
    description: str
    apply: Callable[[QuerySet, Any], QuerySet]
    choices: type | None = None
    facet: bool = False  # counted per value by jobFacets

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
    ),
    JobFilter(
        "roles",
        "slugs",
        "Role slugs, e.g. phd, postdoc.",
        lambda qs, v: qs.filter(role__slug__in=v),
        facet=True,
    ),
    JobFilter(
        "countries",
        "codes",
        "ISO 3166-1 alpha-2 country codes, e.g. GB, DE.",
        lambda qs, v: qs.filter(country__in=v),
        facet=True,
    ),
    JobFilter(
        "institutions",
        "slugs",
        "Institution slugs.",
        lambda qs, v: qs.filter(institution__slug__in=v),
        facet=True,
    ),
    JobFilter(
        "remote",
        "choice",
        "Only jobs with this remote policy.",
        lambda qs, v: qs.filter(remote_policy=v),
        choices=RemotePolicy,
    ),
    JobFilter(
        "employment_types",
        "choices",
        "Only jobs of these schema.org employment types.",
        lambda qs, v: qs.filter(employment_type__in=v),
        choices=EmploymentType,
    ),
    JobFilter(
        "funded_only",
        "flag",
        "Only funded positions (e.g. fully funded PhD studentships).",
        lambda qs, v: qs.filter(funded=True),
    ),
    JobFilter(
        "posted_after",
        "date",
        "Only jobs first published on or after this date.",
        lambda qs, v: qs.filter(posted_at__date__gte=v),
    ),
    JobFilter(
        "closing_after",
        "date",
        "Only jobs still open for applications on this date.",
        lambda qs, v: qs.filter(closing_date__gte=v),
    ),
)
FILTERS_BY_NAME = {job_filter.name: job_filter for job_filter in FILTERS}
FACETS = tuple(job_filter.name for job_filter in FILTERS if job_filter.facet)

# The values of a search: every declared filter (None: not applied), the free text, and the
# filters a facet count leaves out.
JobFilters = make_dataclass(
    "JobFilters",
    [
        ("search", str | None, None),
        *((job_filter.name, Any, None) for job_filter in FILTERS),
        ("exclude", frozenset, field(default=frozenset())),
    ],
)


def apply_filters(qs: QuerySet, filters) -> QuerySet:
    """Narrow a job queryset by every filter that is set and not excluded."""
    for job_filter in FILTERS:
        value = getattr(filters, job_filter.name)
        if job_filter.name in filters.exclude or not job_filter.is_set(value):
            continue
        qs = job_filter.apply(qs, job_filter.normalise(value))
    return qs


def search_jobs(filters, order: str = JobOrder.NEWEST, request=None) -> QuerySet:
    """Open jobs matching the filters, in the requested order (RELEVANCE needs a search;
    without one it is NEWEST)."""
    qs = apply_filters(open_jobs(request=request), filters)
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


__all__ = ["FACETS", "FILTERS", "JobFilter", "JobFilters", "JobOrder", "search_jobs"]

"""Finding live jobs: the one place that decides what "open and published" means."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from content.models import Discipline, JobPostingPage


class JobOrder:
    NEWEST = "NEWEST"
    CLOSING_SOON = "CLOSING_SOON"
    RELEVANCE = "RELEVANCE"


@dataclass
class JobFilters:
    search: str | None = None
    disciplines: list[str] | None = None
    roles: list[str] | None = None
    countries: list[str] | None = None
    institutions: list[str] | None = None
    remote: str | None = None
    employment_types: list[str] | None = None
    funded_only: bool = False
    posted_after: dt.date | None = None
    closing_after: dt.date | None = None
    exclude: set[str] = field(default_factory=set)  # filter names left out (for facets)


def open_jobs(jobs: QuerySet | None = None, now: dt.datetime | None = None) -> QuerySet:
    """Published, public jobs whose closing date has not passed, expired by the scheduler or not."""
    now = now or timezone.now()
    jobs = JobPostingPage.objects.all() if jobs is None else jobs
    return (
        jobs.live()
        .public()
        .filter(closing_date__gte=timezone.localdate(now))
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    )


def discipline_ids_with_descendants(slugs: list[str]) -> set[int]:
    """Ids of the named disciplines and everything below them (one query for the whole tree)."""
    rows = list(Discipline.objects.values_list("id", "parent_id", "slug"))
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


def apply_filters(qs: QuerySet, filters: JobFilters) -> QuerySet:
    """Narrow a job queryset by every filter that is set and not excluded."""
    active = {
        name: getattr(filters, name)
        for name in (
            "disciplines",
            "roles",
            "countries",
            "institutions",
            "remote",
            "employment_types",
            "funded_only",
            "posted_after",
            "closing_after",
        )
        if name not in filters.exclude
    }
    if active.get("disciplines") is not None:
        ids = discipline_ids_with_descendants(active.get("disciplines"))
        qs = qs.filter(
            pk__in=JobPostingPage.disciplines.through.objects.filter(discipline_id__in=ids).values(
                "jobpostingpage_id"
            )
        )
    if active.get("roles") is not None:
        qs = qs.filter(role__slug__in=[slug.lower() for slug in active.get("roles")])
    if active.get("countries") is not None:
        qs = qs.filter(country__in=[code.upper() for code in active.get("countries")])
    if active.get("institutions") is not None:
        qs = qs.filter(institution__slug__in=[slug.lower() for slug in active.get("institutions")])
    if active.get("remote"):
        qs = qs.filter(remote_policy=active.get("remote"))
    if active.get("employment_types") is not None:
        qs = qs.filter(employment_type__in=active.get("employment_types"))
    if active.get("funded_only"):
        qs = qs.filter(funded=True)
    if active.get("posted_after"):
        qs = qs.filter(first_published_at__date__gte=active.get("posted_after"))
    if active.get("closing_after"):
        qs = qs.filter(closing_date__gte=active.get("closing_after"))
    return qs


def search_jobs(filters: JobFilters, order: str = JobOrder.NEWEST) -> QuerySet:
    """Open jobs matching the filters, in the requested order."""
    if filters.search and filters.search.strip():
        # The search backend (PostgreSQL full text, SQLite FTS5) returns a plain queryset
        # we can keep filtering; relevance is its own ordering.
        by_relevance = order == JobOrder.RELEVANCE
        results = JobPostingPage.objects.all().search(
            filters.search.strip(), operator="and", order_by_relevance=by_relevance
        )
        qs = apply_filters(open_jobs(results.get_queryset()), filters)
        if by_relevance:
            return qs
    else:
        qs = apply_filters(open_jobs(), filters)
    if order == JobOrder.CLOSING_SOON:
        return qs.order_by("closing_date", "-first_published_at", "-pk")
    return qs.order_by("-first_published_at", "-pk")


def with_job_relations(qs: QuerySet) -> QuerySet:
    """Everything a job listing shows, fetched in a constant number of queries."""
    return qs.select_related("institution", "role").prefetch_related("disciplines")

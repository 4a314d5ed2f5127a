"""Live job counts per discipline, role, country and institution.

Computed with one grouped query per dimension and kept on the request, so a listing of
fifty disciplines costs the same as one.
"""

from django.db.models import Count, Q, QuerySet
from django.utils.functional import cached_property

from content.discipline_tree import DisciplineTree
from content.models import Discipline, JobPostingPage
from content.visibility import open_jobs


class JobCounts:
    """Counts over a job queryset; each dimension is queried only when first read."""

    def __init__(self, jobs: QuerySet):
        self.jobs = jobs

    @cached_property
    def total(self) -> int:
        return self.jobs.order_by().count()

    @cached_property
    def disciplines(self) -> dict[str, int]:
        return discipline_counts(self.jobs)

    @cached_property
    def roles(self) -> dict[str, int]:
        return _grouped(self.jobs, "role__slug")

    @cached_property
    def countries(self) -> dict[str, int]:
        return _grouped(self.jobs, "country")

    @cached_property
    def institutions(self) -> dict[str, int]:
        return _grouped(self.jobs, "institution__slug")


def _grouped(qs: QuerySet, key: str) -> dict:
    return {
        row[key]: row["n"]
        for row in qs.order_by().values(key).annotate(n=Count("pk", distinct=True))
        if row[key] is not None
    }


def discipline_counts(jobs: QuerySet) -> dict[str, int]:
    """Jobs per discipline slug, where a parent counts every job of its descendants once.

    One query: a distinct count per discipline over the job-discipline links, each filtered
    to that discipline's subtree (the tree itself is small and read once)."""
    tree = list(Discipline.objects.values_list("id", "parent_id", "slug"))
    if not tree:
        return {}
    subtree = DisciplineTree((pk, parent) for pk, parent, _slug in tree).subtrees()
    links = JobPostingPage.disciplines.through.objects.filter(
        jobpostingpage_id__in=jobs.order_by().values("pk")
    )
    counts = links.aggregate(
        **{
            f"d{pk}": Count("jobpostingpage_id", distinct=True, filter=Q(discipline_id__in=ids))
            for pk, ids in subtree.items()
        }
    )
    return {slug: counts[f"d{pk}"] for pk, _parent, slug in tree if counts[f"d{pk}"]}


def live_job_counts(request) -> JobCounts:
    """Counts over every open job, computed once per request."""
    cached = getattr(request, "_live_job_counts", None)
    if cached is None:
        cached = JobCounts(open_jobs(request=request))
        if request is not None:
            request._live_job_counts = cached
    return cached

"""Job counts per discipline, role, country and institution.

`JobCounts`, counts over any job queryset: one grouped query per dimension, each run when
first read. `live_job_counts`, the taxonomy's counts of every open job, kept on the request,
so a listing of fifty disciplines costs the same as one; they are read from the counts the
lifecycle keeps (content/open_counts.py), which `JobCounts(open_jobs())` equals.
`facet_counts`, the counts of a search page (`jobFacets`): every dimension and the total in
one statement. `kept_filters` decides when the kept combinations count a search exactly
(only kept filters): then `facet_counts`, a listing's total (`kept_total`) and the counts of
a page's calls to action (`kept_totals`, together) are read from them, whatever the board's
size; with search words, from the combinations of the counted jobs the search matches
(`kept_counts`, one statement).
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.utils.functional import cached_property

from content.discipline_tree import DisciplineTree
from content.job_search import (
    FACETS,
    FILTERS,
    discipline_rows,
    filter_conditions,
    one_discipline_tree,
    search_jobs,
)
from content.models import Discipline, Institution, JobPostingPage, Role
from content.open_counts import KEPT_FILTERS, Combinations, OpenJobCounts, SearchedJobCounts
from content.search import is_search, search_words


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


def kept_filters(filters) -> dict | None:
    """The filters (a JobFilters) as `OpenJobCounts.matching` and `.facets` take them (a
    mapping of each filter set to its normalised value) when
    the combinations the lifecycle keeps count their open jobs exactly: by no filter but
    those kept (content.open_counts.KEPT_FILTERS), with or without a search (`kept_counts`
    says whose combinations); None otherwise. The one decision of every count taken from
    there: a listing's total, jobFacets, a call to action's count."""
    kept = {}
    for job_filter in FILTERS:
        value = getattr(filters, job_filter.name)
        if job_filter.is_set(value):
            if job_filter.name not in KEPT_FILTERS:
                return None
            kept[job_filter.name] = job_filter.normalise(value)
    return kept


def kept_counts(filters, request) -> Combinations:
    """Whose combinations count `filters` (when `kept_filters` says they can): every open
    job's, kept by the lifecycle; or, with a search, those of the open jobs it matches
    (one statement per search words, kept on the request, so a page's `jobs` and
    `jobFacets` share it)."""
    if not is_search(filters.search):
        return live_job_counts(request)
    words = search_words(filters.search)
    searched = getattr(request, "_searched_job_counts", None)
    if searched is None:
        searched = {}
        if request is not None:
            request._searched_job_counts = searched
    if words not in searched:
        searched[words] = SearchedJobCounts(words)
    return searched[words]


def kept_total(filters, request) -> int | None:
    """How many open jobs match `filters`, from the kept combinations when `kept_filters`
    says they count them exactly (one query, kept on the request); None otherwise."""
    return kept_totals([filters], request)[0]


def kept_totals(searches: list, request) -> list[int | None]:
    """`kept_total` of each of `searches` (JobFilters), together: those without search words
    from the counts per dimension and at most one query of the combinations for all of them
    (a page's calls to action); those with, from the combinations their words match
    (`kept_counts`)."""
    kept = [kept_filters(filters) for filters in searches]
    plain = [
        k
        for filters, k in zip(searches, kept, strict=True)
        if k is not None and not is_search(filters.search)
    ]
    found = iter(live_job_counts(request).matching_many(plain))
    return [
        None
        if k is None
        else kept_counts(filters, request).matching(k)
        if is_search(filters.search)
        else next(found)
        for filters, k in zip(searches, kept, strict=True)
    ]


def live_job_counts(request) -> OpenJobCounts:
    """Counts over every open job (`open_jobs`, the same for every visitor), read once per
    request from the counts the lifecycle keeps (content/open_counts.py)."""
    cached = getattr(request, "_live_job_counts", None)
    if cached is None:
        cached = OpenJobCounts()
        if request is not None:
            request._live_job_counts = cached
    return cached


# The columns `facet_counts` reads of each matching job.
_FACET_COLUMNS = {
    "facet_job": F("pk"),
    "facet_role": F("role_id"),
    "facet_country": F("country"),
    "facet_institution": F("institution_id"),
}


def facet_counts(filters, request=None) -> dict:
    """The counts of `jobFacets`, in one statement: {"total": n, "disciplines": [(slug,
    name, count)], "roles": [...], "institutions": [...], "countries": [(code, None,
    count)]}, values without a matching job left out.

    Each dimension applies every filter but its own (disjunctive facets), and a discipline
    counts the jobs in it and below it once each. The statement selects the jobs matching
    the search and every filter that is no facet, once, with a flag per facet filter set
    (its condition from content.job_search.FILTERS); each dimension groups those rows
    where every other flag holds. The discipline tree is read once, for the filter and the
    subtrees both.

    Without a search, and filtered only by what the lifecycle keeps counts of
    (`kept_filters`), every dimension is read from those counts instead
    (content/open_counts.py): per dimension without a filter, else from their combinations."""
    kept = kept_filters(filters)
    if kept == {} and not is_search(filters.search):
        return _open_facet_counts()
    if kept is not None:
        return kept_counts(filters, request).facets(kept)
    with one_discipline_tree():
        flags = {
            # A Case, not the bare condition: one that can match nothing compiles to false.
            f"facet_in_{name}": Case(
                When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
            for name, condition in filter_conditions(filters).items()
            if name in FACETS
        }
        jobs = search_jobs(filters, request=request, except_facets=True).order_by()
        try:
            jobs_sql, params = jobs.values(**_FACET_COLUMNS, **flags).query.sql_with_params()
        except EmptyResultSet:  # e.g. a search without a word
            return {"total": 0, **{dimension: [] for dimension in FACETS}}
        subtrees = DisciplineTree((pk, parent) for pk, parent, _slug in discipline_rows())
        closure = [(pk, top) for top, ids in subtrees.subtrees().items() for pk in ids]
    with connection.cursor() as cursor:
        cursor.execute(_facet_sql(jobs_sql, list(flags), closure), params)
        rows = cursor.fetchall()
    facets = {"total": 0, **{dimension: [] for dimension in FACETS}}
    for dimension, slug, name, count in rows:
        if dimension == "total":
            facets["total"] = count
        else:
            facets[dimension].append((slug, name, count))
    return facets


def _open_facet_counts() -> dict:
    """`facet_counts` of every open job, from the kept counts."""
    kept = OpenJobCounts()
    return {
        "total": kept.total,
        "disciplines": kept.named_disciplines,
        "roles": kept.named(Role),
        "institutions": kept.named(Institution),
        "countries": [(code, None, count) for code, count in kept.countries.items()],
    }


def _facet_sql(jobs_sql: str, flags: list[str], closure: list[tuple[int, int]]) -> str:
    """The one statement of `facet_counts` (the SQL that PostgreSQL and SQLite both run):
    the matching jobs as a materialized CTE, then one grouping of it per dimension, each
    counted by id before the names are joined."""
    q = connection.ops.quote_name

    def where(dimension, *more):
        conditions = [f"jobs.{q(flag)}" for flag in flags if flag != f"facet_in_{dimension}"]
        conditions += more
        return f" WHERE {' AND '.join(conditions)}" if conditions else ""

    def named(dimension, model, grouped):
        return (
            f"SELECT '{dimension}', t.slug, t.name, grouped.n FROM ({grouped}) grouped "
            f"JOIN {q(model._meta.db_table)} t ON t.id = grouped.id"
        )

    def per_job(dimension, column):
        return (
            f"SELECT jobs.{q(column)} AS id, count(*) AS n FROM jobs{where(dimension)} "
            f"GROUP BY jobs.{q(column)}"
        )

    country = f"jobs.{q('facet_country')}"
    branches = [
        f"SELECT 'total', NULL, NULL, count(*) FROM jobs{where(None)}",
        named("roles", Role, per_job("roles", "facet_role")),
        named("institutions", Institution, per_job("institutions", "facet_institution")),
        f"SELECT 'countries', {country}, NULL, count(*) FROM jobs"
        f"{where('countries', f'{country} IS NOT NULL')} GROUP BY {country}",
    ]
    ctes = [f"jobs AS MATERIALIZED ({jobs_sql})"]
    if closure:
        # A job counts once for each discipline it is in or below: its distinct
        # (job, ancestor) pairs, from its links and the closure of the tree.
        links = JobPostingPage.disciplines.through._meta.db_table
        pairs = ", ".join(f"({int(pk)}, {int(ancestor)})" for pk, ancestor in closure)
        ctes.append(f"closure(discipline, ancestor) AS (VALUES {pairs})")
        job_ancestors = (
            "SELECT DISTINCT links.jobpostingpage_id, closure.ancestor "
            f"FROM jobs JOIN {q(links)} links ON links.jobpostingpage_id = jobs.{q('facet_job')} "
            f"JOIN closure ON closure.discipline = links.discipline_id{where('disciplines')}"
        )
        grouped = f"SELECT ancestor AS id, count(*) AS n FROM ({job_ancestors}) pairs"
        branches.append(named("disciplines", Discipline, grouped + " GROUP BY ancestor"))
    return f"WITH {', '.join(ctes)} " + " UNION ALL ".join(branches)

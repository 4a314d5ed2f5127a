#!/usr/bin/env python
"""`jobFacets` on PostgreSQL: the one statement against counting each dimension on its own.

    .venv/bin/python bench/facets.py --database-url postgres://postgres@127.0.0.1:5432/db_20000

The database is one `bench/scale.py` has seeded (`<prefix>_<size>`). Every scenario goes
through the real /graphql/ endpoint in-process (response cache off), alternating the two
paths in the same run: "one statement" (content.job_counts.facet_counts, what jobFacets
runs) and the baseline "per dimension" (a query per dimension over `search_jobs` without
its filter, then the total and the names: the path jobFacets took before). It prints the
medians, their ratio, the statements per request, the load average, and the
`EXPLAIN (ANALYZE, BUFFERS)` of the one statement for the last scenario.
"""

import argparse
import dataclasses
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import explain, run_query, setup_django  # noqa: E402

SCENARIOS = {
    "no filter": "jobFacets",
    "country": 'jobFacets(countries: ["DE"])',
    "discipline (with descendants)": 'jobFacets(disciplines: ["computer-science"])',
    "role + country + discipline": (
        'jobFacets(roles: ["postdoc"], countries: ["GB", "DE"], disciplines: ["biology"])'
    ),
    "search": 'jobFacets(search: "machine learning")',
    "search + country": 'jobFacets(search: "neuroscience", countries: ["GB"])',
}
FIELDS = (
    "total disciplines { slug count } roles { slug count } countries { code count } "
    "institutions { slug count }"
)


def per_dimension(filters, request):
    """The baseline: one grouped query per dimension, then the total and the names."""
    from django.db.models import Count

    from cms.graphql.jobs.queries import CountryFacetCount, FacetCount, JobFacets, _by_count
    from content.iso import country_name
    from content.job_counts import JobCounts
    from content.job_search import FACETS, search_jobs
    from content.models import Discipline, Institution, Role

    counts = {}
    for dimension in FACETS:
        without = dataclasses.replace(filters, **{dimension: None})
        jobs = search_jobs(without, request=request)
        if dimension == "institutions":  # the taxonomy counts institutions by id, in a loader
            rows = (
                jobs.order_by()
                .values_list("institution__slug")
                .annotate(n=Count("pk", distinct=True))
            )
            counts[dimension] = dict(rows)
        else:
            counts[dimension] = getattr(JobCounts(jobs), dimension)
    facets = {"total": JobCounts(search_jobs(filters, request=request)).total}
    named = {"disciplines": Discipline, "roles": Role, "institutions": Institution}
    for dimension, model in named.items():
        names = dict(model.objects.filter(slug__in=counts[dimension]).values_list("slug", "name"))
        facets[dimension] = _by_count(
            FacetCount(slug=slug, name=names.get(slug, slug), count=count)
            for slug, count in counts[dimension].items()
            if count
        )
    facets["countries"] = _by_count(
        CountryFacetCount(code=code, name=country_name(code), count=count)
        for code, count in counts["countries"].items()
    )
    return JobFacets(**facets)


def run(client, field):
    return run_query(client, field, FIELDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    setup_django(args.database_url, args.redis_url)
    from django.test import Client

    from cms.graphql.jobs import queries
    from content.models import JobPostingPage

    one_statement = queries.job_facets
    paths = {"one statement": one_statement, "per dimension": per_dimension}
    client = Client(HTTP_HOST="localhost")
    print(f"jobs: {JobPostingPage.objects.count()}  load average before: {os.getloadavg()}")
    print(f"{'scenario':<32} {'one statement':>14} {'per dimension':>14} {'ratio':>6}  statements")
    last_sql = None
    for name, field in SCENARIOS.items():
        timings = {path: [] for path in paths}
        statements, answers = {}, {}
        for function in paths.values():  # warm both
            queries.job_facets = function
            run(client, field)
        for _ in range(args.repeats):
            for path, function in paths.items():
                queries.job_facets = function
                elapsed, statements[path], answers[path] = run(client, field)
                timings[path].append(elapsed)
        if answers["one statement"] != answers["per dimension"]:
            raise SystemExit(f"{name}: the two paths disagree")
        one, per = (statistics.median(timings[path]) for path in paths)
        counts = "/".join(str(len(statements[path])) for path in paths)
        print(f"{name:<32} {one:11.1f} ms {per:11.1f} ms {per / one:5.1f}x  {counts}")
        last_sql = [s for s in statements["one statement"] if "content_jobpostingpage" in s]
    queries.job_facets = one_statement
    print(f"load average after: {os.getloadavg()}")
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the one statement, '{name}':")
    print(explain(last_sql[0]))


if __name__ == "__main__":
    main()

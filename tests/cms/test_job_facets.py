"""`jobFacets` in one statement: the same counts as counting each dimension on its own (the
taxonomy's `JobCounts` over `search_jobs` without that dimension's filter), for filters,
a search, nested disciplines and unknown values, at a constant number of SQL statements."""

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.job_counts import JobCounts
from content.job_search import FACETS, JobFilters, search_jobs
from tests.content.counting import counted_by
from tests.content.factories import (
    DisciplineFactory,
    InstitutionFactory,
    JobPostingPageFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

FACET_QUERY = """query ($search: String, $disciplines: [String!], $roles: [String!],
    $countries: [String!], $institutions: [String!], $fundedOnly: Boolean,
    $postedAfter: Date) {
  jobFacets(search: $search, disciplines: $disciplines, roles: $roles, countries: $countries,
            institutions: $institutions, fundedOnly: $fundedOnly, postedAfter: $postedAfter) {
    total disciplines { slug name count } roles { slug name count }
    countries { code name count } institutions { slug name count } } }"""

CASES = {
    "unfiltered": {},
    "searched": {"search": "glacier"},
    "filtered": {"roles": ["postdoc"], "countries": ["FR", "DE"]},
    "every facet": {
        "disciplines": ["science"],
        "roles": ["postdoc", "phd"],
        "countries": ["fr"],
        "institutions": ["inria", "eth"],
    },
    "subtree": {"disciplines": ["biology"], "fundedOnly": True},
    "search and filters": {"search": "glacier", "disciplines": ["ecology"], "roles": ["phd"]},
    "unknown values": {"disciplines": ["nowhere"], "roles": ["nobody"]},
    "search without words": {"search": "!!"},
    "posted after": {"roles": ["phd"], "postedAfter": "2000-01-01"},
}


@pytest.fixture
def site(job_index):
    science = DisciplineFactory(name="Science", slug="science")
    biology = DisciplineFactory(name="Biology", slug="biology", parent=science)
    ecology = DisciplineFactory(name="Ecology", slug="ecology", parent=biology)
    physics = DisciplineFactory(name="Physics", slug="physics", parent=science)
    DisciplineFactory(name="Empty", slug="empty", parent=physics)
    postdoc = RoleFactory(name="Postdoc", slug="postdoc")
    phd = RoleFactory(name="PhD", slug="phd")
    RoleFactory(name="Lecturer", slug="lecturer")
    inria = InstitutionFactory(name="Inria", slug="inria", country="FR")
    eth = InstitutionFactory(name="ETH", slug="eth", country="CH")
    mpg = InstitutionFactory(name="MPG", slug="mpg", country="DE")
    jobs = [
        ("Glacier ecology", [ecology, biology], postdoc, inria, "FR", True),
        ("Glacier physics", [physics], phd, eth, "CH", False),
        ("Cells", [biology], phd, mpg, "DE", True),
        ("Ice cores glacier", [ecology, physics], phd, inria, "FR", True),
        ("Lasers", [physics, science], postdoc, mpg, "DE", False),
        ("Unfiled", [], postdoc, eth, "FR", True),
        ("Tides", [ecology], phd, mpg, "GB", False),
    ]
    for title, disciplines, role, institution, country, funded in jobs:
        JobPostingPageFactory(
            parent=job_index,
            title=title,
            disciplines=disciplines,
            role=role,
            institution=institution,
            country=country,
            funded=funded,
        )


def _filters(variables) -> JobFilters:
    names = {"fundedOnly": "funded_only", "postedAfter": "posted_after"}
    return JobFilters(**{names.get(key, key): value for key, value in variables.items()})


def expected(variables) -> dict:
    """Each dimension counted on its own, without its own filter (the path jobFacets took
    before it was one statement)."""
    filters = _filters(variables)
    counts = {"total": JobCounts(search_jobs(filters)).total}
    for dimension in FACETS:
        jobs = search_jobs(dataclasses.replace(filters, **{dimension: None}))
        per_value = (
            counted_by(jobs, "institution__slug")
            if dimension == "institutions"
            else getattr(JobCounts(jobs), dimension)
        )
        counts[dimension] = {key: n for key, n in per_value.items() if n}
    return counts


def got(facets) -> dict:
    return {
        "total": facets["total"],
        **{
            dimension: {entry["slug"]: entry["count"] for entry in facets[dimension]}
            for dimension in ("disciplines", "roles", "institutions")
        },
        "countries": {entry["code"]: entry["count"] for entry in facets["countries"]},
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_facets_match_each_dimension_counted_alone(graphql, site, case):
    variables = CASES[case]
    facets = graphql.execute(FACET_QUERY, variables)["jobFacets"]
    assert got(facets) == expected(variables)


def test_facets_values_known_by_hand(graphql, site):
    facets = graphql.execute(FACET_QUERY, {"disciplines": ["biology"], "countries": ["FR"]})
    facets = got(facets["jobFacets"])
    # Glacier ecology and Ice cores glacier: in biology (ecology is below it) and in France.
    assert facets["total"] == 2
    # Disciplines ignore their own filter: every French job, counted once per subtree.
    assert facets["disciplines"] == {"science": 2, "biology": 2, "ecology": 2, "physics": 1}
    # Countries ignore theirs: every job in biology or below it.
    assert facets["countries"] == {"FR": 2, "DE": 1, "GB": 1}
    assert facets["roles"] == {"postdoc": 1, "phd": 1}
    assert facets["institutions"] == {"inria": 2}


def test_facets_names_and_order(graphql, site):
    facets = graphql.execute(FACET_QUERY, {})["jobFacets"]
    assert facets["roles"] == [
        {"slug": "phd", "name": "PhD", "count": 4},
        {"slug": "postdoc", "name": "Postdoc", "count": 3},
    ]
    assert facets["countries"][0] == {"code": "FR", "name": "France", "count": 3}


def _reads(graphql, variables) -> list[str]:
    """The statements that read, of a second request (the first warms per-process caches)."""
    graphql.execute(FACET_QUERY, variables)
    with CaptureQueriesContext(connection) as captured:
        graphql.execute(FACET_QUERY, variables)
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]


def test_unfiltered_facets_read_the_kept_counts(graphql, site, settings):
    """Without a search or a filter, every dimension counts every open job: read from the
    counts the lifecycle keeps (content/open_counts.py), the jobs themselves not at all:
    the kept counts, the discipline tree, the roles and institutions counted."""
    settings.GRAPHQL_CACHE_SECONDS = 0
    statements = _reads(graphql, {})
    assert not [sql for sql in statements if "content_jobpostingpage" in sql], statements
    assert len([sql for sql in statements if "content_openjobcount" in sql]) == 1, statements
    assert len(statements) == 4, statements


@pytest.mark.parametrize(
    ("case", "reads"),
    [("filtered", 4), ("every facet", 5), ("unknown values", 3), ("subtree", 4)],
)
def test_facets_filtered_by_kept_filters_read_the_kept_counts(graphql, site, settings, case, reads):
    """Filtered only by what the lifecycle keeps counts of (content.job_counts.kept_filters),
    every dimension is summed from the kept combinations (one statement), whatever the
    filters: with the roles, the discipline tree, the institutions named (and those a
    filter names) besides; no institution is read when none is counted."""
    settings.GRAPHQL_CACHE_SECONDS = 0
    statements = _reads(graphql, CASES[case])
    assert not [sql for sql in statements if "content_jobpostingpage" in sql], statements
    assert len([sql for sql in statements if "content_openjobcount" in sql]) == 1, statements
    assert len(statements) == reads, statements


def test_facets_by_a_filter_not_kept_are_one_statement(graphql, site, settings):
    """With a filter the lifecycle keeps no count of, one statement counts every dimension
    and the total; the other is the discipline tree, read once for the discipline filter
    and the subtrees both."""
    settings.GRAPHQL_CACHE_SECONDS = 0
    # Reads only: PostgreSQL's savepoints around the request are not work.
    statements = _reads(graphql, CASES["posted after"])
    on_jobs = [sql for sql in statements if "content_jobpostingpage" in sql]
    assert len(on_jobs) == 1, statements
    assert len(statements) == 2, statements


@pytest.mark.parametrize("case", ["searched", "search and filters"])
def test_searched_facets_read_the_counted_jobs_of_the_matches(graphql, site, settings, case):
    """A search (with kept filters or none) is counted from the combinations of the counted
    jobs it matches (content.open_counts.SearchedJobCounts): one statement reads the search
    entries and the counted jobs, not the pages (on PostgreSQL not the jobs either: the
    entries' ids are compared, content.search.matching_ids); with the roles, the discipline
    tree and the institutions named."""
    settings.GRAPHQL_CACHE_SECONDS = 0
    statements = _reads(graphql, CASES[case])
    assert not [sql for sql in statements if "wagtailcore_page" in sql], statements
    if connection.vendor == "postgresql":
        assert not [sql for sql in statements if "content_jobpostingpage" in sql], statements
    searched = [sql for sql in statements if "content_countedjob" in sql]
    assert len(searched) == 1, statements
    assert "indexentry" in searched[0], statements
    assert len(statements) == 4, statements

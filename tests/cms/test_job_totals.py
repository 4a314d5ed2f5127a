"""A `jobs` listing's `total` is read from the counts the lifecycle keeps (content/open_counts.py)
when they count its filters exactly (content.job_counts.kept_filters: no search, only kept
filters), and counted over the jobs otherwise: the same totals either way, and no count of
the jobs table on the kept path."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.job_search import JobFilters, search_jobs
from tests.content.factories import (
    DisciplineFactory,
    InstitutionFactory,
    JobPostingPageFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

LISTING = """query ($roles: [String!], $countries: [String!], $institutions: [String!],
    $disciplines: [String!], $remote: RemotePolicy, $fundedOnly: Boolean, $search: String,
    $closingAfter: Date, $page: Int) {
  jobs(roles: $roles, countries: $countries, institutions: $institutions,
       disciplines: $disciplines, remote: $remote, fundedOnly: $fundedOnly, search: $search,
       closingAfter: $closingAfter, perPage: 2, page: $page) {
    items { slug } pagination { total totalPages count } } }"""

KEPT = {
    "none": {},
    "role": {"roles": ["postdoc"]},
    "two countries": {"countries": ["fr", "DE"]},
    "institution": {"institutions": ["inria"]},
    "discipline subtree": {"disciplines": ["science"]},
    "remote": {"remote": "REMOTE"},
    "every kept filter": {
        "roles": ["phd", "postdoc"],
        "disciplines": ["biology"],
        "countries": ["FR"],
        "institutions": ["inria", "eth"],
    },
    "unknown values": {"roles": ["nobody"], "institutions": ["nowhere"]},
    "funded": {"fundedOnly": True},
    "role and funded": {"roles": ["phd"], "fundedOnly": True},
}
COUNTED = {
    "closing after": {"closingAfter": str(dt.date.today() + dt.timedelta(days=2))},
    "search and closing after": {
        "search": "glacier",
        "closingAfter": str(dt.date.today() + dt.timedelta(days=2)),
    },
}
SEARCHED = {
    "search": {"search": "glacier"},
    "two words": {"search": "glacier ecology"},
    "role and search": {"roles": ["phd"], "search": "glacier"},
    "every kept filter and search": {
        "search": "glacier",
        "roles": ["postdoc", "phd"],
        "disciplines": ["science"],
        "countries": ["FR", "CH"],
        "fundedOnly": True,
    },
    "no match": {"search": "volcano"},
    "no words": {"search": "!!"},
}


@pytest.fixture
def board(job_index):
    science = DisciplineFactory(name="Science", slug="science")
    biology = DisciplineFactory(name="Biology", slug="biology", parent=science)
    physics = DisciplineFactory(name="Physics", slug="physics", parent=science)
    postdoc, phd = RoleFactory(slug="postdoc"), RoleFactory(slug="phd")
    inria = InstitutionFactory(slug="inria", country="FR")
    eth = InstitutionFactory(slug="eth", country="CH")
    today = timezone.localdate()
    rows = [
        ("Glacier ecology", [biology], postdoc, inria, "FR", "ON_SITE", True, today),
        ("Glacier physics", [physics], phd, eth, "CH", "REMOTE", False, today),
        ("Cells", [biology, physics], phd, inria, "FR", "HYBRID", True, today),
        ("Lasers", [physics], postdoc, eth, "DE", "REMOTE", False, today),
        ("Tides", [], phd, inria, "DE", "ON_SITE", True, today + dt.timedelta(days=3)),
    ]
    for title, disciplines, role, institution, country, remote, funded, closing in rows:
        JobPostingPageFactory(
            parent=job_index,
            title=title,
            disciplines=disciplines,
            role=role,
            institution=institution,
            country=country,
            remote_policy=remote,
            funded=funded,
            closing_date=closing,
        )
    # Neither open nor counted, though a search for "glacier" matches them: closed yesterday,
    # and a draft.
    JobPostingPageFactory(
        parent=job_index,
        title="Glacier closed",
        role=phd,
        closing_date=today - dt.timedelta(days=1),
    )
    JobPostingPageFactory(parent=job_index, title="Glacier draft", role=phd, live=False)


def _filters(variables) -> JobFilters:
    names = {"fundedOnly": "funded_only", "closingAfter": "closing_after"}
    return JobFilters(**{names.get(key, key): value for key, value in variables.items()})


def _listing(graphql, variables):
    with CaptureQueriesContext(connection) as captured:
        jobs = graphql.execute(LISTING, variables)["jobs"]
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    return jobs, counts


@pytest.mark.parametrize("case", sorted(KEPT))
def test_kept_filters_take_the_total_from_the_kept_counts(graphql, board, settings, case):
    settings.GRAPHQL_CACHE_SECONDS = 0
    variables = KEPT[case]
    jobs, counts = _listing(graphql, variables)
    expected = search_jobs(_filters(variables)).count()
    assert jobs["pagination"]["total"] == expected
    assert jobs["pagination"]["count"] == min(2, expected)
    assert not [sql for sql in counts if "content_jobpostingpage" in sql], counts


@pytest.mark.parametrize("case", sorted(COUNTED))
def test_other_filters_count_the_jobs(graphql, board, settings, case):
    settings.GRAPHQL_CACHE_SECONDS = 0
    variables = COUNTED[case]
    jobs, counts = _listing(graphql, variables)
    assert jobs["pagination"]["total"] == search_jobs(_filters(variables)).count()
    assert len([sql for sql in counts if "content_jobpostingpage" in sql]) == 1, counts


@pytest.mark.parametrize("case", sorted(SEARCHED))
def test_searches_by_kept_filters_count_the_counted_jobs_they_match(graphql, board, settings, case):
    """A search, alone or with kept filters, is counted from the combinations of the counted
    jobs it matches (content.open_counts.SearchedJobCounts): the same total as counting the
    open jobs it finds, in one statement that reads no page."""
    settings.GRAPHQL_CACHE_SECONDS = 0
    variables = SEARCHED[case]
    jobs, counts = _listing(graphql, variables)
    expected = search_jobs(_filters(variables)).count()
    assert jobs["pagination"]["total"] == expected
    assert jobs["pagination"]["count"] == min(2, expected)
    if case not in ("no match", "no words"):
        assert expected
    assert not [sql for sql in counts if "wagtailcore_page" in sql], counts
    if expected:
        assert len([sql for sql in counts if "content_countedjob" in sql]) == 1, counts


def test_pages_past_the_last_are_empty_and_the_first_always_exists(graphql, board):
    last = graphql.execute(LISTING, {"page": 3})["jobs"]
    assert last["pagination"] == {"total": 5, "totalPages": 3, "count": 1}
    assert graphql.execute(LISTING, {"page": 4})["jobs"]["items"] == []
    none = graphql.execute(LISTING, {"roles": ["nobody"]})["jobs"]
    assert none["pagination"] == {"total": 0, "totalPages": 1, "count": 0}

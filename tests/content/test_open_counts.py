"""The open job counts the lifecycle keeps (content/open_counts.py) equal the live counts of
`open_jobs` for every dimension, on a board changed by every route of the lifecycle:
publishes (Wagtail's and the bulk path's), field changes, unpublishes, deletions, privacy
changes on a job and on its section, an unpublished section, and closing dates passing."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from content.imports.bulk import import_rows
from content.imports.reading import Mode, Record
from content.job_counts import JobCounts
from content.job_search import JobFilters, search_jobs
from content.models import CountedJob, JobPostingPage, OpenJobCount
from content.open_counts import OpenJobCounts
from content.visibility import open_jobs
from tests.content.counting import counted_by
from tests.content.factories import (
    DisciplineFactory,
    InstitutionFactory,
    JobPostingPageFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def live() -> dict:
    """Every dimension counted over `open_jobs` now."""
    jobs = open_jobs()
    counts = JobCounts(jobs)

    return {
        "total": counts.total,
        "disciplines": counts.disciplines,
        "roles": counts.roles,
        "countries": counts.countries,
        "institutions": counted_by(jobs, "institution__slug"),
        "remote": counted_by(jobs, "remote_policy"),
        **{
            name: search_jobs(JobFilters(**filters)).count()
            for name, filters in COMBINED_SEARCHES.items()
        },
    }


# Searches of several values, as calls to action and filtered listings make them.
COMBINED_SEARCHES = {
    "phd in science": {"roles": ["phd"], "disciplines": ["science"]},
    "phd or postdoc in physics in CH": {
        "roles": ["phd", "postdoc"],
        "disciplines": ["physics"],
        "countries": ["CH"],
    },
    "remote postdoc in FR": {"roles": ["postdoc"], "countries": ["FR"], "remote": "REMOTE"},
    "funded phd": {"roles": ["phd"], "funded_only": True},
    "phd at inria in science": {
        "roles": ["phd"],
        "institutions": ["inria"],
        "disciplines": ["science"],
    },
}


def kept() -> dict:
    counts = OpenJobCounts()
    return {
        **{name: getattr(counts, name) for name in live() if name not in COMBINED_SEARCHES},
        **{name: counts.matching(filters) for name, filters in COMBINED_SEARCHES.items()},
    }


def assert_kept_equals_live():
    expected = live()
    assert kept() == expected
    return expected


@pytest.fixture
def board(job_index):
    science = DisciplineFactory(name="Science", slug="science")
    physics = DisciplineFactory(name="Physics", slug="physics", parent=science)
    optics = DisciplineFactory(name="Optics", slug="optics", parent=physics)
    biology = DisciplineFactory(name="Biology", slug="biology", parent=science)
    phd, postdoc = RoleFactory(slug="phd"), RoleFactory(slug="postdoc")
    eth = InstitutionFactory(slug="eth", country="CH")
    inria = InstitutionFactory(slug="inria", country="FR")
    jobs = [
        JobPostingPageFactory(
            parent=job_index,
            role=phd,
            institution=eth,
            disciplines=[optics, physics],
            funded=True,
        ),
        JobPostingPageFactory(
            parent=job_index, role=phd, institution=inria, disciplines=[optics, biology]
        ),
        JobPostingPageFactory(
            parent=job_index,
            role=postdoc,
            institution=inria,
            remote_policy="REMOTE",
            disciplines=[biology],
            closing_date=TODAY,
        ),
        JobPostingPageFactory(
            parent=job_index,
            role=postdoc,
            institution=eth,
            country="DE",
            closing_date=TODAY + dt.timedelta(days=1),
        ),
        JobPostingPageFactory(parent=job_index, role=phd, institution=eth, live=False),
    ]
    return {"jobs": jobs, "phd": phd, "postdoc": postdoc, "inria": inria, "biology": biology}


def test_kept_counts_follow_every_route_of_the_lifecycle(board, job_index, monkeypatch):
    jobs = board["jobs"]
    first = assert_kept_equals_live()
    assert first["total"] == 4
    assert first["disciplines"] == {"science": 3, "physics": 2, "optics": 2, "biology": 2}

    # A new live version with other values (role, country, institution, disciplines).
    job = jobs[0]
    job.role, job.institution, job.country = board["postdoc"], board["inria"], "FR"
    job.save()
    job.disciplines.set([board["biology"]])
    job.save_revision().publish()
    assert assert_kept_equals_live()["roles"] == {"phd": 1, "postdoc": 3}

    # The draft that was never published, published; then unpublished by hand.
    jobs[4].save_revision().publish()
    assert assert_kept_equals_live()["total"] == 5
    jobs[1].unpublish()
    assert assert_kept_equals_live()["total"] == 4

    # Privacy: on a job, then on the whole section, then lifted.
    restriction = PageViewRestriction.objects.create(page=jobs[2], restriction_type="login")
    assert assert_kept_equals_live()["total"] == 3
    section = PageViewRestriction.objects.create(page=job_index, restriction_type="login")
    assert assert_kept_equals_live()["total"] == 0
    section.delete()
    restriction.delete()
    assert assert_kept_equals_live()["total"] == 4

    # The section unpublished hides every job below it; published again, they are back.
    job_index.refresh_from_db()
    job_index.unpublish()
    assert assert_kept_equals_live()["total"] == 0
    job_index.refresh_from_db()
    job_index.save_revision().publish()
    assert assert_kept_equals_live()["total"] == 4

    # The bulk path (imports, feeds, the employer API).
    report = import_rows(
        [
            Record(1, _row(1, "phd", "optics")),
            Record(2, _row(2, "postdoc", "biology", remote_policy="HYBRID")),
        ],
        mode=Mode.PUBLISH,
    )
    assert report.counts == {"created": 2}
    assert assert_kept_equals_live()["total"] == 6

    # A deleted job.
    jobs[3].delete()
    assert assert_kept_equals_live()["total"] == 5

    # Closing dates pass with no write at all: tomorrow, then in two months.
    real_now = timezone.now
    for days in (1, 60):
        monkeypatch.setattr(timezone, "now", lambda days=days: real_now() + dt.timedelta(days))
        assert_kept_equals_live()
    assert live()["total"] == 0

    # Rebuilt from scratch, the table holds the same counts.
    monkeypatch.setattr(timezone, "now", real_now)
    before = assert_kept_equals_live()
    call_command("rebuild_open_counts")
    assert kept() == before


def _row(n, role, discipline, **overrides):
    return {
        "title": f"Position {n} in optics",
        "institution": "inria",
        "role": role,
        "disciplines": discipline,
        "reference": f"IN-{n}",
        "closing_date": (TODAY + dt.timedelta(days=20)).isoformat(),
        "description": f"Position number {n}.",
        "application_url": f"https://inria.example/{n}",
        **overrides,
    }


def test_moving_a_discipline_needs_no_recount(board):
    """Disciplines are kept as each job's set: a parent's count follows the tree as it is
    when read."""
    physics = board["jobs"][0].disciplines.get(slug="physics")
    physics.parent = board["biology"]
    physics.save()
    assert assert_kept_equals_live()["disciplines"]["biology"] == 3


def test_counts_are_read_from_what_the_lifecycle_kept(job_index):
    """A job written around the lifecycle is not counted until the counts are rebuilt (what
    bench/bulk_seed.py's copies need), which shows every count is read from the kept table;
    the table holds only rows that count something."""
    JobPostingPageFactory(parent=job_index)
    JobPostingPageFactory(parent=job_index, announced=False)
    assert OpenJobCounts().total == 1
    assert JobCounts(open_jobs()).total == 2
    call_command("rebuild_open_counts")
    assert OpenJobCounts().total == 2
    assert CountedJob.objects.count() == 2
    JobPostingPage.objects.first().unpublish()
    assert not OpenJobCount.objects.filter(n__lte=0).exists()
    assert OpenJobCounts().total == 1


def test_counting_costs_the_same_statements_however_many_keys(job_index):
    """`_apply` writes the count rows in bulk: 30 jobs with 3 or with 20 different closing
    dates (as many keys in every dimension) cost the same statements to count and forget.
    (20 dates: their ~140 new rows fit one INSERT even on SQLite, whose batch Django caps
    by the number of parameters.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from content import open_counts

    costs = {}
    for dates in (3, 20):
        ids = [
            JobPostingPageFactory(
                parent=job_index,
                closing_date=TODAY + dt.timedelta(days=10 + n % dates),
                announced=False,
            ).pk
            for n in range(30)
        ]
        with CaptureQueriesContext(connection) as counting:
            open_counts.recount(ids)
        assert OpenJobCount.objects.filter(dimension="total").count() == dates
        with CaptureQueriesContext(connection) as forgetting:
            open_counts.forget(ids)
        assert not OpenJobCount.objects.exists()
        costs[dates] = (len(counting), len(forgetting))
    assert costs[3] == costs[20]


def test_searches_counted_together_equal_the_live_counts(board):
    """A page's calls to action are counted together (`matching_many`): each search by one
    filter from its dimension, those by several from one query of the combinations that can
    match them; every count equals the live count."""
    searches = {
        **COMBINED_SEARCHES,
        "none": {},
        "role": {"roles": ["postdoc"]},
        "discipline subtree": {"disciplines": ["science"]},
        "countries": {"countries": ["CH", "FR"]},
        "remote": {"remote": "REMOTE"},
        "institution": {"institutions": ["inria"]},
        "funded": {"funded_only": True},
        "unknown role in CH": {"roles": ["nobody"], "countries": ["CH"]},
        "remote in FR in biology": {
            "remote": "REMOTE",
            "countries": ["FR"],
            "disciplines": ["biology"],
        },
    }
    expected = {name: search_jobs(JobFilters(**f)).count() for name, f in searches.items()}
    assert any(expected.values())
    with CaptureQueriesContext(connection) as context:
        counted = OpenJobCounts().matching_many(list(searches.values()))
    assert dict(zip(searches, counted, strict=True)) == expected
    combinations = [q for q in context.captured_queries if "'combination'" in q["sql"]]
    assert len(combinations) == 1

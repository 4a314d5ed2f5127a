import datetime as dt

import pytest
from django.utils import timezone

from tests.content.factories import (
    DisciplineFactory,
    InstitutionFactory,
    JobPostingPageFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

JOBS = """
query Jobs($disciplines: [String!], $countries: [String!], $perPage: Int, $page: Int,
           $order: JobOrder, $search: String) {
  jobs(disciplines: $disciplines, countries: $countries, perPage: $perPage, page: $page,
       order: $order, search: $search) {
    items { title slug institution { name slug country { code name } } role { slug }
            disciplines { slug } country { code name } closingDate jsonLd }
    pagination { total count perPage currentPage prevPage nextPage totalPages }
  }
}
"""


def test_jobs_filters_by_parent_discipline_and_country(graphql, job_index):
    cs = DisciplineFactory(name="Computer Science")
    ml = DisciplineFactory(name="Machine Learning", parent=cs)
    history = DisciplineFactory(name="History")
    de = InstitutionFactory(name="TU Munich", country="DE")
    JobPostingPageFactory(parent=job_index, title="ML PhD", disciplines=[ml], institution=de)
    JobPostingPageFactory(parent=job_index, title="History postdoc", disciplines=[history])

    data = graphql.execute(JOBS, {"disciplines": ["computer-science"]})
    assert [job["title"] for job in data["jobs"]["items"]] == ["ML PhD"]
    assert data["jobs"]["items"][0]["country"] == {"code": "DE", "name": "Germany"}

    data = graphql.execute(JOBS, {"countries": ["gb"]})
    assert [job["title"] for job in data["jobs"]["items"]] == ["History postdoc"]

    assert graphql.execute(JOBS, {"disciplines": ["no-such-thing"]})["jobs"]["items"] == []


def test_expired_jobs_are_never_returned(graphql, job_index):
    job = JobPostingPageFactory(parent=job_index, title="Closed")
    # Closing date passed but the scheduler has not unpublished it yet.
    type(job).objects.filter(pk=job.pk).update(
        closing_date=timezone.localdate() - dt.timedelta(days=1)
    )
    JobPostingPageFactory(parent=job_index, title="Open")
    data = graphql.execute(JOBS)
    assert [item["title"] for item in data["jobs"]["items"]] == ["Open"]


def test_bad_arguments_are_graphql_errors(graphql):
    assert "perPage" in graphql.errors(JOBS, {"perPage": 1000})[0]["message"]
    assert "page" in graphql.errors(JOBS, {"page": -1})[0]["message"]
    graphql.errors('query { jobs(postedAfter: "yesterday") { items { title } } }')


def test_query_count_is_constant_in_page_size(graphql, job_index, django_assert_max_num_queries):
    role = RoleFactory()
    ml = DisciplineFactory(name="Machine Learning")
    for n in range(30):
        JobPostingPageFactory(
            parent=job_index,
            role=role,
            institution=InstitutionFactory(name=f"Uni {n}"),
            disciplines=[ml],
        )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The first request fills Wagtail's cached site root paths (one query, once per cache
    # lifetime); the cache is emptied for each test, so warm it with another page size.
    graphql.execute(JOBS, {"perPage": 5})
    # Warm process-wide caches (Wagtail's site root paths) so both counts are steady-state;
    # each page size is a new query, so the response cache cannot answer it.
    graphql.execute(JOBS, {"perPage": 5})
    counts = []
    for per_page in (10, 30):
        with CaptureQueriesContext(connection) as ctx:
            graphql.execute(JOBS, {"perPage": per_page})
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    # count, page, disciplines (+ parents), two visibility facts (view restrictions,
    # unpublished sections), the site root paths; PostgreSQL adds the savepoint its
    # transaction is inside a test (each statement's `SET LOCAL statement_timeout` is sent
    # on a driver cursor of its own, not counted here).
    assert counts[0] <= 10, counts


JOB = """
query Job($slug: String, $urlPath: String, $id: ID) {
  job(slug: $slug, urlPath: $urlPath, id: $id) {
    id title url urlPath remotePolicy employmentType contractType durationMonths
    salary { min max currency period } funded fundingDetails startDate closingDate postedAt
    description requirements howToApply applicationUrl applicationEmail reference
    educationRequirement keywords jsonLd
  }
}
"""


def test_single_job_by_slug_url_path_and_id_with_json_ld(graphql, job_index):
    import json

    job = JobPostingPageFactory(
        parent=job_index,
        title="Postdoc in vision",
        slug="postdoc-in-vision",
        reference="R-1",
        keywords="vision, robotics",
    )
    by_slug = graphql.execute(JOB, {"slug": "postdoc-in-vision"})["job"]
    assert graphql.execute(JOB, {"urlPath": "/jobs/postdoc-in-vision/"})["job"] == by_slug
    assert graphql.execute(JOB, {"id": str(job.pk)})["job"]["title"] == "Postdoc in vision"
    assert by_slug["salary"] == {
        "min": 20000.0,
        "max": 25000.0,
        "currency": "GBP",
        "period": "YEAR",
    }
    assert by_slug["keywords"] == ["vision", "robotics"]
    ld = json.loads(by_slug["jsonLd"])
    for required in ("title", "description", "datePosted", "hiringOrganization", "jobLocation"):
        assert ld[required], required
    for recommended in ("validThrough", "employmentType", "baseSalary", "identifier"):
        assert ld[recommended], recommended
    assert ld["@type"] == "JobPosting"
    assert ld["baseSalary"]["value"]["minValue"] == 20000.0
    assert graphql.execute(JOB, {"slug": "no-such-job"})["job"] is None


def test_orders_and_search(graphql, job_index):
    soon = JobPostingPageFactory(
        parent=job_index,
        title="Reinforcement learning PhD",
        closing_date=timezone.localdate() + dt.timedelta(days=2),
    )
    JobPostingPageFactory(parent=job_index, title="Medieval history lecturer")
    query = """query($order: JobOrder, $search: String) {
        jobs(order: $order, search: $search) { items { title } pagination { total } } }"""
    newest = graphql.execute(query, {"order": "NEWEST"})["jobs"]["items"]
    assert [item["title"] for item in newest] == ["Medieval history lecturer", soon.title]
    closing = graphql.execute(query, {"order": "CLOSING_SOON"})["jobs"]["items"]
    assert closing[0]["title"] == soon.title
    found = graphql.execute(query, {"order": "RELEVANCE", "search": "reinforcement"})["jobs"]
    assert found == {"items": [{"title": soon.title}], "pagination": {"total": 1}}
    assert graphql.execute(query, {"search": "zebra"})["jobs"]["items"] == []
    graphql.errors(query, {"order": "-institution__name"})

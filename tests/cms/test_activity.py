"""Views and apply clicks (cms/activity.py): counted per job and day through the real
endpoints, bots and prefetches left out, no cookie and nothing about the visitor stored, the
redirect only ever to the job's stored address, hidden jobs a 404 and never counted."""

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cms import activity
from cms.models import JobActivity
from tests.content.factories import JobPostingPageFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture(autouse=True)
def no_limit(settings):
    settings.ACTIVITY_COUNTS_PER_ADDRESS_PER_HOUR = 0


@pytest.fixture
def job(job_index):
    return JobPostingPageFactory(
        parent=job_index, application_url="https://apply.example.org/job/7?src=aj"
    )


def browser() -> Client:
    return Client(HTTP_USER_AGENT=BROWSER)


def counts(job) -> dict:
    return {row.date: (row.views, row.apply_clicks) for row in JobActivity.objects.filter(job=job)}


def test_apply_redirects_to_the_stored_url_and_counts_per_day(job):
    client = browser()
    for _ in range(3):
        response = client.get(f"/apply/{job.pk}/")
        assert response.status_code == 302
        assert response["Location"] == "https://apply.example.org/job/7?src=aj"
        assert "Set-Cookie" not in response
        assert not response.cookies
    for _ in range(2):
        response = client.post(f"/beacon/view/{job.pk}/")
        assert response.status_code == 204
        assert not response.cookies
    assert counts(job) == {timezone.localdate(): (2, 3)}

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    activity.add(job.pk, activity.APPLY_CLICKS, day=yesterday)
    assert counts(job) == {timezone.localdate(): (2, 3), yesterday: (0, 1)}


def test_the_redirect_ignores_anything_the_request_says(job):
    response = browser().get(f"/apply/{job.pk}/?next=https://evil.example/&url=//evil.example")
    assert response["Location"] == "https://apply.example.org/job/7?src=aj"


def test_email_only_jobs_open_the_mail_client(job_index):
    job = JobPostingPageFactory(
        parent=job_index, application_url="", application_email="jobs@uni.example"
    )
    response = browser().get(f"/apply/{job.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "mailto:jobs@uni.example"
    assert counts(job) == {timezone.localdate(): (0, 1)}


def test_only_http_addresses_are_redirected_to(job_index):
    job = JobPostingPageFactory(parent=job_index, application_email="jobs@uni.example")
    # URLField accepts ftp; a row written around the form could hold anything.
    type(job).objects.filter(pk=job.pk).update(application_url="javascript:alert(1)")
    assert browser().get(f"/apply/{job.pk}/")["Location"] == "mailto:jobs@uni.example"
    type(job).objects.filter(pk=job.pk).update(
        application_url="ftp://x.example/", application_email=""
    )
    assert browser().get(f"/apply/{job.pk}/").status_code == 404


def test_hidden_jobs_are_404_and_not_counted(job_index):
    draft = JobPostingPageFactory(parent=job_index, live=False)
    closed = JobPostingPageFactory(
        parent=job_index, closing_date=timezone.localdate() - dt.timedelta(days=1)
    )
    expired = JobPostingPageFactory(parent=job_index)
    type(expired).objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - dt.timedelta(minutes=1)
    )
    private = JobPostingPageFactory(parent=job_index)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    client = browser()
    for job in (draft, closed, expired, private):
        assert client.get(f"/apply/{job.pk}/").status_code == 404
        assert client.post(f"/beacon/view/{job.pk}/").status_code == 404
    assert client.get("/apply/999999/").status_code == 404
    assert not JobActivity.objects.exists()


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("head", {"HTTP_USER_AGENT": BROWSER}),
        ("get", {}),
        ("get", {"HTTP_USER_AGENT": ""}),
        ("get", {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"}),
        ("get", {"HTTP_USER_AGENT": "curl/8.5.0"}),
        ("get", {"HTTP_USER_AGENT": "python-requests/2.32"}),
        ("get", {"HTTP_USER_AGENT": "Mozilla/5.0 HeadlessChrome/131.0"}),
        ("get", {"HTTP_USER_AGENT": "facebookexternalhit/1.1"}),
        ("get", {"HTTP_USER_AGENT": BROWSER, "HTTP_SEC_PURPOSE": "prefetch"}),
        ("get", {"HTTP_USER_AGENT": BROWSER, "HTTP_SEC_PURPOSE": "prefetch;prerender"}),
        ("get", {"HTTP_USER_AGENT": BROWSER, "HTTP_PURPOSE": "prefetch"}),
        ("get", {"HTTP_USER_AGENT": BROWSER, "HTTP_X_MOZ": "prefetch"}),
    ],
)
def test_bots_and_prefetches_are_answered_but_not_counted(job, method, headers):
    response = getattr(Client(), method)(f"/apply/{job.pk}/", **headers)
    assert response.status_code == 302
    assert response["Location"] == "https://apply.example.org/job/7?src=aj"
    if method == "get":
        assert Client().post(f"/beacon/view/{job.pk}/", **headers).status_code == 204
    assert not JobActivity.objects.exists()


def test_counts_beyond_the_address_limit_are_not_counted(job, settings):
    settings.ACTIVITY_COUNTS_PER_ADDRESS_PER_HOUR = 3
    first, second = browser(), Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.9")
    for _ in range(5):
        assert first.get(f"/apply/{job.pk}/").status_code == 302
    assert second.get(f"/apply/{job.pk}/").status_code == 302
    assert counts(job) == {timezone.localdate(): (0, 4)}


def test_nothing_about_the_visitor_is_stored():
    fields = {field.name for field in JobActivity._meta.get_fields()}
    assert fields == {"id", "job", "date", "views", "apply_clicks"}


def test_the_endpoints_take_only_their_methods(job):
    assert browser().post(f"/apply/{job.pk}/").status_code == 405
    assert browser().get(f"/beacon/view/{job.pk}/").status_code == 405


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_counts_are_all_kept(job_index):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the test database)")
    job = JobPostingPageFactory(parent=job_index)
    start = threading.Barrier(8)

    def click():
        try:
            start.wait()
            for _ in range(10):
                activity.add(job.pk, activity.APPLY_CLICKS)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts(job) == {timezone.localdate(): (0, 80)}


CLOSED_JOB = "query ($slug: String!) { closedJob(slug: $slug) { title slug role { slug } } }"


def test_closed_job_names_only_jobs_whose_time_ran_out(graphql, job_index, settings):
    settings.GRAPHQL_MAX_SECONDS = 30  # a loaded test machine; the budget is not the subject
    past = timezone.localdate() - dt.timedelta(days=2)
    closed = JobPostingPageFactory(parent=job_index, title="Closed one", closing_date=past)
    expired = JobPostingPageFactory(parent=job_index, title="Expired one")
    type(expired).objects.filter(pk=expired.pk).update(live=False, expired=True)
    open_job = JobPostingPageFactory(parent=job_index)
    draft = JobPostingPageFactory(parent=job_index, live=False, closing_date=past)
    type(draft).objects.filter(pk=draft.pk).update(first_published_at=None)
    unpublished = JobPostingPageFactory(parent=job_index, closing_date=past)
    type(unpublished).objects.filter(pk=unpublished.pk).update(live=False)
    private = JobPostingPageFactory(parent=job_index, closing_date=past)
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    def closed_job(job):
        return graphql.execute(CLOSED_JOB, {"slug": job.slug})["closedJob"]

    assert closed_job(closed) == {
        "title": "Closed one",
        "slug": closed.slug,
        "role": {"slug": closed.role.slug},
    }
    assert closed_job(expired)["title"] == "Expired one"
    for job in (open_job, draft, unpublished, private):
        assert closed_job(job) is None

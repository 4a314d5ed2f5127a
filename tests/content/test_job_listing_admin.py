"""The job index's admin listing: institution, role and closing date, in a fixed number of
queries however many jobs it lists."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.content.factories import JobPostingPageFactory


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


def listing(editor, job_index, **params):
    url = reverse("wagtailadmin_explore", args=[job_index.pk])
    with CaptureQueriesContext(connection) as queries:
        response = editor.get(url, params)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def add_jobs(job_index, count):
    for _ in range(count):
        JobPostingPageFactory(parent=job_index)


def test_the_listing_shows_institution_role_and_closing_date(editor, job_index):
    job = JobPostingPageFactory(
        parent=job_index,
        institution__name="University of Oslo",
        role__name="Postdoc",
        closing_date=dt.date(2031, 3, 14),
    )
    html, _ = listing(editor, job_index)
    for header in ("Institution", "Role", "Closes", "Updated", "Status"):
        assert header in html
    assert job.title in html
    assert "University of Oslo" in html and "Postdoc" in html
    assert "14 Mar 2031" in html or "March 14, 2031" in html or "2031-03-14" in html


@pytest.mark.parametrize("ordering", ["institution", "-role", "closing_date"])
def test_the_new_columns_sort(editor, job_index, ordering):
    add_jobs(job_index, 2)
    html, _ = listing(editor, job_index, ordering=ordering)
    assert "PhD studentship in topic" in html


def test_no_query_per_job(editor, job_index):
    add_jobs(job_index, 2)
    listing(editor, job_index)  # the first request fills caches (content types, the site)
    _, few = listing(editor, job_index)
    add_jobs(job_index, 8)  # each with its own institution and role
    html, many = listing(editor, job_index)
    assert html.count("PhD studentship in topic") >= 10
    assert many == few, f"{few} queries for 2 jobs, {many} for 10"

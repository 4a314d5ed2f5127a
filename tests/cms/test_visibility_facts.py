"""content.visibility's global facts (hidden subtrees, private collections) are kept across
requests for one content generation: every change that can alter them bumps it, and nothing
that depends on the clock is ever part of them. Run with the response cache off, so each
request really executes."""

import datetime as dt

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from tests.content.factories import InstitutionFactory, JobPostingPageFactory

JOBS = "{ jobs { items { title institution { logo { title } } } pagination { total } } }"


@pytest.fixture(autouse=True)
def no_response_cache(settings):
    settings.GRAPHQL_CACHE_SECONDS = 0


@pytest.fixture
def job(job_index):
    return JobPostingPageFactory(parent=job_index, title="Postdoc in optics")


def titles(graphql) -> list[str]:
    return [item["title"] for item in graphql.execute(JOBS)["jobs"]["items"]]


def move_clock(monkeypatch, delta: dt.timedelta) -> None:
    later = timezone.now() + delta
    monkeypatch.setattr(timezone, "now", lambda: later)


def test_facts_are_read_once_per_generation(graphql, job):
    graphql.execute(JOBS)
    with CaptureQueriesContext(connection) as captured:
        graphql.execute(JOBS)
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "wagtailcore_pageviewrestriction" not in sql
    assert '"numchild" > 0' not in sql


def test_a_view_restriction_hides_at_once(graphql, job, job_index):
    assert titles(graphql) == ["Postdoc in optics"]
    PageViewRestriction.objects.create(page=job_index, restriction_type="login")
    assert titles(graphql) == []


def test_removing_a_view_restriction_shows_at_once(graphql, job, job_index):
    restriction = PageViewRestriction.objects.create(page=job_index, restriction_type="login")
    assert titles(graphql) == []
    restriction.delete()
    assert titles(graphql) == ["Postdoc in optics"]


def test_unpublishing_a_section_hides_its_jobs_at_once(graphql, job, job_index):
    assert titles(graphql) == ["Postdoc in optics"]
    job_index.unpublish()
    assert titles(graphql) == []
    job_index.save_revision().publish()
    assert titles(graphql) == ["Postdoc in optics"]


def test_a_private_collection_hides_a_logo_at_once(graphql, job_index):
    collection = Collection.get_first_root_node().add_child(name="Logos")
    logo = wagtail_factories.ImageFactory(title="Logo", collection=collection)
    JobPostingPageFactory(parent=job_index, institution=InstitutionFactory(logo=logo))
    items = graphql.execute(JOBS)["jobs"]["items"]
    assert items[0]["institution"]["logo"] == {"title": "Logo"}
    CollectionViewRestriction.objects.create(collection=collection, restriction_type="login")
    items = graphql.execute(JOBS)["jobs"]["items"]
    assert items[0]["institution"]["logo"] is None


def test_a_closing_date_passing_hides_the_job_without_any_change(graphql, job, monkeypatch):
    assert titles(graphql) == ["Postdoc in optics"]
    move_clock(monkeypatch, dt.timedelta(days=(job.closing_date - timezone.localdate()).days + 1))
    assert titles(graphql) == []


def test_expiry_passing_hides_the_job_before_the_scheduler_runs(graphql, job, monkeypatch):
    type(job).objects.filter(pk=job.pk).update(expire_at=timezone.now() + dt.timedelta(hours=1))
    assert titles(graphql) == ["Postdoc in optics"]
    move_clock(monkeypatch, dt.timedelta(hours=2))
    assert titles(graphql) == []


def test_go_live_passing_shows_the_job(graphql, job, monkeypatch):
    type(job).objects.filter(pk=job.pk).update(go_live_at=timezone.now() + dt.timedelta(hours=1))
    assert titles(graphql) == []
    move_clock(monkeypatch, dt.timedelta(hours=2))
    assert titles(graphql) == ["Postdoc in optics"]


def test_the_scheduler_publishing_a_section_shows_its_jobs(graphql, job, job_index, monkeypatch):
    from django.core.management import call_command

    job_index.unpublish()
    job_index.go_live_at = timezone.now() + dt.timedelta(hours=1)
    job_index.save_revision().publish()
    assert titles(graphql) == []
    move_clock(monkeypatch, dt.timedelta(hours=2))
    call_command("publish_scheduled")
    assert titles(graphql) == ["Postdoc in optics"]

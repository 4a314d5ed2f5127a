"""Closed jobs deleted after JOBS_RETENTION_DAYS_AFTER_CLOSE (content/retention.py): through
Wagtail's deletion and the lifecycle, with everything that refers to them."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import PageLogEntry, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from cms.models import JobActivity
from content.lifecycle import Kind, Source, content_changed
from content.models import CountedJob, JobPostingPage
from content.open_counts import OpenJobCounts
from content.retention import delete_closed_jobs
from content.visibility import open_jobs
from notifications.models import JobPublication
from tests.content.factories import JobPostingPageFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def events():
    heard = []

    def listen(sender, event, **kwargs):
        heard.append((event.kind, event.source, event.page_ids))  # ids gone once deleted

    content_changed.connect(listen, dispatch_uid="test-retention")
    yield heard
    content_changed.disconnect(dispatch_uid="test-retention")


def job(job_index, title: str, closes_in: int) -> JobPostingPage:
    page = JobPostingPageFactory(
        parent=job_index, title=title, closing_date=TODAY + dt.timedelta(days=closes_in)
    )
    page.save_revision().publish()
    JobActivity.objects.create(job=page, date=TODAY, views=3)
    return page


@pytest.fixture
def board(job_index):
    return {
        "long closed": job(job_index, "Glaciology fellowship", closes_in=5),
        "recently closed": job(job_index, "Volcanology fellowship", closes_in=100),
        "open": job(job_index, "Oceanography fellowship", closes_in=200),
    }


def later(monkeypatch, days: int):
    moment = timezone.now() + dt.timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def found(word: str) -> set[int]:
    return {page.pk for page in get_search_backend().search(word, JobPostingPage)}


def assert_gone(pk: int):
    page_type = ContentType.objects.get_for_model(JobPostingPage)
    assert not JobPostingPage.objects.filter(pk=pk).exists()
    assert not Revision.page_revisions.filter(object_id=str(pk)).exists()
    assert not IndexEntry.objects.filter(object_id=str(pk)).exists()
    assert not ReferenceIndex.objects.filter(
        base_content_type__in=[page_type, ContentType.objects.get(model="page")],
        object_id=str(pk),
    ).exists()
    assert not PageLogEntry.objects.filter(page_id=pk).exists()
    assert not JobPublication.objects.filter(job_id=pk).exists()
    assert not JobActivity.objects.filter(job_id=pk).exists()
    assert not CountedJob.objects.filter(job_id=pk).exists()


def test_a_job_closed_past_the_window_is_deleted_through_the_lifecycle(
    board, events, settings, monkeypatch
):
    settings.JOBS_RETENTION_DAYS_AFTER_CLOSE = 90
    gone = board["long closed"].pk
    assert found("glaciology") == {gone}
    later(monkeypatch, 130)  # closed 125 days ago, 30 days ago, open for 70 more days
    events.clear()

    assert delete_closed_jobs() == 1

    # Still live (the scheduler has not expired it): the public saw it go.
    assert events == [(Kind.DELETED, Source.RETENTION, [gone])]
    assert_gone(gone)
    assert found("glaciology") == set()
    kept = {board["recently closed"].pk, board["open"].pk}
    assert set(JobPostingPage.objects.values_list("pk", flat=True)) == kept
    assert found("volcanology") == {board["recently closed"].pk}
    assert OpenJobCounts().total == open_jobs().count() == 1
    assert set(CountedJob.objects.values_list("job_id", flat=True)) == kept
    assert delete_closed_jobs() == 0


def test_an_expired_job_is_deleted_quietly(board, events, settings, monkeypatch):
    from notifications.tasks import publish_scheduled

    settings.JOBS_RETENTION_DAYS_AFTER_CLOSE = 90
    later(monkeypatch, 130)
    publish_scheduled()  # both closed jobs expire: the public saw them go then
    assert {kind for kind, _, _ in events[-2:]} == {Kind.EXPIRED}
    events.clear()

    assert delete_closed_jobs() == 1

    assert events == []  # not live: nothing the public sees changes
    assert_gone(board["long closed"].pk)
    assert JobPostingPage.objects.count() == 2
    assert OpenJobCounts().total == open_jobs().count() == 1


def test_off_keeps_every_job(board, settings, monkeypatch):
    settings.JOBS_RETENTION_DAYS_AFTER_CLOSE = 0
    later(monkeypatch, 1000)
    assert delete_closed_jobs() == 0
    assert JobPostingPage.objects.count() == 3

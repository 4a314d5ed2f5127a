"""Feed tasks: their queue and time limits, a run over its soft limit, and a run whose
worker was lost (killed, segfault, OOM, hard limit) or vanished unnoticed."""

import datetime as dt

import pytest
from billiard.exceptions import WorkerLostError
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import task_failure
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from config.celery import app
from content import tasks
from content.imports import feeds
from content.models import JobFeed, JobFeedRun
from tests.content.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(db):
    owner = User.objects.create(username="hr", email="hr@ox.example")
    return JobFeed.objects.create(
        institution=InstitutionFactory(slug="oxford"),
        name="HR system",
        url="https://hr.ox.example/feed.json",
        owner=owner,
    )


def test_every_task_has_soft_and_hard_time_limits():
    app.loader.import_default_modules()
    names = [name for name in app.tasks if not name.startswith("celery.")]
    assert "notifications.tasks.send_batch" in names and "cms.tasks.deliver_webhook" in names
    for name in names:
        task = app.tasks[name]
        assert 0 < task.soft_time_limit < task.time_limit, name


def test_feed_tasks_have_a_queue_of_their_own(settings):
    queue = lambda name: app.amqp.router.route({}, name)["queue"].name  # noqa: E731
    assert queue("content.tasks.run_feed") == queue("content.tasks.fetch_due_feeds") == "feeds"
    assert queue("notifications.tasks.send_batch") == settings.CELERY_TASK_DEFAULT_QUEUE
    assert queue("cms.tasks.deliver_webhook") == settings.CELERY_TASK_DEFAULT_QUEUE


def test_a_run_over_its_soft_time_limit_fails_with_the_reason(feed, monkeypatch):
    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(feeds.safe_fetch, "fetch", slow)
    run = feeds.run_feed(feed)
    assert run.status == "FAILED" and "FEEDS_TASK_SOFT_SECONDS" in run.error
    feed.refresh_from_db()
    assert feed.consecutive_failures == 1


@pytest.mark.parametrize(
    "exception, reason",
    [
        (WorkerLostError("Worker exited prematurely: signal 11 (SIGSEGV) Job: 4."), "SIGSEGV"),
        (WorkerLostError("Worker exited prematurely: signal 9 (SIGKILL) Job: 4."), "SIGKILL"),
        (TimeLimitExceeded(3660), "hard time limit (3660 s)"),
    ],
)
def test_a_lost_worker_fails_the_run_pauses_the_feed_and_tells_the_owner(
    feed, settings, exception, reason, eager_celery, django_capture_on_commit_callbacks
):
    settings.FEEDS_MAX_FAILURES = 2
    for attempt in (1, 2):
        run = JobFeedRun.objects.create(feed=feed)
        # What the worker's main process sends when the pool process running it died.
        with django_capture_on_commit_callbacks(execute=True):
            task_failure.send(
                sender=tasks.run_feed, task_id="t", exception=exception, args=[feed.pk], kwargs={}
            )
        run.refresh_from_db()
        assert run.status == "FAILED" and reason in run.error and run.finished_at
        feed.refresh_from_db()
        assert feed.consecutive_failures == attempt
    assert not feed.active and reason in feed.paused_reason
    # Told at the first failure, then at the pause (notifications/institution_notices.py).
    first, paused = mail.outbox
    assert first.to == ["hr@ox.example"] and "failed" in first.subject.lower()
    assert paused.to == ["hr@ox.example"] and "paused" in paused.subject.lower()


def test_a_failure_of_another_task_changes_no_run(feed):
    run = JobFeedRun.objects.create(feed=feed)
    task_failure.send(
        sender=tasks.fetch_due_feeds, task_id="t", exception=WorkerLostError(), args=[feed.pk]
    )
    run.refresh_from_db()
    assert run.status == "RUNNING"


def test_runs_left_running_past_the_hard_limit_are_failed_by_the_next_beat(feed, settings):
    settings.FEEDS_TASK_SOFT_SECONDS = 600
    old = JobFeedRun.objects.create(feed=feed)
    JobFeedRun.objects.filter(pk=old.pk).update(
        started_at=timezone.now() - dt.timedelta(seconds=600 + 60 + 301)
    )
    recent = JobFeedRun.objects.create(feed=feed)
    JobFeed.objects.filter(pk=feed.pk).update(active=False)  # nothing queued by the beat
    assert tasks.fetch_due_feeds() == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == "FAILED" and "never finished" in old.error
    assert recent.status == "RUNNING"

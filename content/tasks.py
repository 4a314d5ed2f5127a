"""Celery tasks of the content app: employers' job feeds (content/imports/feeds.py).

They run on the feeds queue (CELERY_FEEDS_QUEUE, by CELERY_TASK_ROUTES), within the time
limits of TASK_TIME_LIMITS (config/settings/base.py, docs/deploy.md)."""

import time

from celery import shared_task
from celery.exceptions import TimeLimitExceeded
from celery.signals import task_failure
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from content import retention, revision_purge
from content.imports import feeds
from content.models import JobFeed, JobFeedRun


@shared_task
def fetch_due_feeds() -> int:
    """Beat, every few minutes: fail the runs whose worker was lost unnoticed, then queue a
    run of each active feed whose interval has passed."""
    feeds.fail_stale_runs()
    due = feeds.due_feeds()
    for feed in due:
        run_feed.delay(feed.pk)
    return len(due)


# A hostile feed may take its worker down: its message is acknowledged, not requeued (it
# would take the next worker down too), and the run is failed by on_lost_worker below.
@shared_task(acks_late=True, reject_on_worker_lost=False)
def run_feed(feed_id: int) -> str:
    with transaction.atomic():
        feed = JobFeed.objects.select_for_update().filter(pk=feed_id).first()
        if feed is None:
            return "gone"
        running = feed.runs.filter(
            status=JobFeedRun.Status.RUNNING, started_at__gte=feeds.stale_before()
        )
        if running.exists():
            return "already running"
        # Claimed now, so the next beat tick does not queue it again while this one runs.
        feed.last_fetched_at = timezone.now()
        feed.save(update_fields=["last_fetched_at"])
    return feeds.run_feed(feed).status


@task_failure.connect(sender=run_feed)
def on_lost_worker(sender=None, exception=None, args=None, **kwargs):
    """Sent by the worker's main process when the pool process running the feed died (a
    segfault, SIGKILL, the OOM killer: WorkerLostError) or was killed at the hard time limit
    (TimeLimitExceeded); also in the pool process for an exception the run did not catch."""
    if not args:
        return
    reason = f"The worker running this feed was lost ({type(exception).__name__}: {exception})."
    if isinstance(exception, TimeLimitExceeded):
        limit = exception.args[0] if exception.args else "?"
        reason = f"The run went over its hard time limit ({limit} s) and was killed."
    feeds.fail_lost_runs(args[0], reason)


@shared_task
def purge_revisions() -> int:
    """Beat, daily: what Wagtail's `purge_revisions --days REVISIONS_RETENTION_DAYS` deletes,
    in a few statements (content/revision_purge.py)."""
    return revision_purge.purge_revisions(settings.REVISIONS_RETENTION_DAYS)


@shared_task
def delete_closed_jobs() -> int:
    """Beat, nightly: jobs closed more than JOBS_RETENTION_DAYS_AFTER_CLOSE days ago are
    deleted through Wagtail's deletion and the lifecycle (content/retention.py) in batches,
    within the task's own time limit (JOBS_RETENTION_TASK_SECONDS, in TASK_TIME_LIMITS): it
    starts no batch in the last tenth of it, and the soft limit, should a batch still run
    into it, rolls that batch back (SoftTimeLimitExceeded fails the run visibly). What is
    left is the next run's."""
    seconds = settings.JOBS_RETENTION_TASK_SECONDS
    return retention.delete_closed_jobs(deadline=time.monotonic() + seconds * 0.9)

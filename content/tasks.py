"""Celery tasks of the content app: employers' job feeds (content/imports/feeds.py)."""

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from content.imports import feeds
from content.models import JobFeed, JobFeedRun

# A run still marked running after this long died with its worker; the feed may run again.
STALE_RUN = dt.timedelta(hours=2)


@shared_task
def fetch_due_feeds() -> int:
    """Beat, every few minutes: queue a run of each active feed whose interval has passed."""
    due = feeds.due_feeds()
    for feed in due:
        run_feed.delay(feed.pk)
    return len(due)


@shared_task
def run_feed(feed_id: int) -> str:
    with transaction.atomic():
        feed = JobFeed.objects.select_for_update().filter(pk=feed_id).first()
        if feed is None:
            return "gone"
        running = feed.runs.filter(
            status=JobFeedRun.Status.RUNNING, started_at__gte=timezone.now() - STALE_RUN
        )
        if running.exists():
            return "already running"
        # Claimed now, so the next beat tick does not queue it again while this one runs.
        feed.last_fetched_at = timezone.now()
        feed.save(update_fields=["last_fetched_at"])
    return feeds.run_feed(feed).status

"""Employers' job feeds: fetch (conditionally, within limits), check the whole feed, import it
through the bulk path, close the jobs it no longer lists, and log the run.

A feed that is not what it says it is (not the declared format, too big, too slow, a
redirect loop, hostile XML) fails as a whole with a clear error and changes nothing: the
download is checked end to end before the first row is written. Repeated failures pause the
feed; a failure sends `feed_failed`, and the institution's notices tell its contacts.
"""

import csv
import datetime as dt
import io
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import django.dispatch
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from content import lifecycle
from content.imports import safe_fetch
from content.imports.bulk import import_rows
from content.imports.reading import (
    XML_NAMES,
    ImportFileError,
    ImproperlyConfiguredWorkflow,
    Mode,
    Record,
    csv_records,
    json_records,
    xml_records,
)
from content.models import FeedFormat, JobFeed, JobFeedRun, JobPostingPage

logger = logging.getLogger(__name__)

USER_AGENT = "academic-jobs-cms-feeds/1"
SPOOL_BYTES = 4 * 1024 * 1024


# A run failed: `receiver(sender, feed: JobFeed, run: JobFeedRun, paused: bool, **kwargs)`;
# `paused` when this failure paused the feed (FEEDS_MAX_FAILURES in a row). The feed's
# institution is told through notifications' institution notices, which connect to it.
feed_failed = django.dispatch.Signal()


class FeedError(Exception):
    """The feed as a whole cannot be used; nothing is imported."""


# --- Fetching --------------------------------------------------------------------------------


@dataclass
class Download:
    etag: str
    last_modified: str
    size: int


def fetch(feed: JobFeed, body: BinaryIO) -> Download | None:
    """Write the feed's body to `body`; None when the server says it is unchanged (304).
    The URL is untrusted: content/imports/safe_fetch.py is the only way it is fetched."""
    headers = {"User-Agent": USER_AGENT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        fetched = safe_fetch.fetch(
            feed.url,
            body,
            headers=headers,
            max_bytes=settings.FEEDS_MAX_BYTES,
            max_seconds=settings.FEEDS_MAX_SECONDS,
            max_redirects=settings.FEEDS_MAX_REDIRECTS,
            timeout=settings.FEEDS_TIMEOUT_SECONDS,
            allow=_anywhere if settings.FEEDS_ALLOW_PRIVATE_ADDRESSES else safe_fetch.is_public,
        )
    except safe_fetch.FetchError as err:
        raise FeedError(str(err)) from err
    if fetched.status == 304:
        return None
    return Download(
        fetched.headers.get("ETag", "")[:200],
        fetched.headers.get("Last-Modified", "")[:100],
        fetched.size,
    )


def _anywhere(address: str) -> bool:
    return True


# --- Parsing -----------------------------------------------------------------------------------


def feed_records(feed: JobFeed, body) -> Iterator[Record]:
    """The feed's records, read one at a time from the downloaded body, within the readers'
    budgets (content/imports/budgets.py)."""
    body.seek(0)
    try:
        if feed.format == FeedFormat.CSV:
            text = io.TextIOWrapper(body, encoding="utf-8-sig", newline="")
            try:
                yield from csv_records(text, feed.column_mapping)
            finally:
                text.detach()
        elif feed.format == FeedFormat.XML:
            yield from xml_records(body, {**XML_NAMES, **feed.column_mapping})
        else:
            yield from _job_postings(json_records(body))
    except UnicodeDecodeError as err:
        raise FeedError(f"The feed is not UTF-8 text: {err}") from err
    except (ImportFileError, csv.Error) as err:
        raise FeedError(f"Not a valid {feed.get_format_display()} feed: {err}") from err


def _job_postings(records: Iterator[Record]) -> Iterator[Record]:
    for record in records:
        kind = record.data.get("@type")
        if "_invalid" not in record.data and kind != "JobPosting":
            raise ImportFileError(
                f"record {record.number} is a {kind or 'untyped object'}, not a JobPosting"
            )
        yield record


# --- Running -----------------------------------------------------------------------------------


class RunProgress:
    """Advanced by the bulk import after each chunk; the admin shows rows_done while running."""

    def __init__(self, run: JobFeedRun):
        self.run = run

    def update(self, n: int) -> None:
        self.run.rows_done += n
        JobFeedRun.objects.filter(pk=self.run.pk).update(rows_done=self.run.rows_done)


def feed_mode(feed: JobFeed) -> str:
    return Mode.PUBLISH if feed.publish_directly else Mode.MODERATE


def run_feed(feed: JobFeed) -> JobFeedRun:
    """Fetch and import the feed once; the run records what happened, whatever happened."""
    run = JobFeedRun.objects.create(feed=feed)
    try:
        # A download larger than SPOOL_BYTES waits on disk, not in memory.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
            download = fetch(feed, body)
            if download is None:
                run.status = JobFeedRun.Status.NOT_MODIFIED
            else:
                run.fetched_bytes = download.size
                _import(feed, run, body)
                feed.etag, feed.last_modified = download.etag, download.last_modified
    except (FeedError, ImproperlyConfiguredWorkflow) as err:
        run.status, run.error = JobFeedRun.Status.FAILED, str(err)
        logger.warning("Job feed %s (%s) failed: %s", feed.pk, feed.url, err)
    except SoftTimeLimitExceeded:
        run.status = JobFeedRun.Status.FAILED
        run.error = (
            f"The run took longer than its time limit of {settings.FEEDS_TASK_SOFT_SECONDS} s "
            "(FEEDS_TASK_SOFT_SECONDS) and was stopped."
        )
        logger.warning("Job feed %s (%s) went over its time limit.", feed.pk, feed.url)
    run.finished_at = timezone.now()
    run.save()
    _record_outcome(feed, run)
    return run


def fail_lost_runs(feed_id: int, reason: str) -> int:
    """The process running the feed is gone (killed, crashed, out of memory, over its hard
    time limit): its run cannot record that itself, so it is failed here, like any failure
    (it counts towards pausing the feed, whose owner is told)."""
    return _fail_runs(
        JobFeedRun.objects.filter(feed_id=feed_id, status=JobFeedRun.Status.RUNNING), reason
    )


def _fail_runs(runs, reason: str) -> int:
    failed = 0
    for run in runs.select_related("feed"):
        run.status, run.error = JobFeedRun.Status.FAILED, reason
        run.finished_at = timezone.now()
        run.save()
        _record_outcome(run.feed, run)
        logger.error("Job feed %s: run %s lost: %s", run.feed_id, run.pk, reason)
        failed += 1
    return failed


def stale_before() -> dt.datetime:
    """A run still marked running after its task's hard time limit (and a margin for the
    queue) lost its worker without anyone noticing (the whole worker was killed)."""
    return timezone.now() - dt.timedelta(seconds=settings.FEEDS_TASK_SOFT_SECONDS + 60 + 300)


def fail_stale_runs() -> int:
    stale = JobFeedRun.objects.filter(
        status=JobFeedRun.Status.RUNNING, started_at__lt=stale_before()
    )
    return _fail_runs(stale, "The run never finished: its worker stopped (killed or restarted).")


def _import(feed: JobFeed, run: JobFeedRun, body: BinaryIO) -> None:
    # The whole feed is read once before anything is written: a feed that breaks off or is
    # not its declared format changes nothing.
    run.rows_total = sum(1 for _ in feed_records(feed, body))
    run.save(update_fields=["rows_total", "fetched_bytes"])
    report = import_rows(
        feed_records(feed, body),
        institution=feed.institution,
        mode=feed_mode(feed),
        progress=RunProgress(run),
        track_seen=True,
        feed=feed,
    )
    if report.file_error:  # cannot happen after the check above, unless the file changed
        raise FeedError(report.file_error)
    run.created, run.updated = report.count("created"), report.count("updated")
    run.unchanged, run.failed = report.count("unchanged"), report.count("failed")
    run.row_errors = [
        {"row": outcome.number, "errors": outcome.errors} for outcome in report.failures[:1000]
    ]
    if report.unidentified:
        run.error = (
            f"{report.unidentified} row(s) name no posting (no reference or another "
            "institution), so no job was closed this time."
        )
    else:
        run.closed = close_missing(feed, report.seen_job_ids)
    run.status = JobFeedRun.Status.PARTIAL if report.failures else JobFeedRun.Status.SUCCEEDED
    logger.info("Job feed %s: %s rows, %s", feed.pk, run.rows_total, dict(report.counts))


def close_missing(feed: JobFeed, seen: set[int]) -> int:
    """Unpublish the live jobs this feed wrote and no longer lists (Wagtail's own unpublish:
    the lifecycle reports it, as the feed's, to webhooks, caches and the rest)."""
    gone = JobPostingPage.objects.live().filter(import_state__feed=feed).exclude(pk__in=seen)
    closed = 0
    for job in gone.iterator():
        with transaction.atomic(), lifecycle.acting_as(lifecycle.Source.FEED):
            job.unpublish(log_action=True)
        closed += 1
    return closed


def _record_outcome(feed: JobFeed, run: JobFeedRun) -> None:
    feed.last_fetched_at = run.finished_at
    if run.status != JobFeedRun.Status.FAILED:
        feed.consecutive_failures = 0
        feed.save()
        return
    feed.consecutive_failures += 1
    paused_now = feed.active and feed.consecutive_failures >= settings.FEEDS_MAX_FAILURES
    if paused_now:
        feed.active = False
        feed.paused_reason = (
            f"Paused after {feed.consecutive_failures} failed runs in a row. Last error: "
            f"{run.error}"
        )
    feed.save()
    # The institution's notices (notifications/institution_notices.py) subscribe: content
    # sends no email itself. Sent in the run's own writes: a subscriber mails on commit.
    feed_failed.send(sender=JobFeed, feed=feed, run=run, paused=paused_now)


def due_feeds() -> list[JobFeed]:
    now = timezone.now()
    return [feed for feed in JobFeed.objects.filter(active=True) if feed.is_due(now)]

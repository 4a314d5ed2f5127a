"""Closed jobs are deleted JOBS_RETENTION_DAYS_AFTER_CLOSE days after they closed.

A job board keeps a closed posting for a while (its page says it has closed, editors can
reopen it) and then forgets it; without that, the postings of a board publishing a few
hundred jobs a day, with their revisions, search entries and log entries, grow for ever.
Beat runs `content.tasks.delete_closed_jobs` nightly (docs/notifications.md, Retention).

A job goes through Wagtail's own deletion (`Page.delete`), so the one lifecycle sees it
(content/lifecycle.py: a live job is reported DELETED, and the open counts, search index,
webhooks and response cache follow), and with the page go what Wagtail deletes with it:
revisions, workflow states, search entries, reference index rows, comments and
subscriptions. Our rows go with it too: first-publication records, import state and job
activity by cascade; a live job's `CountedJob` by the DELETED event. Wagtail keeps a
deleted page's log entries (its audit trail) for ever; this deletes the job's with it. The
ledger's rows of the job stay until the ledger's own retention compacts them (they are
what was sent: notifications/retention.py).
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import PageLogEntry

from content.lifecycle import Source, acting_as
from content.models import JobPostingPage

BATCH = 100  # jobs deleted in one transaction


def closed_before() -> dt.datetime | None:
    """Jobs that closed (or expired) before this are deleted; None: kept for ever."""
    days = settings.JOBS_RETENTION_DAYS_AFTER_CLOSE
    return timezone.now() - dt.timedelta(days=days) if days else None


def due_jobs(cutoff: dt.datetime):
    return JobPostingPage.objects.filter(
        Q(closing_date__lt=timezone.localdate(cutoff)) | Q(expire_at__lt=cutoff)
    )


def delete_closed_jobs() -> int:
    """Delete the jobs past the window, BATCH to a transaction; how many were deleted."""
    cutoff = closed_before()
    if cutoff is None:
        return 0
    deleted = 0
    while ids := list(due_jobs(cutoff).order_by("pk").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic(), acting_as(Source.RETENTION):
            for job in JobPostingPage.objects.filter(pk__in=ids):
                job.delete()
            PageLogEntry.objects.filter(page_id__in=ids).delete()
        deleted += len(ids)
    return deleted

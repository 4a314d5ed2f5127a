"""Closed jobs are deleted JOBS_RETENTION_DAYS_AFTER_CLOSE days after they closed.

A job board keeps a closed posting for a while (its page says it has closed, editors can
reopen it) and then forgets it; without that, the postings of a board publishing a few
hundred jobs a day, with their revisions, search entries and log entries, grow for ever.
Beat runs `content.tasks.delete_closed_jobs` nightly (docs/notifications.md, Retention).

Jobs go in batches of BATCH, each in one transaction, through the lifecycle's
`delete_pages` (content/lifecycle.py): treebeard's queryset delete, which is what Wagtail's
`Page.delete` runs for one page (Django's deletion collector and Wagtail's own delete
receivers), for the whole batch, and one DELETED event for the live jobs among them (the open
counts, webhooks, response cache and Indexing API hear it once per batch). With the pages go
what Wagtail deletes with them: revisions, workflow states, search entries, reference index
rows, comments and subscriptions. Our rows go with them too: first-publication records,
import state and job activity by cascade; a live job's `CountedJob` by the DELETED event.
Wagtail keeps a deleted page's log entries (its audit trail) for ever; this deletes the
job's with it (so the wagtail.delete entry `Page.delete` would add is not written).
tests/content/test_lifecycle_batches.py compares it with `Page.delete` one job at a time.

A run stops starting batches at its deadline (the task's soft time limit less a margin:
content/tasks.py); a run killed mid-batch loses only that batch's transaction, and the next
run picks up the jobs still due.
"""

import datetime as dt
import time

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import PageLogEntry

from content.lifecycle import Source, acting_as, delete_pages
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


def delete_closed_jobs(deadline: float | None = None) -> int:
    """Delete the jobs past the window, BATCH to a transaction, until none is left or
    `time.monotonic()` passes `deadline` (checked between batches); how many were deleted."""
    cutoff = closed_before()
    if cutoff is None:
        return 0
    deleted = 0
    while deadline is None or time.monotonic() < deadline:
        with transaction.atomic(), acting_as(Source.RETENTION):
            # Locked: two runs at once (a slow run and the next night's) share the jobs.
            due = due_jobs(cutoff).order_by("pk")
            jobs = list(due.select_for_update(skip_locked=True, of=("self",))[:BATCH])
            if not jobs:
                break
            ids = [job.pk for job in jobs]
            delete_pages(jobs)
            PageLogEntry.objects.filter(page_id__in=ids).delete()
        deleted += len(ids)
    return deleted

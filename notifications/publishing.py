"""Recording a job's first publication (notifications/signals.py calls this for every
published event of content/lifecycle.py)."""

import datetime as dt

from django.utils import timezone

from content.models import JobPostingPage
from notifications.models import JobPublication
from notifications.retention import cutoff


def record_first_publications(jobs: list[JobPostingPage]) -> int:
    """Record that these jobs went live, once each: one statement for a chunk of the bulk
    path as for one page Wagtail published. Returns how many went live for the first time
    (the caller queues the digest after commit when any did). Runs in the caller's
    transaction, so the records commit with the publish. A job first published before the
    retention window (notifications/retention.py) is not new whatever its record says: its
    record may have been pruned."""
    oldest = cutoff()
    live = [
        job for job in jobs if job.live and (job.first_published_at or timezone.now()) >= oldest
    ]
    already = set(
        JobPublication.objects.filter(job_id__in=[job.pk for job in live]).values_list(
            "job_id", flat=True
        )
    )
    rows = [
        JobPublication(job_id=job.pk, published_at=job.first_published_at or timezone.now())
        for job in live
        if job.pk not in already
    ]
    JobPublication.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def record_missed_publications(since: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Safety net for a process that died between a page's publish and its record: live
    jobs first published recently that have no record get one."""
    missing = JobPostingPage.objects.live().filter(
        first_published_at__gte=timezone.now() - since, publication__isnull=True
    )
    rows = [
        JobPublication(job_id=pk, published_at=at)
        for pk, at in missing.values_list("pk", "first_published_at")
    ]
    JobPublication.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)

"""Recording a job's first publication, and telling the digest worker about it."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from content.models import JobPostingPage
from notifications.models import JobPublication


def record_first_publication(job: JobPostingPage) -> bool:
    """Record that a job went live, once. True if this was its first time.

    Runs inside the caller's transaction (a savepoint when there is one), so the record
    and the publish commit together; the digest task is queued only once they have.
    """
    if not job.live:
        # Wagtail also sends page_published when a revision is merely scheduled.
        return False
    with transaction.atomic():
        _, created = JobPublication.objects.get_or_create(
            job_id=job.pk, defaults={"published_at": job.first_published_at or timezone.now()}
        )
    if created:
        transaction.on_commit(_enqueue_instant_digest)
    return created


def record_first_publications(jobs: list[JobPostingPage]) -> int:
    """The bulk twin of record_first_publication, for jobs a bulk import just published:
    one statement for the chunk, and one digest task after commit. Returns how many jobs
    went live for the first time."""
    live = [job for job in jobs if job.live]
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
    if rows:
        transaction.on_commit(_enqueue_instant_digest)
    return len(rows)


def _enqueue_instant_digest():
    from notifications.tasks import run_digest

    # The INSTANT run waits for the batching window anyway; arriving just after it closes
    # saves waiting for the next beat tick.
    run_digest.apply_async(
        args=["INSTANT"], countdown=settings.NOTIFICATIONS_INSTANT_WINDOW_SECONDS + 1
    )


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

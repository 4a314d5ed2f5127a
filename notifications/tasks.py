"""Celery tasks: thin wrappers that call the plain functions in notifications.digests."""

from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from content.lifecycle import Source, acting_as, expire_due_jobs
from notifications import digests, institution_notices, retention, services


@shared_task(name="notifications.tasks.run_digest", ignore_result=True)
def run_digest(frequency: str, force: bool = False):
    run = digests.run_digest(frequency, force=force, send=enqueue_batch)
    return run.pk if run else None


def enqueue_instant_digest():
    """After a first publication: the INSTANT run waits for the batching window anyway;
    arriving just after it closes saves waiting for the next beat tick."""
    run_digest.apply_async(
        args=["INSTANT"], countdown=settings.NOTIFICATIONS_INSTANT_WINDOW_SECONDS + 1
    )


def enqueue_batch(run_id: int, claim: str, subscriber_ids: list[int]):
    send_batch.delay(run_id, claim, subscriber_ids)


# SMTP said "not now" (4xx, a dropped connection): retried after 30 s, 1 min, 2 min, ...
# (by default; Celery's full jitter picks a moment up to that, so batches that met one
# outage do not all come back at once). After the last retry the rows' claim runs out and a
# later run (beat runs INSTANT every minute) hands them out again, so nothing is dropped.
@shared_task(
    name="notifications.tasks.send_batch",
    ignore_result=True,
    autoretry_for=(digests.TransientSendError,),
    retry_backoff=settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS,
    max_retries=settings.NOTIFICATIONS_MAX_RETRIES,
)
def send_batch(run_id: int, claim: str, subscriber_ids: list[int]):
    digests.send_batch(run_id, claim, subscriber_ids)


@shared_task(name="notifications.tasks.publish_scheduled", ignore_result=True)
def publish_scheduled():
    """Wagtail's scheduled publishing and expiry; publishing fires page_published, which
    records first publications for the digests. Expired jobs go first, in batches with one
    event each (content.lifecycle.expire_due_jobs); the command expires what they leave (other
    page types, pages with aliases) and publishes what is due, as before."""
    with acting_as(Source.SCHEDULER):
        expire_due_jobs(timezone.now())
        call_command("publish_scheduled")


@shared_task(name="notifications.tasks.expire_unconfirmed_alerts", ignore_result=True)
def expire_unconfirmed_alerts():
    """Unconfirmed alerts go after NOTIFICATIONS_UNCONFIRMED_MAX_AGE_SECONDS."""
    services.expire_unconfirmed_alerts()


@shared_task(name="notifications.tasks.apply_retention", ignore_result=True)
def apply_retention():
    """Daily: compact old ledger rows, prune publication records and digest runs
    (notifications/retention.py, NOTIFICATIONS_LEDGER_RETENTION_DAYS)."""
    retention.apply()


# --- Institution notices (notifications/institution_notices.py) -----------------------------


def enqueue_institution_notices(ids: list[int]):
    send_institution_notices.delay(list(ids))


@shared_task(
    name="notifications.tasks.send_institution_notices",
    ignore_result=True,
    autoretry_for=(institution_notices.TransientSendError,),
    retry_backoff=settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS,
    max_retries=settings.NOTIFICATIONS_MAX_RETRIES,
)
def send_institution_notices(ids: list[int]):
    institution_notices.send_notices(ids)


@shared_task(name="notifications.tasks.send_closing_soon_notices", ignore_result=True)
def send_closing_soon_notices():
    """Beat: postings closing within 3 days, each told once (the ledger)."""
    with transaction.atomic():
        ids = institution_notices.record_closing_soon()
        if ids:
            transaction.on_commit(lambda: enqueue_institution_notices(ids))

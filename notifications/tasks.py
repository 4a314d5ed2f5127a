"""Celery tasks: thin wrappers that call the plain functions in notifications.digests."""

from celery import shared_task
from django.conf import settings
from django.core.management import call_command

from notifications import digests


@shared_task(name="notifications.tasks.run_digest", ignore_result=True)
def run_digest(frequency: str, force: bool = False):
    run = digests.run_digest(frequency, force=force, send=enqueue_batch)
    return run.pk if run else None


def enqueue_batch(run_id: int, claim: str, subscriber_ids: list[int]):
    send_batch.delay(run_id, claim, subscriber_ids)


@shared_task(name="notifications.tasks.send_batch", bind=True, ignore_result=True)
def send_batch(self, run_id: int, claim: str, subscriber_ids: list[int]):
    try:
        digests.send_batch(run_id, claim, subscriber_ids)
    except digests.TransientSendError as err:
        if self.request.retries >= settings.NOTIFICATIONS_MAX_RETRIES:
            # Give up on this message; the rows' claim runs out and a later run (beat
            # runs INSTANT every minute) hands them out again, so nothing is dropped.
            raise
        backoff = settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS * 2**self.request.retries
        raise self.retry(exc=err, countdown=backoff, max_retries=None) from err


@shared_task(name="notifications.tasks.publish_scheduled", ignore_result=True)
def publish_scheduled():
    """Wagtail's scheduled publishing and expiry; publishing fires page_published, which
    records first publications for the digests."""
    call_command("publish_scheduled")

"""Celery tasks of the cms app: webhook deliveries (cms/webhooks.py) and Google Indexing API
batches (cms/google_indexing.py)."""

from celery import shared_task
from django.conf import settings

from cms.google_indexing import RetryableIndexingError, send_batch
from cms.models import WebhookDelivery
from cms.webhooks import RetryableDeliveryError, deliver


# Celery's own retries: WEBHOOK_RETRY_SECONDS, then doubling (30 s, 1 min, 2 min, ... by
# default, up to WEBHOOK_RETRY_MAX_SECONDS), with full jitter so that deliveries that met one
# outage do not all come back at once. `deliver` stops raising after WEBHOOK_MAX_ATTEMPTS.
@shared_task(
    name="cms.tasks.deliver_webhook",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(RetryableDeliveryError,),
    retry_backoff=settings.WEBHOOK_RETRY_SECONDS,
    retry_backoff_max=settings.WEBHOOK_RETRY_MAX_SECONDS,
    max_retries=None,
)
def deliver_webhook(delivery_id: int):
    delivery = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING
    ).first()
    if delivery is not None:  # else delivered (a redelivered message) or given up
        deliver(delivery)


# One batch per run, then the next as its own task while pending rows and the day's quota
# remain; Celery retries a failed batch with its backoff (GOOGLE_INDEXING_RETRY_SECONDS,
# doubling, jittered), and the beat sweep picks up whatever is still pending after that or
# waited for the next UTC day's quota.
@shared_task(
    name="cms.tasks.send_google_indexing",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(RetryableIndexingError,),
    retry_backoff=settings.GOOGLE_INDEXING_RETRY_SECONDS,
    retry_backoff_max=settings.GOOGLE_INDEXING_RETRY_MAX_SECONDS,
    max_retries=settings.GOOGLE_INDEXING_MAX_RETRIES,
)
def send_google_indexing():
    if send_batch():
        send_google_indexing.delay()

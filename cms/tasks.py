"""Celery tasks of the cms app: webhook deliveries (cms/webhooks.py)."""

from celery import shared_task
from django.conf import settings

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

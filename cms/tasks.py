"""Celery tasks of the cms app: webhook deliveries."""

from celery import shared_task
from django.conf import settings

from cms.models import WebhookDelivery
from cms.webhooks import RetryableDeliveryError, deliver, give_up


# Celery's own retries: 30 s, 1 min, 2 min, 4 min, ... between attempts (by default), until
# the delivery has made WEBHOOK_MAX_ATTEMPTS attempts.
@shared_task(
    bind=True,
    max_retries=None,
    acks_late=True,
    autoretry_for=(RetryableDeliveryError,),
    retry_backoff=settings.WEBHOOK_RETRY_SECONDS,
    retry_backoff_max=settings.WEBHOOK_RETRY_SECONDS * 2**settings.WEBHOOK_MAX_ATTEMPTS,
    retry_jitter=False,
)
def deliver_webhook(self, delivery_id: int):
    delivery = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING
    ).first()
    if delivery is None:
        return  # delivered (a redelivered message) or given up
    try:
        deliver(delivery)
    except RetryableDeliveryError:
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            give_up(delivery)
            return
        raise  # retried by Celery (autoretry_for)

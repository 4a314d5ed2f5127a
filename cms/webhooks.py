"""Webhooks for frontends: signed JSON payloads POSTed to every URL in WEBHOOK_URLS (e.g. a
Next.js revalidation endpoint). What triggers them is cms/revalidation.py, which subscribes
to the content lifecycle (content/lifecycle.py): published, unpublished, expired, privacy,
deleted, moved (with the page's URL before the move, `previousUrl`, to revalidate too).

Each (event, URL) is a `WebhookDelivery` row written in the publishing transaction and sent
after commit by a Celery task (cms/tasks.py) that Celery retries with its own exponential
backoff; the rows are the delivery log in the admin. Requests are signed with the Standard
Webhooks scheme (standardwebhooks.com):
`webhook-id` (the delivery's id, the same on every retry), `webhook-timestamp` (unix seconds
of this attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`
keyed with WEBHOOK_SECRET (`whsec_<base64 key>`), so a receiver can refuse forgeries, old
requests and replays.
"""

import base64
import binascii
import datetime as dt
import json
import logging
import uuid

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from standardwebhooks import Webhook

from cms.models import WebhookDelivery

logger = logging.getLogger(__name__)

# Client errors other than these mean the receiver rejects the payload: retrying cannot help.
RETRYABLE_CLIENT_ERRORS = {408, 409, 425, 429}


class RetryableDeliveryError(Exception):
    pass


SECRET_PREFIX = "whsec_"
# What Standard Webhooks asks of a key: 24 to 64 random bytes.
MIN_KEY_BYTES, MAX_KEY_BYTES = 24, 64
NEW_SECRET_COMMAND = (
    'python -c "import base64, secrets; '
    "print('whsec_' + base64.b64encode(secrets.token_bytes(32)).decode())\""
)


def check_secret(secret: str) -> None:
    """Raise ImproperlyConfigured unless `secret` is `whsec_` and base64 of a key of the
    standard's size (the library itself would accept, and mangle, almost anything)."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not secret.startswith(SECRET_PREFIX) or not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise ImproperlyConfigured(
            f"WEBHOOK_SECRET must be '{SECRET_PREFIX}' followed by the base64 of "
            f"{MIN_KEY_BYTES} to {MAX_KEY_BYTES} random bytes. Make one with: "
            f"{NEW_SECRET_COMMAND}"
        )


def signature_headers(message_id: str, body: bytes, secret: str) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt to send `body`. The timestamp is the
    machine's clock, which receivers compare with theirs (within minutes) to refuse replays."""
    now = dt.datetime.now(dt.UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, now, body.decode()),
    }


def page_payload(page, event: str, before=None) -> dict:
    """`before`: for a move, the page as it was addressed before it (its old URL is
    revalidated too: `previousUrlPath`, `previousUrl`)."""
    described = {
        "id": page.pk,
        "type": page.specific_class._meta.label if page.specific_class else None,
        "title": page.title,
        "slug": page.slug,
        "urlPath": page.url_path,
        "url": page.get_url(),
    }
    if before is not None:
        described.update(previousUrlPath=before.url_path, previousUrl=before.get_url())
    return {
        "id": str(uuid.uuid4()),
        "event": event,
        "occurredAt": timezone.now().isoformat(),
        "page": described,
    }


def create_deliveries(pages, event: str, before=lambda page: None) -> list[WebhookDelivery]:
    """Log one delivery per page and configured URL (the caller sends them after commit).
    `before(page)`: the page as it was before a move, or None."""
    if not settings.WEBHOOK_URLS:
        return []
    if not settings.WEBHOOK_SECRET:
        logger.error("WEBHOOK_URLS is set but WEBHOOK_SECRET is not; webhooks are not sent.")
        return []
    deliveries = []
    for page in pages:
        payload = page_payload(page, event, before(page))
        deliveries += [
            WebhookDelivery(
                event=event, url=url, page_id=page.pk, page_title=page.title, payload=payload
            )
            for url in settings.WEBHOOK_URLS
        ]
    return WebhookDelivery.objects.bulk_create(deliveries)


def deliver(delivery: WebhookDelivery) -> None:
    """POST once. Raises RetryableDeliveryError when a later attempt may succeed and
    WEBHOOK_MAX_ATTEMPTS allows one (Celery then retries, with its backoff); otherwise the
    delivery is marked failed."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    delivery.attempts += 1
    try:
        response = requests.post(
            delivery.url,
            data=body,
            timeout=settings.WEBHOOK_TIMEOUT,
            allow_redirects=False,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "academic-jobs-cms-webhooks/1",
                "X-Webhook-Event": delivery.event,
                **signature_headers(delivery.payload["id"], body, settings.WEBHOOK_SECRET),
            },
        )
    except requests.RequestException as err:
        _failed(delivery, None, f"{type(err).__name__}: {err}")
        _retry_or_give_up(delivery, str(err))
        return
    if 200 <= response.status_code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.response_status = response.status_code
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        delivery.save()
        return
    _failed(delivery, response.status_code, response.text[:500])
    if response.status_code >= 500 or response.status_code in RETRYABLE_CLIENT_ERRORS:
        _retry_or_give_up(delivery, f"HTTP {response.status_code}")
    else:
        give_up(delivery)


def _retry_or_give_up(delivery: WebhookDelivery, error: str) -> None:
    # The row counts attempts (a redelivered message included), so it, not the message's
    # retry count, says when to stop.
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        give_up(delivery)
    else:
        raise RetryableDeliveryError(error)


def _failed(delivery: WebhookDelivery, status: int | None, error: str) -> None:
    delivery.response_status = status
    delivery.last_error = error
    delivery.save()


def give_up(delivery: WebhookDelivery) -> None:
    delivery.status = WebhookDelivery.Status.FAILED
    delivery.save(update_fields=["status"])

"""Webhooks: signed POSTs to a real local HTTP server on publish, unpublish and expiry."""

import base64
import hashlib
import hmac
import time

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from standardwebhooks import Webhook, WebhookVerificationError

from cms.models import WebhookDelivery
from cms.webhooks import check_secret
from tests.cms.webhook_receiver import SECRET, receiving_webhooks
from tests.content.factories import JobPostingPageFactory


@pytest.fixture
def receiver(settings, monkeypatch):
    with receiving_webhooks(settings, monkeypatch, WEBHOOK_MAX_ATTEMPTS=4) as server:
        yield server


def publish(job, capture):
    with capture(execute=True):
        job.save_revision().publish()


def test_publish_posts_a_signed_payload(job_index, receiver, django_capture_on_commit_callbacks):
    job = JobPostingPageFactory(parent=job_index, live=False)
    publish(job, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    assert request["valid"] and request["event"] == "published"
    payload = request["payload"]
    assert payload["event"] == "published" and payload["id"] == request["delivery"]
    assert payload["page"]["id"] == job.pk and payload["page"]["slug"] == job.slug
    assert payload["page"]["type"] == "content.JobPostingPage"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("DELIVERED", 1, 200)


def test_failures_are_retried_then_delivered(
    job_index, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 503]
    job = JobPostingPageFactory(parent=job_index, live=False)
    publish(job, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 3
    assert len({request["delivery"] for request in receiver.requests}) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("DELIVERED", 3)


def test_rejected_payload_is_not_retried(job_index, receiver, django_capture_on_commit_callbacks):
    receiver.answers = [400]
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("FAILED", 1, 400)
    assert delivery.last_error == "nope"


def test_unreachable_receiver_gives_up_after_max_attempts(
    job_index, receiver, settings, django_capture_on_commit_callbacks
):
    receiver.close()  # nothing listens on that port any more
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("FAILED", settings.WEBHOOK_MAX_ATTEMPTS)
    assert "ConnectionError" in delivery.last_error


def test_wrong_secret_is_refused_by_the_receiver(
    job_index, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_SECRET = (
        "whsec_" + base64.b64encode(b"another-key-of-32-bytes-length!!").decode()
    )
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    assert receiver.requests[0]["valid"] is False
    assert WebhookDelivery.objects.get().status == "FAILED"


def test_unpublish_and_expiry(job_index, receiver, django_capture_on_commit_callbacks, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    job = JobPostingPageFactory(parent=job_index)
    other = JobPostingPageFactory(parent=job_index)
    with django_capture_on_commit_callbacks(execute=True):
        job.unpublish()
    # The scheduler expires the other job the day after its closing date.
    later = other.closes_at + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")

    events = [(r["event"], r["payload"]["page"]["id"]) for r in receiver.requests]
    assert events == [("unpublished", job.pk), ("expired", other.pk)]
    assert all(request["valid"] for request in receiver.requests)


def test_scheduled_publish_waits_for_go_live(
    job_index, receiver, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    job = JobPostingPageFactory(parent=job_index, live=False)
    job.go_live_at = timezone.now() + dt.timedelta(hours=1)
    publish(job, django_capture_on_commit_callbacks)
    assert receiver.requests == [] and WebhookDelivery.objects.count() == 0


def test_nothing_is_sent_without_a_secret(
    job_index, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_SECRET = ""
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    assert receiver.requests == [] and WebhookDelivery.objects.count() == 0


def test_delivery_log_in_the_admin_is_read_only(
    job_index, receiver, django_capture_on_commit_callbacks
):
    job = JobPostingPageFactory(parent=job_index, live=False, title="Logged job")
    publish(job, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    listing = client.get(reverse("wagtailsnippets_cms_webhookdelivery:list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Logged job" in html and receiver.url in html
    delivery = WebhookDelivery.objects.get()
    inspect = client.get(reverse("wagtailsnippets_cms_webhookdelivery:inspect", args=[delivery.pk]))
    assert inspect.status_code == 200
    add = client.get(reverse("wagtailsnippets_cms_webhookdelivery:add"))
    assert add.status_code in (302, 403)
    edit = client.get(reverse("wagtailsnippets_cms_webhookdelivery:edit", args=[delivery.pk]))
    assert edit.status_code in (302, 403)


def test_the_signature_is_the_standard_webhooks_scheme_exactly(
    job_index, receiver, django_capture_on_commit_callbacks
):
    """What a receiver in any language computes: base64(HMAC-SHA256(key, "id.timestamp.body"))
    with key = base64-decoded WEBHOOK_SECRET after `whsec_`."""
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    message_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    assert message_id == request["payload"]["id"]
    assert timestamp.isdigit() and abs(int(timestamp) - time.time()) < 300  # the tolerance
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    expected = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256)
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected.digest()).decode()
    assert "X-Webhook-Signature" not in headers  # one scheme only


def test_a_replay_cannot_be_given_a_fresh_timestamp_or_another_body(
    job_index, receiver, django_capture_on_commit_callbacks
):
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    Webhook(SECRET).verify(body, headers)  # the original passes
    newer = {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) + 60)}
    other_id = {**headers, "webhook-id": "another-id"}
    for forged_headers, forged_body in ((newer, body), (other_id, body), (headers, body + b" ")):
        with pytest.raises(WebhookVerificationError):
            Webhook(SECRET).verify(forged_body, forged_headers)


@pytest.mark.parametrize(
    "secret",
    [
        "a-long-random-string-shared-with-the-receivers",  # the old, free-form kind
        "whsec_",
        "whsec_" + base64.b64encode(b"too short").decode(),
        "whsec_not base64!",
        "whsec_" + base64.b64encode(b"x" * 65).decode(),
        base64.b64encode(b"k" * 32).decode(),  # no prefix
    ],
)
def test_a_secret_not_in_the_standard_form_is_a_configuration_error(secret):
    with pytest.raises(ImproperlyConfigured) as caught:
        check_secret(secret)
    assert "whsec_" in str(caught.value) and "secrets.token_bytes(32)" in str(caught.value)


def test_a_generated_secret_is_accepted():
    check_secret(SECRET)
    check_secret("whsec_" + base64.b64encode(b"k" * 24).decode())


def test_retries_wait_celerys_exponential_backoff(
    job_index, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The task computes no delay of its own: Celery's autoretry asks for one, doubling from
    WEBHOOK_RETRY_SECONDS, with full jitter (any moment up to it)."""
    from cms.tasks import deliver_webhook

    receiver.answers = [500, 500, 500]
    countdowns = []
    retry = deliver_webhook.retry

    def recording_retry(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return retry(*args, **kwargs)

    monkeypatch.setattr(deliver_webhook, "retry", recording_retry)
    publish(JobPostingPageFactory(parent=job_index, live=False), django_capture_on_commit_callbacks)
    assert WebhookDelivery.objects.get().attempts == 4  # three 500s, then delivered
    assert len(countdowns) == 3
    for n, countdown in enumerate(countdowns):
        assert 0 <= countdown <= settings.WEBHOOK_RETRY_SECONDS * 2**n
